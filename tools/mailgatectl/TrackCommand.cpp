// mailgatectl track: what happened to a message and why (E2, docs/tracking.md), from the
// tracking records both daemons write to Redis: refused or deferred at RCPT by which
// check, greylisted, accepted and delivered or tagged with which score, quarantined,
// released or deleted and by whom. By queue ID, mailgate ID, Message-ID, sender,
// recipient and time range (all given must match); one line per record, oldest first, or
// JSON. It only reads. Exit 0 records found, 1 none or Redis unusable, 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <tuple>

#include "gateway/log/LogLine.hpp"
#include "gateway/tracking/TrackingQuery.hpp"
#include "gateway/tracking/TrackingTime.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl track [--queue-id ID] [--mailgate-id ID] [--message-id ID]\n"
    "                         [--sender ADDRESS|\"<>\"] [--recipient ADDRESS]\n"
    "                         [--since TIME] [--until TIME] [--limit N] [--no-related] [--json]\n"
    "  TIME: YYYY-MM-DD, \"YYYY-MM-DD HH:MM[:SS]\" (local time), @UNIX_SECONDS, or a\n"
    "  duration ago: 30m, 2h, 7d. Without any option: the newest records.\n";

struct Options {
    TrackingQuery query;
    bool json = false;
};

bool takeValue(const std::vector<std::string>& arguments, std::size_t& index,
               const std::string& flag, std::string& value) {
    if (arguments[index] != flag || index + 1 >= arguments.size()) {
        return false;
    }
    value = arguments[++index];
    return true;
}

std::optional<Options> parseOptions(const std::vector<std::string>& arguments) {
    Options options;
    TrackingQuery& query = options.query;
    std::string since, until, limit;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& argument = arguments[i];
        if (argument == "--json") {
            options.json = true;
        } else if (argument == "--no-related") {
            query.related = false;
        } else if (!takeValue(arguments, i, "--queue-id", query.queue_id) &&
                   !takeValue(arguments, i, "--mailgate-id", query.mailgate_id) &&
                   !takeValue(arguments, i, "--message-id", query.message_id) &&
                   !takeValue(arguments, i, "--sender", query.sender) &&
                   !takeValue(arguments, i, "--recipient", query.recipient) &&
                   !takeValue(arguments, i, "--since", since) &&
                   !takeValue(arguments, i, "--until", until) &&
                   !takeValue(arguments, i, "--limit", limit)) {
            return std::nullopt;
        }
    }
    std::int64_t now = trackingNowMs();
    for (auto [text, bound, end] :
         {std::tuple{&since, &query.since_ms, false}, std::tuple{&until, &query.until_ms, true}}) {
        if (text->empty()) {
            continue;
        }
        auto parsed = parseTrackingTime(*text, now, end);
        if (!parsed) {
            std::cerr << "mailgatectl track: " << parsed.error() << "\n";
            return std::nullopt;
        }
        *bound = *parsed;
    }
    if (!limit.empty()) {
        char* end = nullptr;
        long long number = std::strtoll(limit.c_str(), &end, 10);
        if (*end != '\0' || number < 1 || number > 100000) {
            return std::nullopt;
        }
        query.limit = static_cast<std::size_t>(number);
    }
    return options;
}

std::string formatNumber(double number) {
    char text[40];
    std::snprintf(text, sizeof text, "%.2f", number);
    return text;
}

std::string recipientList(const TrackingRecord& record) {
    std::string text;
    for (const auto& recipient : record.recipients) {
        text += (text.empty() ? "" : ",") + recipient.address + "=" +
                trackingActionName(recipient.action);
    }
    return text;
}

void printLine(const TrackingEntry& entry) {
    const TrackingRecord& record = entry.record;
    // A log line's key=value quoting, without its "event=" field: the action leads.
    LogLine line("track");
    line.add("stage", trackingStageName(record.stage))
        .add("state", record.protocol_state)
        .add("queue_id", record.queue_id)
        .add("mailgate_id", record.mailgate_id);
    auto optional = [&line](const char* name, const std::string& value) {
        if (!value.empty()) {
            line.add(name, value);
        }
    };
    optional("message_id", record.message_id);
    line.add("client_address", record.client_address);
    optional("client_name", record.client_name);
    optional("helo", record.helo);
    line.add("sender", record.sender).add("recipients", recipientList(record));
    if (record.score) {
        line.add("score", formatNumber(*record.score));
        if (record.required) {
            line.add("required", formatNumber(*record.required));
        }
    }
    optional("reply", record.reply);
    optional("check", record.check);
    optional("reason", record.reason);
    optional("symbols", record.symbols);
    optional("actor", record.actor);
    line.add("node", record.node);
    if (entry.related) {
        line.add("related", "same client, sender and recipient before the message");
    }
    const std::string& text = line.text();
    std::cout << formatTrackingTime(record.time_ms) << " " << trackingActionName(record.action)
              << " " << text.substr(text.find(' ') + 1) << "\n";
}

void writeJson(JsonWriter& out, const TrackingEntry& entry) {
    const TrackingRecord& record = entry.record;
    out.beginObject()
        .field("id", entry.id)
        .field("time_ms", record.time_ms)
        .field("time", formatTrackingTime(record.time_ms))
        .field("node", record.node)
        .field("stage", trackingStageName(record.stage))
        .field("state", record.protocol_state)
        .field("action", trackingActionName(record.action))
        .field("queue_id", record.queue_id)
        .field("mailgate_id", record.mailgate_id)
        .field("message_id", record.message_id)
        .field("client_address", record.client_address)
        .field("client_name", record.client_name)
        .field("helo", record.helo)
        .field("sender", record.sender);
    out.key("recipients").beginArray();
    for (const auto& recipient : record.recipients) {
        out.beginObject()
            .field("address", recipient.address)
            .field("action", trackingActionName(recipient.action))
            .endObject();
    }
    out.endArray();
    if (record.score) {
        out.field("score", *record.score);
    }
    if (record.required) {
        out.field("required", *record.required);
    }
    out.field("reply", record.reply)
        .field("check", record.check)
        .field("reason", record.reason)
        .field("symbols", record.symbols)
        .field("actor", record.actor)
        .field("related", entry.related)
        .endObject();
}

}  // namespace

int runTrack(const CommandLine& line) {
    int status = 0;
    auto start = startCommand(line, "track", kUsage, parseOptions(line.arguments), true, status);
    if (!start) {
        return status;
    }
    const Options& options = start->options;
    auto answer = queryTrackingRecords(start->redis->connection(), options.query);
    if (!answer) {
        std::cerr << "mailgatectl track: " << answer.error() << "\n";
        return 1;
    }
    for (const auto& skipped : answer->skipped) {
        std::cerr << "mailgatectl track: skipped an unreadable record " << skipped << "\n";
    }
    if (options.json) {
        JsonWriter out;
        out.beginObject().key("records").beginArray();
        for (const auto& entry : answer->entries) {
            writeJson(out, entry);
        }
        out.endArray().field("truncated", answer->truncated).endObject();
        std::cout << out.text() << "\n";
    } else {
        for (const auto& entry : answer->entries) {
            printLine(entry);
        }
        if (answer->truncated) {
            std::cout << "(more records matched: the newest " << answer->entries.size()
                      << " are shown; narrow the query or raise --limit)\n";
        }
        if (answer->entries.empty()) {
            std::cout << "no tracking records match\n";
        }
    }
    return answer->entries.empty() ? 1 : 0;
}

}  // namespace mailgate
