// mailgate_milter_bench: plays the MTA's side of the milter protocol (version 6, the way
// Postfix does; see MilterProtocolSession.hpp) against any milter on unix:/path or a
// loopback inet:HOST:PORT, feeding it a corpus of .eml files over N concurrent
// connections, one message per milter connection or K. It prints one JSON line: messages,
// seconds, messages per second, messages per CPU second of the milter (from
// /proc/PID/stat, with --milter-pid), p50/p99/max latency of a whole message (from the
// connection, or from MAIL on a reused one, to the end-of-message decision), results by
// decision, modifications, and errors by kind. Run by bench/milter_content.py; a
// benchmark tool that asserts nothing and links no mailgate code.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "MilterProtocolOptions.hpp"
#include "MilterProtocolSession.hpp"

namespace mailgate::bench {

// ----- the run -----

namespace {

using Clock = std::chrono::steady_clock;

struct MilterBenchRun {
    MilterBenchRun(const MilterBenchOptions& runOptions, const BenchAddress& milterAddress)
        : options(runOptions),
          address(milterAddress),
          identity{runOptions.clientAddress, runOptions.clientName, runOptions.helo,
                   runOptions.sender, runOptions.recipients} {}

    const MilterBenchOptions& options;
    BenchAddress address;
    MtaIdentity identity;
    std::vector<CorpusMessage> corpus;
    std::int64_t total = 0;
    std::atomic<std::int64_t> next{0};
    std::atomic<std::uint32_t> steps{0};
    std::atomic<std::uint32_t> actions{0};

