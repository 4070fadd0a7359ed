// mailgate_smtp_corpus: an SMTP client that sends real messages of a corpus (the .eml
// files or list files mailgate_milter_bench reads) to an SMTP server on a loopback
// address, in N parallel sessions, one message per session (like smtp-source, which
// cannot send given files) or K; no pipelining, no TLS. bench/milter_content.py runs it
// against a private Postfix with and without milters. It prints one JSON line: messages,
// seconds, messages per second, p50/p99/max latency (from the connection, or MAIL on a
// reused one, to the reply after the final dot), replies by stage and class, errors by
// kind. A benchmark tool: it asserts nothing and links no mailgate code.
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "MilterProtocolCorpus.hpp"
#include "MilterProtocolOptions.hpp"
#include "MilterProtocolReport.hpp"
#include "MilterProtocolSocket.hpp"

namespace mailgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct SmtpSenderOptions {
    std::string server;  // inet:HOST:PORT
    CorpusOptions corpus;
    std::int64_t messages = 0;  // 0: each corpus message once
    int sessions = 10;
    int messagesPerSession = 1;
    double timeoutSeconds = 60;
    std::string sender = "bench@sender.test";
    std::string recipient = "user@example.test";
    std::string helo = "client.sender.test";
};

constexpr std::string_view kUsage =
    "usage: mailgate_smtp_corpus --server inet:HOST:PORT (--corpus DIR | --list FILE)...\n"
    "       [--suffix .eml] [--messages N] [--sessions N] [--messages-per-session K]\n"
    "       [--timeout S] [--sender ADDRESS] [--recipient ADDRESS] [--helo NAME]\n";

bool setOption(SmtpSenderOptions& options, std::string_view name, std::string_view value) {
    using namespace bench_options_detail;
    if (setCorpusOption(options.corpus, name, value)) {
        return true;
    }
    std::string* text = name == "--server"      ? &options.server
                        : name == "--sender"    ? &options.sender
                        : name == "--recipient" ? &options.recipient
                        : name == "--helo"      ? &options.helo
                                                : nullptr;
    if (text != nullptr) {
        *text = std::string(value);
        return true;
    }
    if (name == "--messages") {
        return parseNumber(value, options.messages);
    }
    if (name == "--sessions") {
        return parseNumber(value, options.sessions) && options.sessions > 0;
    }
    if (name == "--messages-per-session") {
        return parseNumber(value, options.messagesPerSession) && options.messagesPerSession > 0;
    }
    return name == "--timeout" && parseSeconds(value, options.timeoutSeconds);
}

struct SmtpReply {
    int code = 0;
    std::string text;  // the last line
};

struct SmtpOutcome {
    std::string result;  // "2xx", or "STAGE:4xx" / "STAGE:5xx"
    std::string error;
};

// One SMTP connection; a failure closes it and comes back as an error kind.
class SmtpCorpusSession {
  public:
    SmtpCorpusSession(const BenchAddress& address, const SmtpSenderOptions& options)
        : address_(address), options_(options) {}
    ~SmtpCorpusSession() { closeSocket(); }
    SmtpCorpusSession(const SmtpCorpusSession&) = delete;
    SmtpCorpusSession& operator=(const SmtpCorpusSession&) = delete;

    bool isOpen() const { return fd_ >= 0; }

    // Connects, reads the greeting and says EHLO; an error kind, or empty.
    std::string open() {
        input_.clear();
        fd_ = connectBenchSocket(address_, options_.timeoutSeconds, false);
        if (fd_ < 0) {
            return "connect";
        }
        auto greeting = readReply();
        if (greeting.code != 220) {
            return failed(greeting.code == 0 ? error_
                                             : "greeting_" + std::to_string(greeting.code));
        }
        auto ehlo = command("EHLO " + options_.helo + "\r\n");
        if (ehlo.code != 250) {
            return failed(ehlo.code == 0 ? error_ : "ehlo_" + std::to_string(ehlo.code));
        }
        return {};
    }

    SmtpOutcome send(const CorpusMessage& message) {
        auto mail = command("MAIL FROM:<" + options_.sender + ">\r\n");
        if (mail.code != 250) {
            return refused("mail", mail);
        }
        auto rcpt = command("RCPT TO:<" + options_.recipient + ">\r\n");
        if (rcpt.code != 250) {
            return refused("rcpt", rcpt);
        }
        auto data = command("DATA\r\n");
        if (data.code != 354) {
            return refused("data", data);
        }
        auto end = command(message.smtpData + ".\r\n");
        if (end.code / 100 != 2) {
            return refused("end_of_data", end);
        }
        return {"2xx", {}};
    }

    void quit() {
        if (fd_ >= 0) {
            command("QUIT\r\n");
            closeSocket();
        }
    }

  private:
    SmtpReply command(const std::string& text) {
        if (!writeAll(fd_, text)) {
            error_ = "write";
            return {};
        }
        return readReply();
    }

    // A refusal keeps the session (RSET); a lost connection is an error.
    SmtpOutcome refused(std::string_view stage, const SmtpReply& reply) {
        if (reply.code == 0 || reply.code == 421) {
            return {{}, failed(reply.code == 0 ? error_ : "closed_421")};
        }
        if (command("RSET\r\n").code != 250) {
            closeSocket();
        }
        return {std::string(stage) + ":" + std::to_string(reply.code / 100) + "xx", {}};
    }

