# The statistical filter (C10, docs/bayes.md) as a postmaster uses it: `mailgatectl learn`
# teaches it spam and ham in a real Redis (message files, directories, mbox files); then a
# message like the spam gets a BAYES_SPAM symbol and one like the ham a BAYES_HAM symbol,
# in `mailgatectl scan`, in a real mailgate-milter (over the milter protocol) and through
# the real Postfix to the SMTP sink (tagged, not tagged); learning twice changes nothing;
# autolearning learns from the mail passing through the milter, never from a scan or
# whitelisted mail; with Redis down, learning fails with a clear error and exit status 1,
# and the milter still decides.
from email.utils import formatdate
import re
import time

from devgateway import (MilterClient, MilterDaemon, make_subdirectory, run_mailgatectl,
                        send_with_swaks)
from devgateway.milter_client import split_message
from devgateway.swaks import transcript

SPAM_WORDS = "cheap pills viagra casino winner lottery prize claim urgent offer".split()
HAM_WORDS = "meeting agenda quarterly report review budget project schedule notes".split()


def message(words, number, subject):
    body = " ".join(words[(number + i) % len(words)] for i in range(40))
    return (f"From: sender{number}@example.org\r\nTo: bob@example.test\r\n"
            f"Subject: {subject} {number}\r\nMessage-ID: <m{number}.{subject}@example.org>\r\n"
            f"Date: {formatdate(usegmt=True)}\r\n\r\n{body}\r\n").encode()


def write_messages(directory, words, subject, count):
    directory.mkdir()
    for number in range(count):
        (directory / f"{number}.eml").write_bytes(message(words, number, subject))
    return directory


def scan_symbols(daemon, path):
    result = run_mailgatectl("--config", daemon.config_path, "scan", path)
    assert result.returncode == 0, result.stdout + result.stderr
    return re.findall(r"symbol check=bayes name=(\S+)", result.stdout)


def milter_symbols(daemon, raw, queue_id):
    return milter_symbols_from(daemon, raw, queue_id, "sender@example.org")


def milter_symbols_from(daemon, raw, queue_id, sender, address="192.0.2.7"):
    fields, body = split_message(raw)
    with MilterClient(daemon.socket_spec) as client:
        client.negotiate()
        client.connect(address=address)
        client.helo()
        client.mail(sender)
        client.rcpt("bob@example.test")
        client.data(queue_id=queue_id)
        for name, value in fields:
            client.header(name, value)
        client.end_of_headers()
        client.body(body)
        client.end_of_message(queue_id=queue_id)
    line = daemon.wait_for_log(rf"event=message_decision queue_id={queue_id} [^\n]*").group(0)
    return re.search(r" symbols=(\S*)", line).group(1)


def test_C10_learned_spam_and_ham_are_recognised_by_scan_and_the_milter(
        request, server_directory, redis_server, tmp_path):
    daemon = MilterDaemon(make_subdirectory(server_directory, "milter"), redis_server,
                          log_level="info", extra_config={"bayes": {"min_learned": 5}})
    daemon.start()
    request.addfinalizer(daemon.stop)
    spam = write_messages(tmp_path / "spam", SPAM_WORDS, "offer", 8)
    ham = write_messages(tmp_path / "ham", HAM_WORDS, "minutes", 8)
    probe_spam = tmp_path / "probe-spam.eml"
    probe_spam.write_bytes(message(SPAM_WORDS, 100, "offer"))
    probe_ham = tmp_path / "probe-ham.eml"
    probe_ham.write_bytes(message(HAM_WORDS, 100, "minutes"))

    assert scan_symbols(daemon, probe_spam) == [], "silent before anything is learned"
    learned = run_mailgatectl("--config", daemon.config_path, "learn", "--spam", spam)
    assert learned.returncode == 0, learned.stderr
    assert learned.stdout.strip() == "messages=8 learned=8"
    learned = run_mailgatectl("--config", daemon.config_path, "learn", "--ham", ham)
    assert learned.stdout.strip() == "messages=8 learned=8"
    again = run_mailgatectl("--config", daemon.config_path, "learn", "--ham", ham)
    assert again.stdout.strip() == "messages=8 already_known=8"
    stats = run_mailgatectl("--config", daemon.config_path, "bayes", "stats")
    assert "spam_learned=8 ham_learned=8 min_learned=5 enabled=yes classifying=yes" in stats.stdout

    [spam_symbol] = scan_symbols(daemon, probe_spam)
    [ham_symbol] = scan_symbols(daemon, probe_ham)
    assert spam_symbol.startswith("BAYES_SPAM_"), spam_symbol
    assert ham_symbol.startswith("BAYES_HAM_"), ham_symbol
    # The milter reads the same store; its first message may see only the totals (it reads
    # the tokens once it knows enough is learned), so it is asked twice.
    milter_symbols(daemon, probe_spam.read_bytes(), "BAYES0001X")
    assert spam_symbol in milter_symbols(daemon, probe_spam.read_bytes(), "BAYES0002X")
    assert ham_symbol in milter_symbols(daemon, probe_ham.read_bytes(), "BAYES0003X")


