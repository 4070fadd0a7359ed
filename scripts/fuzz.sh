#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and runs each on
# its seed corpus for SECONDS seconds (default 20). Usage: scripts/fuzz.sh [SECONDS]
# The test command runs it briefly; run it longer by hand after touching a parser.
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
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMAILGATE_FUZZ=ON -DMAILGATE_TESTS=OFF -DMAILGATE_BENCH=OFF >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)" --target fuzz_PolicyRequest fuzz_ConfigLoader \
  fuzz_SocketAddress fuzz_DnsblZone fuzz_SpfRecord fuzz_SpfMacro fuzz_ListEntry fuzz_PolicyStageHeader \
  fuzz_MimeMessage fuzz_RuleFile
for target in PolicyRequest:policy_request ConfigLoader:config SocketAddress:socket_address \
    DnsblZone:dnsbl_zone SpfRecord:spf_record SpfMacro:spf_macro ListEntry:list_entry \
    PolicyStageHeader:policy_stage_header MimeMessage:mime_message RuleFile:rule_file; do
  name=${target%%:*}
  corpus=${target##*:}
  work=$build_dir/corpus/$corpus
  mkdir -p "$work"
  echo "== fuzz_$name for ${seconds}s =="
  (cd "$build_dir" && "$build_dir/bin/fuzz_$name" -max_total_time="$seconds" -max_len=4096 -seed="$seed" \
    -print_final_stats=1 "$work" "$root/tests/fuzz/corpus/$corpus" 2>&1 | tail -n 12)
done
