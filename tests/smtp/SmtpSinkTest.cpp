// Tests of the SMTP client against a real SMTP server: tools/devgateway/smtp_sink.py
// (aiosmtpd, the internal server of the integration tests) as a subprocess on loopback.
// They prove what the scripted server cannot: a real implementation reads our dot-stuffing
// and parameters as we mean them (the saved message is byte-identical to what was
// released), and a callout session reads its 550 and reuses the connection after RSET.
// No TLS here: the sink has none (tests/unit/smtp covers STARTTLS).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "gateway/smtp/SmtpDelivery.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tests/support/RedisServerProcess.hpp"
#include "tests/unit/smtp/FakeSmtpServer.hpp"

using namespace mailgate;
using mailgate::testing::fakeServerClientSettings;
using mailgate::testing::loopbackServer;

namespace {

// The repository root: MAILGATE_SOURCE_DIR (ctest sets it), else three levels above this
// executable (build-test/bin/mailgate_smtp_tests).
std::filesystem::path sourceDirectory() {
    if (const char* fromEnvironment = std::getenv("MAILGATE_SOURCE_DIR")) {
        return fromEnvironment;
    }
    return std::filesystem::read_symlink("/proc/self/exe")
        .parent_path()
        .parent_path()
        .parent_path();
}

// smtp_sink.py on a free loopback port, saving into a temporary directory; answers 550
// to RCPT TO nobody@example.test. Killed and cleaned up by the destructor.
class SmtpSinkProcess {
  public:
    SmtpSinkProcess() : port_(mailgate::testing::freeLoopbackPort()) {
        char pattern[] = "/tmp/mailgate-sink-XXXXXX";
        directory_ = mkdtemp(pattern);
        std::vector<std::string> arguments = {
            "/usr/bin/python3",
            (sourceDirectory() / "tools/devgateway/smtp_sink.py").string(),
            "--port",
            std::to_string(port_),
            "--directory",
            directory_.string(),
            "--reject-recipient",
            "nobody@example.test"};
        pid_ = fork();
        if (pid_ == 0) {
            std::vector<char*> argv;
            for (auto& argument : arguments) {
                argv.push_back(argument.data());
            }
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!mailgate::testing::portAccepts(port_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("smtp_sink.py did not start");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ~SmtpSinkProcess() {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }

    std::uint16_t port() const { return static_cast<std::uint16_t>(port_); }
    // A saved file's bytes ("000001.eml", "000001.json"), "" when there is none.
    std::string saved(const std::string& name) const {
        std::ifstream file(directory_ / name, std::ios::binary);
        std::ostringstream bytes;
        bytes << file.rdbuf();
        return bytes.str();
    }

  private:
    int port_;
    std::filesystem::path directory_;
    pid_t pid_ = -1;
};

}  // namespace

TEST(SmtpSink, ReceivesTheReleasedMessageByteForByte) {
    SmtpSinkProcess sink;
    std::string message =
        "From: a@example.test\r\nTo: b@example.test\r\nSubject: caf\xc3\xa9\r\n\r\n"
        ".a line that starts with a dot\r\n.\r\n..\r\nlast line\r\n";
    auto report = runBlocking(deliverMessage(fakeServerClientSettings(),
                                             loopbackServer(sink.port()), "a@example.test",
                                             {"b@example.test", "nobody@example.test"}, message));
    ASSERT_TRUE(report.delivered()) << report.failure->toString();
    EXPECT_TRUE(report.deliveredTo("b@example.test"));
    EXPECT_FALSE(report.deliveredTo("nobody@example.test"));
    EXPECT_EQ(report.recipients[1].reply->code, 550);
    EXPECT_EQ(report.recipients[1].reply->enhanced_status, "5.1.1");

    EXPECT_EQ(sink.saved("000001.eml"), message);
    std::string envelope = sink.saved("000001.json");
    EXPECT_NE(envelope.find("\"SIZE=" + std::to_string(message.size()) + "\""), std::string::npos)
        << envelope;
    EXPECT_NE(envelope.find("\"BODY=8BITMIME\""), std::string::npos) << envelope;
    EXPECT_NE(envelope.find("\"helo\": \"gateway.example.test\""), std::string::npos);
}

TEST(SmtpSink, ACalloutSessionProbesSeveralRecipientsOnOneConnection) {
    SmtpSinkProcess sink;
    auto answers = runBlocking([&]() -> boost::asio::awaitable<std::vector<std::string>> {
        auto executor = co_await boost::asio::this_coro::executor;
        SmtpClient client(executor, fakeServerClientSettings());
        SmtpServer address = loopbackServer(sink.port());
        auto opened = co_await client.open(address);
        EXPECT_TRUE(opened.ok());
        std::vector<std::string> seen;
        std::vector<std::string> probes = {"nobody@example.test", "b@example.test"};
        for (const auto& recipient : probes) {
            auto mail = co_await client.mailFrom("");
            EXPECT_TRUE(mail.ok());
            auto rcpt = co_await client.rcptTo(recipient);
            seen.push_back(rcpt ? std::to_string(rcpt->code) : rcpt.failure().toString());
            auto reset = co_await client.reset();
            EXPECT_TRUE(reset.ok());
        }
        auto quit = co_await client.quit();
        EXPECT_TRUE(quit.ok());
        co_return seen;
    }());
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0],
              "rcpt: 550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown");
    EXPECT_EQ(answers[1], "250");
}