    // The reply's code and last line, or code 0 with error_ set.
    SmtpReply readReply() {
        while (true) {
            auto end = input_.find("\r\n");
            if (end == std::string::npos) {
                bool timedOut = false;
                if (!readSome(fd_, input_, timedOut)) {
                    error_ = timedOut ? "timeout" : "connection_closed";
                    return {};
                }
                continue;
            }
            std::string line = input_.substr(0, end);
            input_.erase(0, end + 2);
            if (line.size() < 4 || line[3] != '-') {
                int code = 0;
                bench_options_detail::parseNumber(std::string_view(line).substr(0, 3), code);
                return {code, line};
            }
        }
    }

    std::string failed(std::string kind) {
        closeSocket();
        return kind;
    }

    void closeSocket() {
        if (fd_ >= 0) {
            close(fd_);
            fd_ = -1;
        }
    }

    BenchAddress address_;
    const SmtpSenderOptions& options_;
    int fd_ = -1;
    std::string input_;
    std::string error_;
};

struct SmtpSenderRun {
    const SmtpSenderOptions& options;
    BenchAddress address;
    std::vector<CorpusMessage> corpus;
    std::int64_t total = 0;
    std::atomic<std::int64_t> next{0};

    std::optional<std::int64_t> takeTicket() {
        std::int64_t ticket = next.fetch_add(1, std::memory_order_relaxed);
        return ticket < total ? std::optional(ticket) : std::nullopt;
    }
};

void record(MessageTally& tally, const SmtpOutcome& outcome, Clock::time_point started) {
    tally.lastEvent = Clock::now();
    if (!outcome.error.empty()) {
        tally.errors.add(outcome.error);
        return;
    }
    tally.latencies.push_back(tally.lastEvent - started);
    tally.results.add(outcome.result);
}

void runSession(SmtpSenderRun& run, MessageTally& tally) {
    SmtpCorpusSession session(run.address, run.options);
    int sent = 0;
    while (auto ticket = run.takeTicket()) {
        auto started = Clock::now();
        if (!session.isOpen()) {
            sent = 0;
            if (auto error = session.open(); !error.empty()) {
                record(tally, {{}, error}, started);
                continue;
            }
        }
        record(tally,
               session.send(run.corpus[static_cast<std::size_t>(*ticket) % run.corpus.size()]),
               started);
        if (session.isOpen() && ++sent >= run.options.messagesPerSession) {
            session.quit();
        }
    }
    session.quit();
}

std::string measure(SmtpSenderRun& run) {
    std::vector<MessageTally> tallies(static_cast<std::size_t>(run.options.sessions));
    double cpuBefore = ownCpuSeconds();
    auto start = Clock::now();
    std::vector<std::thread> threads;
    threads.reserve(tallies.size());
    for (auto& tally : tallies) {
        threads.emplace_back([&run, &tally] { runSession(run, tally); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    MessageTally total;
    for (const auto& tally : tallies) {
        total.merge(tally);
    }
    double seconds =
        std::chrono::duration<double>(std::max(total.lastEvent, start) - start).count();
    std::string out = "{\"server\": \"" + jsonSafe(run.options.server, 200) + "\", ";
    out.append("\"sessions\": ").append(std::to_string(run.options.sessions)).append(", ");
    out.append(rateAndLatencyJson(total, seconds));
    out.append(", \"client_cpu_seconds\": ").append(jsonNumber(ownCpuSeconds() - cpuBefore, 2));
    out.append(", \"results\": ").append(total.results.json());
    out.append(", \"errors\": ").append(std::to_string(total.errors.total()));
    out.append(", \"error_kinds\": ").append(total.errors.json());
    return out + "}";
}

std::optional<SmtpSenderOptions> parseOptions(int argc, char** argv) {
    SmtpSenderOptions options;
    for (int index = 1; index + 1 < argc; index += 2) {
        if (!setOption(options, argv[index], argv[index + 1])) {
            std::cerr << "bad option: " << argv[index] << "\n";
            return std::nullopt;
        }
    }
    bool complete = argc % 2 == 1 && !options.server.empty() &&
                    (!options.corpus.directories.empty() || !options.corpus.lists.empty());
    return complete ? std::optional(options) : std::nullopt;
}

}  // namespace
}  // namespace mailgate::bench

int main(int argc, char** argv) {
    using namespace mailgate::bench;
    auto options = parseOptions(argc, argv);
    auto address = options ? parseBenchAddress(options->server) : std::nullopt;
    if (!options || !address || !address->tcp) {
        std::cerr << kUsage << "(the server must be on a loopback address)\n";
        return 2;
    }
    SmtpSenderRun run{*options, *address, {}, 0};
    try {
        auto paths =
            corpusPaths(options->corpus.directories, options->corpus.lists, options->corpus.suffix);
        for (const auto& path : paths) {
            if (!loadCorpusMessage(path, run.corpus.emplace_back())) {
                std::cerr << "cannot read a message from " << path << "\n";
                return 2;
            }
        }
    } catch (const std::exception& error) {
        std::cerr << "cannot read the corpus: " << error.what() << "\n";
        return 2;
    }
    if (run.corpus.empty()) {
        std::cerr << "no messages in the corpus\n";
        return 2;
    }
    run.total =
        options->messages > 0 ? options->messages : static_cast<std::int64_t>(run.corpus.size());
    std::cout << measure(run) << std::endl;
    return 0;
}
