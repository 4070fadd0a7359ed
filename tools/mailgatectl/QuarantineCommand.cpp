// mailgatectl quarantine: the postmaster's hands on the quarantine (E1, docs/quarantine.md):
// list and search the shared index, show an entry, release or delete recipients' copies,
// rebuild the index from this node's spool, expire old entries. The work is done by the
// core's QuarantineOperations; this file reads options and prints. Every change is
// logged with the user who ran it. Exit 0 done, 1 anything not done (a release the
// server refused, Redis or the spool unusable, no such entry), 2 bad usage.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>

#include "gateway/engine/Scorer.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/quarantine/QuarantineOperations.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl quarantine list [--limit N] [--offset N] [--json]\n"
    "       mailgatectl quarantine search [--sender ADDRESS] [--recipient ADDRESS]\n"
    "              [--subject WORDS] [--reason spam|rule|virus] [--status STATUS]\n"
    "              [--since DATE] [--until DATE] [--min-score S] [--max-score S]\n"
    "              [--limit N] [--offset N] [--json]\n"
    "       mailgatectl quarantine show ID [--json] [--raw]\n"
    "       mailgatectl quarantine release ID [RECIPIENT...]\n"
    "       mailgatectl quarantine delete ID [RECIPIENT...] [--purge]\n"
    "       mailgatectl quarantine reindex\n"
    "       mailgatectl quarantine expire\n"
    "  DATE is YYYY-MM-DD (UTC) or unix seconds; STATUS is quarantined, releasing,\n"
    "  released or deleted. Without RECIPIENT, every copy still held.\n";

struct Options {
    std::string action;
    std::vector<std::string> words;  // the ID, then recipients
    QuarantineQuery query;
    bool json = false;
    bool raw = false;
    bool purge = false;
};

std::optional<std::int64_t> parseDate(const std::string& text) {
    char* end = nullptr;
    long long seconds = std::strtoll(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0') {
        return seconds;
    }
    std::tm day{};
    const char* rest = strptime(text.c_str(), "%Y-%m-%d", &day);
    if (rest == nullptr || *rest != '\0') {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(timegm(&day));
}

std::optional<double> parseNumber(const std::string& text) {
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') {
        return std::nullopt;
    }
    return value;
}

// Reads "--name VALUE" options into the query; false on a bad one.
bool takeQueryOption(const std::string& name, const std::string& value, QuarantineQuery& query) {
    if (name == "--sender") {
        query.sender = value;
    } else if (name == "--recipient") {
        query.recipient = value;
    } else if (name == "--subject") {
        query.subject = value;
    } else if (name == "--reason") {
        query.reason = value;
    } else if (name == "--status") {
        query.status = value;
        return value == "quarantined" || value == "releasing" || value == "released" ||
               value == "deleted";
    } else if (name == "--since" || name == "--until") {
        auto when = parseDate(value);
        if (!when) {
            return false;
        }
        (name == "--since" ? query.since : query.until) =
            name == "--until" && value.find('-') != std::string::npos ? *when + 86399 : *when;
    } else if (name == "--min-score" || name == "--max-score") {
        auto score = parseNumber(value);
        if (!score) {
            return false;
        }
        (name == "--min-score" ? query.min_score : query.max_score) = *score;
    } else if (name == "--limit" || name == "--offset") {
        char* end = nullptr;
        long long number = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || number < 0 || number > 100000) {
            return false;
        }
        (name == "--limit" ? query.limit : query.offset) = static_cast<std::size_t>(number);
    } else {
        return false;
    }
    return true;
}

std::optional<Options> parseOptions(const std::vector<std::string>& arguments) {
    if (arguments.empty()) {
        return std::nullopt;
    }
    Options options;
    options.action = arguments[0];
    for (std::size_t index = 1; index < arguments.size(); ++index) {
        const std::string& argument = arguments[index];
        if (argument == "--json") {
            options.json = true;
        } else if (argument == "--raw") {
            options.raw = true;
        } else if (argument == "--purge") {
            options.purge = true;
        } else if (argument.starts_with("--")) {
            if (index + 1 >= arguments.size() ||
                !takeQueryOption(argument, arguments[index + 1], options.query)) {
                return std::nullopt;
            }
            ++index;
        } else {
            options.words.push_back(argument);
        }
    }
    const std::string& action = options.action;
    bool takesId = action == "show" || action == "release" || action == "delete";
    bool takesNothing =
        action == "list" || action == "search" || action == "reindex" || action == "expire";
    if ((!takesId && !takesNothing) || (takesId && options.words.empty()) ||
        (takesNothing && !options.words.empty()) ||
        (action == "show" && options.words.size() > 1)) {
        return std::nullopt;
    }
    return options;
}