    std::optional<std::int64_t> takeTicket() {
        std::int64_t ticket = next.fetch_add(1, std::memory_order_relaxed);
        return ticket < total ? std::optional(ticket) : std::nullopt;
    }
};

// A queue ID in Postfix's short form: hexadecimal, at least 10 characters.
std::string queueIdOf(std::int64_t ticket) {
    char text[24];
    std::snprintf(text, sizeof text, "B%09llX", static_cast<unsigned long long>(ticket));
    return text;
}

void recordOutcome(MessageTally& tally, const MilterOutcome& outcome, Clock::time_point started) {
    tally.lastEvent = Clock::now();
    if (!outcome.error.empty()) {
        tally.errors.add(outcome.error);
        return;
    }
    tally.latencies.push_back(tally.lastEvent - started);
    tally.results.add(outcome.result);
}

// One connection's loop: a ticket is one message; a failed connection is reopened for
// the next one.
void runConnection(MilterBenchRun& run, MessageTally& tally) {
    MilterProtocolSession session(run.address, run.options.timeoutSeconds, run.options.tcpNoDelay,
                                  run.identity);
    int sent = 0;
    while (auto ticket = run.takeTicket()) {
        auto started = Clock::now();
        if (!session.isOpen()) {
            sent = 0;
            if (auto error = session.open(tally.details); !error.empty()) {
                recordOutcome(tally, {{}, error}, started);
                continue;
            }
            run.steps.store(session.steps(), std::memory_order_relaxed);
            run.actions.store(session.actions(), std::memory_order_relaxed);
        }
        const auto& message = run.corpus[static_cast<std::size_t>(*ticket) % run.corpus.size()];
        recordOutcome(tally, session.deliver(message, queueIdOf(*ticket), tally.details), started);
        if (session.isOpen() && ++sent >= run.options.messagesPerConnection) {
            session.quit();
        }
    }
    session.quit();
}

std::string hex(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%X", value);
    return text;
}

std::string resultJson(MilterBenchRun& run, const MessageTally& tally, double seconds,
                       std::optional<double> milterCpu, double clientCpu) {
    auto steps = run.steps.load();
    std::string out = "{\"milter\": \"" + jsonSafe(run.options.milter, 200) + "\", ";
    out.append("\"connections\": ").append(std::to_string(run.options.connections));
    out.append(", \"messages_per_connection\": ")
        .append(std::to_string(run.options.messagesPerConnection));
    out.append(", \"corpus_messages\": ").append(std::to_string(run.corpus.size())).append(", ");
    out.append(rateAndLatencyJson(tally, seconds));
    auto done = static_cast<double>(tally.latencies.size());
    out.append(", \"milter_cpu_seconds\": ").append(milterCpu ? jsonNumber(*milterCpu, 2) : "null");
    out.append(", \"messages_per_second_per_core\": ")
        .append(milterCpu && *milterCpu > 0 ? jsonNumber(done / *milterCpu) : "null");
    out.append(", \"client_cpu_seconds\": ").append(jsonNumber(clientCpu, 2));
    out.append(", \"results\": ").append(tally.results.json());
    out.append(", \"details\": ").append(tally.details.json());
    out.append(", \"errors\": ").append(std::to_string(tally.errors.total()));
    out.append(", \"error_kinds\": ").append(tally.errors.json());
    out.append(", \"negotiated_actions\": \"").append(hex(run.actions.load()));
    out.append("\", \"negotiated_steps\": \"").append(hex(steps));
    out.append("\", \"no_reply_headers\": ")
        .append((steps & smfip::noReplyHeader) ? "true" : "false");
    out.append(", \"no_reply_body\": ").append((steps & smfip::noReplyBody) ? "true" : "false");
    return out + "}";
}

// Every connection at once; the figures of the whole run.
std::string measure(MilterBenchRun& run) {
    std::vector<MessageTally> tallies(static_cast<std::size_t>(run.options.connections));
    auto milterBefore = processesCpuSeconds(run.options.milterPids);
    double clientBefore = ownCpuSeconds();
    auto start = Clock::now();
    std::vector<std::thread> threads;
    threads.reserve(tallies.size());
    for (auto& tally : tallies) {
        threads.emplace_back([&run, &tally] { runConnection(run, tally); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    MessageTally total;
    for (const auto& tally : tallies) {
        total.merge(tally);
    }
    auto milterAfter = processesCpuSeconds(run.options.milterPids);
    std::optional<double> milterCpu;
    if (!run.options.milterPids.empty() && milterBefore && milterAfter) {
        milterCpu = *milterAfter - *milterBefore;
    }
    double seconds =
        std::chrono::duration<double>(std::max(total.lastEvent, start) - start).count();
    return resultJson(run, total, seconds, milterCpu, ownCpuSeconds() - clientBefore);
}

bool loadCorpus(const CorpusOptions& options, std::vector<CorpusMessage>& corpus) {
    try {
        for (const auto& path : corpusPaths(options.directories, options.lists, options.suffix)) {
            if (!loadCorpusMessage(path, corpus.emplace_back())) {
                std::cerr << "cannot read a message from " << path << "\n";
                return false;
            }
        }
    } catch (const std::exception& error) {
        std::cerr << "cannot read the corpus: " << error.what() << "\n";
        return false;
    }
    return !corpus.empty();
}

}  // namespace
}  // namespace mailgate::bench

int main(int argc, char** argv) {
    using namespace mailgate::bench;
    std::string error;
    auto options = parseMilterBenchOptions(argc, argv, error);
    if (!options) {
        std::cerr << error << "\n" << milterBenchUsage;
        return 2;
    }
    auto address = parseBenchAddress(options->milter);
    if (!address) {
        std::cerr << "--milter must be unix:/path or inet:HOST:PORT on a loopback address\n";
        return 2;
    }
    MilterBenchRun run(*options, *address);
    if (!loadCorpus(options->corpus, run.corpus)) {
        std::cerr << "no messages in the corpus\n";
        return 2;
    }
    run.total =
        options->messages > 0 ? options->messages : static_cast<std::int64_t>(run.corpus.size());
    std::cout << measure(run) << std::endl;
    return 0;
}
