# The statistical filter (C10, docs/bayes.md) as a postmaster uses it: `mailgatectl learn`
# teaches it spam and ham in a real Redis; then a message like the spam gets a BAYES_SPAM
# symbol and one like the ham a BAYES_HAM symbol, both in `mailgatectl scan` and in a real
# mailgate-milter (over the milter protocol); learning twice changes nothing; with Redis
# down, learning fails with a clear error and exit status 1, and the milter still decides.
import re

from devgateway import MilterClient, MilterDaemon, make_subdirectory, run_mailgatectl
from devgateway.milter_client import split_message

SPAM_WORDS = "cheap pills viagra casino winner lottery prize claim urgent offer".split()
HAM_WORDS = "meeting agenda quarterly report review budget project schedule notes".split()


def message(words, number, subject):
    body = " ".join(words[(number + i) % len(words)] for i in range(40))
    return (f"From: sender{number}@example.org\r\nTo: bob@example.test\r\n"
            f"Subject: {subject} {number}\r\nMessage-ID: <m{number}.{subject}@example.org>\r\n"
            f"Date: Tue, 1 Dec 2026 08:00:00 +0000\r\n\r\n{body}\r\n").encode()


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
    fields, body = split_message(raw)
    with MilterClient(daemon.socket_spec) as client:
        client.negotiate()
        client.connect(address="192.0.2.7")
        client.helo()
        client.mail("sender@example.org")
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