// Who is doing this, for the log: the user behind sudo when there is one.
std::string actor() {
    if (const char* sudoUser = std::getenv("SUDO_USER"); sudoUser && *sudoUser) {
        return std::string("cli:") + sudoUser;
    }
    if (const passwd* user = getpwuid(getuid())) {
        return std::string("cli:") + user->pw_name;
    }
    return "cli:uid" + std::to_string(getuid());
}

std::string formatTime(std::int64_t when) {
    std::time_t time = static_cast<std::time_t>(when);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

void writeRecipients(JsonWriter& out, const std::vector<QuarantineRecipient>& recipients) {
    out.key("recipients").beginArray();
    for (const auto& recipient : recipients) {
        out.beginObject()
            .field("address", recipient.address)
            .field("status", std::string(recipientStatusName(recipient.status)))
            .endObject();
    }
    out.endArray();
}

std::string recipientList(const std::vector<QuarantineRecipient>& recipients) {
    std::string text;
    for (const auto& recipient : recipients) {
        text += (text.empty() ? "" : ",") + recipient.address + ":" +
                std::string(recipientStatusName(recipient.status));
    }
    return text;
}

void printSummary(const QuarantineSummary& entry, bool json) {
    if (json) {
        JsonWriter out;
        out.beginObject()
            .field("id", entry.id)
            .field("node", entry.node)
            .field("received", entry.received)
            .field("sender", entry.sender)
            .field("subject", entry.subject)
            .field("score", entry.score)
            .field("reason", entry.reason)
            .field("size", entry.size);
        writeRecipients(out, entry.recipients);
        out.endObject();
        std::cout << out.text() << "\n";
        return;
    }
    LogLine line("entry");
    line.add("id", entry.id)
        .add("received", formatTime(entry.received))
        .add("node", entry.node)
        .add("sender", entry.sender.empty() ? "<>" : entry.sender)
        .add("recipients", recipientList(entry.recipients))
        .add("score", formatSpamScore(entry.score))
        .add("reason", entry.reason)
        .add("subject", entry.subject);
    std::cout << line.text().substr(line.text().find(' ') + 1) << "\n";
}

int search(QuarantineOperations& operations, const Options& options) {
    auto page = operations.search(options.query);
    if (!page) {
        std::cerr << "mailgatectl quarantine: " << page.error() << "\n";
        return 1;
    }
    for (const auto& entry : page->entries) {
        printSummary(entry, options.json);
    }
    if (page->more && !options.json) {
        std::cerr << "(more: --offset " << options.query.offset + page->entries.size() << ")\n";
    }
    return 0;
}

int show(QuarantineOperations& operations, QuarantineSpool* spool, const Options& options) {
    const std::string& id = options.words[0];
    if (options.raw) {
        if (spool == nullptr) {
            std::cerr << "mailgatectl quarantine: this node has no spool\n";
            return 1;
        }
        auto body = spool->body(id);
        if (!body) {
            std::cerr << "mailgatectl quarantine: " << body.error() << "\n";
            return 1;
        }
        std::cout << *body;
        return 0;
    }
    auto entry = operations.show(id);
    if (!entry) {
        std::cerr << "mailgatectl quarantine: " << entry.error() << "\n";
        return 1;
    }
    if (options.json) {
        JsonWriter out;
        out.beginObject()
            .field("id", entry->mailgate_id)
            .field("queue_id", entry->queue_id)
            .field("node", entry->node)
            .field("received", entry->received)
            .field("sender", entry->envelope_sender)
            .field("client_address", entry->client_address)
            .field("client_name", entry->client_name)
            .field("helo", entry->helo)
            .field("message_id", entry->message_id)
            .field("subject", entry->subject)
            .field("score", entry->score)
            .field("reason", entry->reason)
            .field("size", entry->body_size)
            .field("sha256", entry->body_sha256);
        writeRecipients(out, entry->recipients);
        out.key("symbols").beginArray();
        for (const auto& symbol : entry->symbols) {
            out.beginObject()
                .field("name", symbol.name)
                .field("score", symbol.score)
                .field("detail", symbol.detail)
                .endObject();
        }
        out.endArray().endObject();
        std::cout << out.text() << "\n";
        return 0;
    }
    std::cout << "id: " << entry->mailgate_id << "\nnode: " << entry->node
              << "\nreceived: " << formatTime(entry->received) << "\nqueue id: " << entry->queue_id
              << "\nsender: " << (entry->envelope_sender.empty() ? "<>" : entry->envelope_sender)
              << "\nclient: " << entry->client_address << " " << entry->client_name
              << " helo=" << entry->helo << "\nmessage-id: " << entry->message_id
              << "\nsubject: " << formatLogValue(entry->subject)
              << "\nscore: " << formatSpamScore(entry->score) << "\nreason: " << entry->reason
              << "\nsize: " << entry->body_size << "\n";
    for (const auto& recipient : entry->recipients) {
        std::cout << "recipient: " << recipient.address << " "
                  << recipientStatusName(recipient.status) << "\n";
    }
    for (const auto& symbol : entry->symbols) {
        std::cout << "symbol: " << symbol.name << " " << formatSpamScore(symbol.score) << " "
                  << formatLogValue(symbol.detail) << "\n";
    }
    return 0;
}

int report(const std::vector<RecipientOutcome>& outcomes) {
    int status = 0;
    for (const auto& outcome : outcomes) {
        LogLine line("outcome");
        line.add("recipient", outcome.recipient)
            .add("result", recipientOutcomeName(outcome.kind))
            .add("detail", outcome.detail);
        std::cout << line.text().substr(line.text().find(' ') + 1) << "\n";
        using Kind = RecipientOutcome::Kind;
        if (outcome.kind != Kind::Done && outcome.kind != Kind::AlreadyDone) {
            status = 1;
        }
    }
    return status;
}

int reindex(QuarantineOperations& operations) {
    auto done = operations.reindex();
    if (!done) {
        std::cerr << "mailgatectl quarantine: " << done.error() << "\n";
        return 1;
    }
    for (const auto& problem : done->problems) {
        std::cerr << "problem: " << problem.path.string() << ": " << problem.message << "\n";
    }
    std::cout << "indexed=" << done->indexed << " removed_stale=" << done->removed_stale
              << " problems=" << done->problems.size() << "\n";
    return 0;
}

int expire(QuarantineOperations& operations) {
    auto done = operations.expire(static_cast<std::int64_t>(std::time(nullptr)));
    if (!done) {
        std::cerr << "mailgatectl quarantine: " << done.error() << "\n";
        return 1;
    }
    for (const auto& failure : done->failures) {
        std::cerr << "failure: " << failure << "\n";
    }
    std::cout << "removed=" << done->removed << " failures=" << done->failures.size() << "\n";
    return done->failures.empty() ? 0 : 1;
}

}  // namespace

