#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and runs each on
# its seed corpus for SECONDS seconds (default 20). Usage: scripts/fuzz.sh [SECONDS]
# The test command runs it briefly; run it longer by hand after touching a parser.
# Targets run one per core at a time (MAILGATE_FUZZ_JOBS changes that).
# New inputs found go to build-fuzz/corpus/, not into the repository; a crash leaves its
# input in build-fuzz/ and fails the script. The mutations start from a fixed seed
# (FUZZ_SEED, default 1) so the test command explores the same inputs first on every
# machine; FUZZ_SEED=0 lets libFuzzer pick one, for longer runs by hand.
# shellcheck source=lib/errors.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/errors.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
seed=${FUZZ_SEED:-1}
build_dir=$root/build-fuzz
targets=(PolicyRequest:policy_request ConfigLoader:config SocketAddress:socket_address
  DnsblZone:dnsbl_zone SpfRecord:spf_record SpfMacro:spf_macro ListEntry:list_entry
  PolicyStageHeader:policy_stage_header MimeMessage:mime_message RuleFile:rule_file
  BayesTokenizer:bayes_tokenizer MboxReader:mbox_reader MailDate:mail_date PhraseFile:phrase_file
  ReceivedField:received_field UrlExtractor:url_extractor HtmlFeatures:html_features
  QuarantineMetadata:quarantine_metadata SmtpReply:smtp_reply)
names=("${targets[@]%%:*}")

CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMAILGATE_FUZZ=ON -DMAILGATE_TESTS=OFF -DMAILGATE_BENCH=OFF >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target "${names[@]/#/fuzz_}"

# One libFuzzer process per core at a time (each is single-threaded); each writes its
# output and exit status to files, printed in the list's order once all are done.
logs=$build_dir/logs
mkdir -p "$logs"
run_target() {
  local name=$1 corpus=$2 status=0
  local work=$build_dir/corpus/$corpus
  mkdir -p "$work"
  (cd "$build_dir" && exec "$build_dir/bin/fuzz_$name" -max_total_time="$seconds" -max_len=4096 \
    -seed="$seed" -print_final_stats=1 "$work" "$root/tests/fuzz/corpus/$corpus") \
    >"$logs/$name.log" 2>&1 || status=$?
  echo "$status" >"$logs/$name.status"
}
at_once=${MAILGATE_FUZZ_JOBS:-$(nproc)}
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$at_once" ]; do
    wait -n || true
  done
  rm -f "$logs/${target%%:*}.status"
  run_target "${target%%:*}" "${target##*:}" &
done
wait

failed=()
for name in "${names[@]}"; do
  status=$(cat "$logs/$name.status" 2>/dev/null || echo "no status")
  echo "== fuzz_$name for ${seconds}s: exit status $status =="
  tail -n 12 "$logs/$name.log"
  if [ "$status" != 0 ]; then
    failed+=("fuzz_$name")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz.sh: ${failed[*]} failed (a crash leaves its input in $build_dir; logs in $logs)" >&2
  exit 1
fi