def test_C10_learning_with_redis_down_fails_clearly(request, server_directory, redis_server,
                                                    tmp_path):
    daemon = MilterDaemon(make_subdirectory(server_directory, "milter"), redis_server,
                          log_level="info")
    daemon.start()
    request.addfinalizer(daemon.stop)
    spam = write_messages(tmp_path / "spam", SPAM_WORDS, "offer", 2)
    redis_server.stop()
    learned = run_mailgatectl("--config", daemon.config_path, "learn", "--spam", spam)
    assert learned.returncode == 1
    assert "redis unavailable" in learned.stderr and "stopped after 0 messages" in learned.stderr
    symbols = milter_symbols(daemon, message(SPAM_WORDS, 1, "offer"), "BAYES0004X")
    assert "BAYES_UNAVAILABLE" in symbols


def learn(config_path, *arguments):
    result = run_mailgatectl("--config", config_path, "learn", *arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def stats(config_path):
    result = run_mailgatectl("--config", config_path, "bayes", "stats")
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_C10_through_postfix_spam_like_mail_is_tagged_and_ham_like_is_not(gateway_factory,
                                                                          tmp_path):
    gateway = gateway_factory(extra_config={"bayes": {"min_learned": 5}})
    config_path = gateway.milter_daemon.config_path
    spam = write_messages(tmp_path / "spam", SPAM_WORDS, "offer", 8)
    ham = write_messages(tmp_path / "ham", HAM_WORDS, "minutes", 8)
    assert learn(config_path, "--spam", spam) == "messages=8 learned=8"
    assert learn(config_path, "--ham", ham) == "messages=8 learned=8"

    def send(words, subject):
        body = " ".join(words[(7 + i) % len(words)] for i in range(40))
        result = send_with_swaks(
            gateway.smtp_port, "sender@example.org", "bob@example.test",
            ["--xclient-addr", "192.0.2.80", "--xclient-name", "mx.example.org",
             "--header", f"Subject: {subject} 77", "--body", body], helo="mx.example.org")
        assert result.returncode == 0, transcript(result)

    send(SPAM_WORDS, "offer")
    [tagged] = gateway.sink.wait_for_messages(1)
    assert tagged.message["X-Spam-Flag"] == "YES", tagged.message["X-Spam-Status"]
    assert "BAYES_SPAM_99" in tagged.message["X-Spam-Status"]
    gateway.sink.clear()
    send(HAM_WORDS, "minutes")
    [clean] = gateway.sink.wait_for_messages(1)
    assert clean.message["X-Spam-Flag"] is None
    status = clean.message["X-Spam-Status"]
    assert status.startswith("No, ") and "BAYES_HAM_01" in status, status


def test_C10_learning_reads_mbox_files_and_skips_what_it_knows(request, server_directory,
                                                                redis_server, tmp_path):
    daemon = MilterDaemon(make_subdirectory(server_directory, "milter"), redis_server,
                          log_level="info")
    daemon.write_config()
    mbox = tmp_path / "spam.mbox"
    with mbox.open("wb") as out:
        for number in range(3):
            raw = message(SPAM_WORDS, number, "offer").replace(b"\r\n", b"\n")
            out.write(b"From sender@example.org Tue Dec  1 08:00:00 2026\n" + raw + b"\n")
    assert learn(daemon.config_path, "--spam", mbox) == "messages=3 learned=3"
    # The same messages as files are the same lessons: recognised by their tokens.
    files = write_messages(tmp_path / "files", SPAM_WORDS, "offer", 4)
    assert learn(daemon.config_path, "--spam", files) == "messages=4 already_known=3 learned=1"
    assert learn(daemon.config_path, "--ham", mbox) == "messages=3 moved=3"
    assert stats(daemon.config_path).startswith("spam_learned=1 ham_learned=3 ")


def test_C10_autolearn_learns_from_the_milters_mail_only(request, server_directory,
                                                         redis_server, tmp_path):
    # A message without Date and Message-ID scores 1.5 (header syntax): spam for the
    # autolearner here; a well-formed one scores 0: ham.
    daemon = MilterDaemon(
        make_subdirectory(server_directory, "milter"), redis_server, log_level="info",
        extra_config={"bayes": {"autolearn": True, "autolearn_spam_at_least": 1.5,
                                "autolearn_ham_below": 0.5},
                      "lists": {"whitelist": ["client:192.0.2.99/32"]}})
    daemon.start()
    request.addfinalizer(daemon.stop)
    suspicious = (b"From: sender@example.org\r\nTo: bob@example.test\r\n"
                  b"Subject: offer\r\n\r\ncheap pills casino winner\r\n")
    well_formed = message(HAM_WORDS, 1, "minutes")

    probe = tmp_path / "probe.eml"
    probe.write_bytes(well_formed)
    scanned = run_mailgatectl("--config", daemon.config_path, "scan", probe)
    assert scanned.returncode == 0, scanned.stderr
    assert "BAYES_AUTOLEARN" not in scanned.stdout
    assert stats(daemon.config_path).startswith("spam_learned=0 ham_learned=0 ")

    assert "BAYES_AUTOLEARN" in milter_symbols(daemon, suspicious, "AUTO0001X")
    assert "BAYES_AUTOLEARN" in milter_symbols(daemon, well_formed, "AUTO0002X")
    # Whitelisted mail is never learned.
    friendly = message(HAM_WORDS, 2, "minutes")
    assert "BAYES_AUTOLEARN" not in milter_symbols_from(daemon, friendly, "AUTO0003X",
                                                        "friend@example.org", "192.0.2.99")
    # The learning is not waited for by the milter; it lands soon after.
    for _ in range(50):
        if stats(daemon.config_path).startswith("spam_learned=1 ham_learned=1 "):
            break
        time.sleep(0.1)
    assert stats(daemon.config_path).startswith("spam_learned=1 ham_learned=1 ")
    # The same message again is already known: the totals do not move.
    milter_symbols(daemon, well_formed, "AUTO0004X")
    assert stats(daemon.config_path).startswith("spam_learned=1 ham_learned=1 ")


def test_C10_a_recipients_own_store_judges_their_copy(request, server_directory, redis_server,
                                                       tmp_path):
    daemon = MilterDaemon(make_subdirectory(server_directory, "milter"), redis_server,
                          log_level="info",
                          extra_config={"bayes": {"min_learned": 5, "per_recipient": True}})
    daemon.write_config()
    config = daemon.config_path
    offers = write_messages(tmp_path / "offers", SPAM_WORDS, "offer", 8)
    minutes = write_messages(tmp_path / "minutes", HAM_WORDS, "minutes", 8)
    # Globally the offers are ham (a shop's newsletter most people want); carol calls them spam.
    assert learn(config, "--ham", offers) == "messages=8 learned=8"
    assert learn(config, "--spam", minutes) == "messages=8 learned=8"
    assert learn(config, "--recipient", "Carol@Example.Test", "--spam", offers) == \
        "messages=8 learned=8"
    assert learn(config, "--recipient", "carol@example.test", "--ham", minutes) == \
        "messages=8 learned=8"
    assert stats(config).startswith("spam_learned=8 ham_learned=8 ")
    carol = run_mailgatectl("--config", config, "bayes", "stats", "--recipient",
                            "carol@example.test")
    assert "spam_learned=8 ham_learned=8 min_learned=5 enabled=yes classifying=yes" in \
        carol.stdout, carol.stdout + carol.stderr

    probe = tmp_path / "probe.eml"
    probe.write_bytes(message(SPAM_WORDS, 100, "offer"))
    scanned = run_mailgatectl("--config", config, "scan", "--rcpt", "carol@example.test",
                              "--rcpt", "dave@example.test", probe)
    assert scanned.returncode == 0, scanned.stderr
    symbols = dict(re.findall(r"symbol check=bayes recipient=(\S+) name=(\S+)", scanned.stdout))
    assert symbols["carol@example.test"].startswith("BAYES_SPAM_"), scanned.stdout
    assert symbols["dave@example.test"].startswith("BAYES_HAM_"), scanned.stdout
    assert "(own store)" in scanned.stdout
