# C11: the HTML features through the real components. A phishing message (a link that
# shows the bank's site and leads to an IP address, a login form with a password field,
# white-on-white words) goes through a real mailgate-milter over the milter protocol: its
# X-Spam-Status names the symbols. `mailgatectl scan` on the same message prints each
# symbol with its reason, naming the evidence (the shown and the real host, the hidden
# words); a legitimate newsletter (hidden preview line, tracking pixel, click-tracked links)
# draws none of them; and `[html_features] enabled = false` turns the check off.
from email.utils import formatdate
import re

from devgateway import MilterClient, MilterDaemon, make_subdirectory, run_mailgatectl

HEADERS = ("From: Bank Security <security@notice.example>\r\n"
           "To: bob@example.test\r\n"
           f"Date: {formatdate(usegmt=True)}\r\n"  # dated now: no DATE_IN_PAST
           "Message-ID: <c11-{name}@notice.example>\r\n"
           "Subject: {subject}\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/html; charset=utf-8\r\n\r\n")

PHISH = (HEADERS.format(name="phish", subject="Your account is suspended") +
         "<html><body><p>Your account has been suspended. Sign in at "
         "<a href=\"http://203.0.113.9/secure/login.php\">https://www.bank.example/login</a>"
         " to restore it.</p><form action=\"http://203.0.113.9/post\">User <input name=u>"
         " Password <input type=\"password\" name=p></form>"
         "<font color=\"#ffffff\">" + "meadow harbor crystal lantern violet thunder " * 4 +
         "</font></body></html>\r\n").encode()

NEWSLETTER = (HEADERS.format(name="news", subject="Our winter catalogue") +
              "<html><body><div style=\"display:none;max-height:0;overflow:hidden\">Warm coats"
              " and boots: members save 20%&zwnj;&nbsp;&zwnj;&nbsp;</div>"
              "<img src=\"https://cdn.shop.example/coats.jpg\" width=600 height=300>"
              "<p>Our winter catalogue has arrived with warm coats, wool scarves and leather "
              "boots for the whole family, and members save twenty percent until Sunday.</p>"
              "<p><a href=\"https://click.esp.example/c?u=https%3A%2F%2Fwww.shop.example%2F\">"
              "www.shop.example</a></p><p style=\"font-size:11px\">You receive this newsletter "
              "because you subscribed at www.shop.example. Shop Ltd, 1 High Street, Exampletown. "
              "<a href=\"https://esp.example/unsubscribe\">Unsubscribe</a></p>"
              "<img src=\"https://esp.example/o.gif\" width=1 height=1>"
              "</body></html>\r\n").encode()

SYMBOLS = ["HTML_LINK_TEXT_OTHER_DOMAIN", "HTML_FORM", "HTML_PASSWORD_FIELD", "HTML_HIDDEN_TEXT"]


def scan(config, path, message):
    path.write_bytes(message)
    result = run_mailgatectl("--config", config, "scan", "--no-redis", path)
    assert result.returncode == 0, result.stdout + result.stderr
    return {match.group(1): match.group(2) for match in re.finditer(
        r"^symbol check=html_features name=(\S+) score=\S+ detail=(.*)$", result.stdout,
        re.MULTILINE)}


def test_C11_the_milter_reports_html_features_of_a_phish(request, server_directory,
                                                          redis_server):
    daemon = MilterDaemon(make_subdirectory(server_directory, "milter"), redis_server,
                          log_level="info")
    daemon.start()
    request.addfinalizer(daemon.stop)
    with MilterClient(daemon.socket_spec) as client:
        client.negotiate()
        assert client.connect(address="192.0.2.44")[0] == "continue"
        assert client.helo()[0] == "continue"
        result = client.send_message(PHISH)
    [status] = [value for name, value in result.added_headers if name == "X-Spam-Status"]
    for symbol in SYMBOLS:
        assert symbol in status, status
    line = daemon.wait_for_log(r"event=message_decision [^\n]*").group(0)
    assert "HTML_PASSWORD_FIELD" in line, line


def test_C11_scan_prints_each_symbol_with_its_evidence(tmp_path):
    config = tmp_path / "mailgate.toml"
    config.write_text("")
    found = scan(config, tmp_path / "phish.eml", PHISH)
    assert set(SYMBOLS) <= set(found), found
    assert "shows www.bank.example but leads to 203.0.113.9" in \
        found["HTML_LINK_TEXT_OTHER_DOMAIN"]
    assert "1 password field" in found["HTML_PASSWORD_FIELD"]
    hidden = found["HTML_HIDDEN_TEXT"]
    assert "in the background's colour (#ffffff on #ffffff)" in hidden and "meadow harbor" in hidden
    quiet = scan(config, tmp_path / "news.eml", NEWSLETTER)
    assert set(quiet) <= {"HTML_ONLY"}, quiet


def test_C11_the_check_can_be_turned_off(tmp_path):
    config = tmp_path / "mailgate.toml"
    config.write_text("[html_features]\nenabled = false\n")
    assert scan(config, tmp_path / "phish.eml", PHISH) == {}