int runQuarantine(const CommandLine& line) {
    int status = 0;
    auto start =
        startCommand(line, "quarantine", kUsage, parseOptions(line.arguments), true, status);
    if (!start) {
        return status;
    }
    const Options& options = start->options;
    const Config& config = start->config;
    QuarantineSpoolSettings settings;
    settings.max_bytes = static_cast<std::uint64_t>(config.quarantine.max_size_mb) << 20;
    settings.max_entries = static_cast<std::uint64_t>(config.quarantine.max_entries);
    std::unique_ptr<QuarantineSpool> spool;
    if (std::filesystem::exists(config.quarantine.directory)) {
        auto opened = QuarantineSpool::open(config.quarantine.directory, settings);
        if (!opened) {
            std::cerr << "mailgatectl quarantine: " << opened.error() << "\n";
            return 1;
        }
        spool = std::move(*opened);
    }
    Logger logger("mailgatectl");
    LogSettings logSettings = config.log;
    logger.configure(logSettings);
    QuarantineOperations operations(config, spool.get(), start->redis->connection(), logger);
    const std::string& action = options.action;
    if (action == "list" || action == "search") {
        return search(operations, options);
    }
    if (action == "show") {
        return show(operations, spool.get(), options);
    }
    std::vector<std::string> recipients(options.words.begin() + (options.words.empty() ? 0 : 1),
                                        options.words.end());
    if (action == "release") {
        return report(operations.release(options.words[0], recipients, actor()));
    }
    if (action == "delete") {
        return report(operations.remove(options.words[0], recipients, actor(), options.purge));
    }
    if (action == "reindex") {
        return reindex(operations);
    }
    return expire(operations);
}

}  // namespace mailgate
