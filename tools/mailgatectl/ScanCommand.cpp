// mailgatectl scan FILE.eml: the milter's content stage (the same entry point,
// ContentStage::decide) run offline on a message file, with the envelope given as options,
// printing the verdict, the score, every symbol with its check, score and detail, each
// recipient's own verdict and what happens to its copy, the headers that would be added,
// the new Subject, and the MIME tree with its defects. "Why was this message treated like
// that?" for postmasters, and the harness of the golden and corpus tests. It reads Redis
// as the milter does (personal lists, the auto-whitelist), unless --no-redis, and asks
// DNS as the milter does when a content check needs it (the URI lists); it writes
// nothing to Redis unless --learn. --json prints one JSON object per file; several files may
// be given (one object each, one per line). --policy-symbol stands in for what the policy
// stage would have passed on (SPF_PASS for a "from:" whitelist entry). Exit 0 when every
// file was read, 1 when one could not be, 2 on bad usage.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <thread>

#include "gateway/engine/ContentResolver.hpp"
#include "gateway/engine/ContentStage.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/store/RedisClient.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl scan [--sender ADDRESS] [--rcpt ADDRESS]... [--client-ip ADDRESS]\n"
    "         [--client-name NAME] [--helo NAME] [--authenticated USER] [--smtputf8]\n"
    "         [--policy-symbol NAME[=SCORE]]... [--no-redis] [--learn] [--json] [--digests]\n"
    "         FILE...\n";

struct ScanOptions {
    MessageEnvelope envelope;
    std::vector<Symbol> policy_symbols;  // as the policy stage's signed header carries them
    bool json = false;
    bool digests = false;
    bool no_redis = false;
    bool learn = false;
    std::vector<std::string> files;
};

std::optional<ScanOptions> parseOptions(const std::vector<std::string>& arguments) {
    ScanOptions options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& option = arguments[i];
        if (option == "--json" || option == "--digests" || option == "--smtputf8" ||
            option == "--no-redis" || option == "--learn") {
            (option == "--json"       ? options.json
             : option == "--digests"  ? options.digests
             : option == "--no-redis" ? options.no_redis
             : option == "--learn"    ? options.learn
                                      : options.envelope.smtputf8) = true;
            continue;
        }
        if (option.rfind("--", 0) != 0) {
            options.files.push_back(option);
            continue;
        }
        if (i + 1 >= arguments.size()) {
            return std::nullopt;
        }
        const std::string& value = arguments[++i];
        auto& envelope = options.envelope;
        if (option == "--sender") {
            envelope.sender = value;
        } else if (option == "--rcpt") {
            envelope.recipients.push_back(value);
        } else if (option == "--client-ip") {
            envelope.client_address = value;
        } else if (option == "--client-name") {
            envelope.client_name = value;
        } else if (option == "--helo") {
            envelope.helo = value;
        } else if (option == "--authenticated") {
            envelope.authenticated_user = value;
        } else if (option == "--policy-symbol") {
            auto equals = value.find('=');
            Symbol symbol{value.substr(0, equals), 0.0, "given with --policy-symbol"};
            if (equals != std::string::npos) {
                char* end = nullptr;
                symbol.score = std::strtod(value.c_str() + equals + 1, &end);
                if (end == value.c_str() + equals + 1 || *end != '\0') {
                    return std::nullopt;
                }
            }
            if (symbol.name.empty()) {
                return std::nullopt;
            }
            options.policy_symbols.push_back(std::move(symbol));
        } else {
            return std::nullopt;
        }
    }
    if (options.files.empty()) {
        return std::nullopt;
    }
    return options;
}

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void printSymbols(const std::vector<ContentCheckResult>& results, const std::string& recipient) {
    for (const auto& result : results) {
        for (const auto& symbol : result.outcome.symbols) {
            std::cout << "symbol check=" << result.check
                      << (recipient.empty() ? "" : " recipient=" + formatLogValue(recipient))
                      << " name=" << symbol.name << " score=" << formatSpamScore(symbol.score)
                      << " detail=" << formatLogValue(symbol.detail) << "\n";
        }
    }
}

void printText(const std::string& file, const ContentDecision& result) {
    const Verdict& verdict = result.verdict;
    std::cout << "file: " << file << "\n"
              << "verdict: " << verdictActionName(verdict.action)
              << " spam=" << (verdict.spam ? "yes" : "no")
              << " score=" << formatSpamScore(verdict.score)
              << " required=" << formatSpamScore(verdict.required) << "\n"
              << "reason: " << verdict.reason << "\n"
              << "answer: " << messageAnswerName(result.answer.kind) << "\n";
    if (!result.store_failures.empty()) {
        std::cout << "stores: " << result.store_failures << "\n";
    }
    printSymbols(result.checks, "");
    for (const auto& header : verdict.headers) {
        std::cout << "header " << header.name << ": " << header.value << "\n";
    }
    if (verdict.subject) {
        std::cout << "subject: " << *verdict.subject << "\n";
    }
    if (verdict.reply) {
        std::cout << "reply: " << verdict.reply->toString() << "\n";
    }
    for (std::size_t i = 0; i < result.recipients.size(); ++i) {
        const auto& recipient = result.recipients[i];
        printSymbols(recipient.findings, recipient.recipient.empty() ? "-" : recipient.recipient);
        if (result.recipients.size() > 1) {
            std::cout << "recipient " << formatLogValue(recipient.recipient) << ": "
                      << verdictActionName(recipient.verdict.action)
                      << " spam=" << (recipient.verdict.spam ? "yes" : "no")
                      << " copy=" << recipientActionName(result.plan.recipients[i].kind)
                      << " reason=" << formatLogValue(recipient.verdict.reason) << "\n";
        }
    }
    if (!result.message) {
        return;
    }
    const Message& message = *result.message;
    for (std::size_t i = 0; i < message.parts.size(); ++i) {
        const auto& part = message.parts[i];
        std::cout << "part " << i << " parent=" << part.parent << " depth=" << part.depth
                  << " type=" << part.content_type
                  << (part.filename.empty() ? "" : " filename=" + formatLogValue(part.filename))
                  << " decoded_bytes=" << part.decoded_size << "\n";
    }
    for (const auto& defect : message.defects) {
        std::cout << "defect " << defect.code << " " << formatLogValue(defect.detail) << "\n";
    }
}

void writeParts(JsonWriter& json, const Message& message) {
    json.key("parts").beginArray();
    for (const auto& part : message.parts) {
        json.beginObject()
            .field("parent", part.parent)
            .field("depth", part.depth)
            .field("content_type", part.content_type)
            .field("charset", part.charset)
            .field("transfer_encoding", part.transfer_encoding)
            .field("disposition", part.disposition)
            .field("filename", part.filename)
            .field("attachment", part.attachment)
            .field("encoded_bytes", part.encoded_size)
            .field("decoded_bytes", part.decoded_size)
            .field("text_bytes", static_cast<std::uint64_t>(part.text.size()));
        if (!part.sha1.empty()) {
            json.field("sha1", part.sha1);
        }
        json.endObject();
    }
    json.endArray();
    json.key("defects").beginArray();
    for (const auto& defect : message.defects) {
        json.beginObject().field("code", defect.code).field("detail", defect.detail).endObject();
    }
    json.endArray();
    json.key("message_headers").beginArray();
    for (const auto& header : message.headers) {
        json.beginObject().field("name", header.name).field("value", header.value).endObject();
    }
    json.endArray();
}

void writeSymbols(JsonWriter& json, const std::vector<ContentCheckResult>& results) {
    for (const auto& result : results) {
        for (const auto& symbol : result.outcome.symbols) {
            json.beginObject()
                .field("check", result.check)
                .field("name", symbol.name)
                .field("score", symbol.score)
                .field("detail", symbol.detail)
                .endObject();
        }
    }
}

void printJson(const std::string& file, const ContentDecision& result) {
    const Verdict& verdict = result.verdict;
    JsonWriter json;
    json.beginObject()
        .field("file", file)
        .field("scanned", verdict.scanned)
        .field("action", std::string(verdictActionName(verdict.action)))
        .field("spam", verdict.spam)
        .field("score", verdict.score)
        .field("required", verdict.required)
        .field("reason", verdict.reason)
        .field("answer", std::string(messageAnswerName(result.answer.kind)))
        .field("store_failures", result.store_failures);
    json.key("symbols").beginArray();
    writeSymbols(json, result.checks);
    json.endArray();
    json.key("headers").beginArray();
    for (const auto& header : verdict.headers) {
        json.beginObject().field("name", header.name).field("value", header.value).endObject();
    }
    json.endArray();
    if (verdict.subject) {
        json.field("subject", *verdict.subject);
    }
    if (verdict.reply) {
        json.field("reply", verdict.reply->toString());
    }
    json.key("recipients").beginArray();
    for (std::size_t i = 0; i < result.recipients.size(); ++i) {
        const auto& recipient = result.recipients[i];
        json.beginObject()
            .field("recipient", recipient.recipient)
            .field("action", std::string(verdictActionName(recipient.verdict.action)))
            .field("copy", std::string(recipientActionName(result.plan.recipients[i].kind)))
            .field("spam", recipient.verdict.spam)
            .field("score", recipient.verdict.score)
            .field("reason", recipient.verdict.reason);
        json.key("symbols").beginArray();
        for (const auto& symbol : recipient.verdict.symbols) {
            json.beginObject()
                .field("name", symbol.name)
                .field("score", symbol.score)
                .field("detail", symbol.detail)
                .endObject();
        }
        json.endArray();
        json.key("own_symbols").beginArray();
        writeSymbols(json, recipient.findings);
        json.endArray().endObject();
    }
    json.endArray();
    if (result.message) {
        writeParts(json, *result.message);
    }
    json.endObject();
    std::cout << json.text() << "\n";
}

}  // namespace

int runScan(const CommandLine& line) {
    int status = 0;
    auto start = startCommand(line, "scan", kUsage, parseOptions(line.arguments), false, status);
    if (!start) {
        return status;
    }
    auto* options = &start->options;
    const Config* loaded = &start->config;
    // The config's Redis, as the milter reads it, on a thread of its own; its failures
    // are the decision's store failures, never the command's.
    Logger logger("mailgatectl");
    logger.configure(quietLogSettings());
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    Services services;
    services.logger = &logger;
    if (!options->no_redis) {
        services.redis = RedisClient::create(io, loaded->redis, logger);
    }
    // The milter's resolver, when a content check asks DNS (the URI lists, from [dns]).
    auto dns = makeContentResolver(io, *loaded);
    if (dns.resolver) {
        services.dns = dns.resolver.get();
    } else if (dns.needed) {
        std::cerr << "mailgatectl scan: no DNS resolver (" << dns.problem
                  << "): the URI lists are reported unavailable\n";
    }
    std::thread ioThread([&io] { io.run(); });
    {
        ContentStage stage(*loaded, services);
        ContentOptions contentOptions;
        contentOptions.learns = options->learn;
        contentOptions.digests = options->digests;
        for (const auto& file : options->files) {
            auto raw = readFile(file);
            if (!raw) {
                std::cerr << "mailgatectl scan: cannot read " << file << "\n";
                status = 1;
                continue;
            }
            ContentInput input;
            input.envelope = options->envelope;
            input.memory = *raw;
            input.size = raw->size();
            input.policy_symbols = options->policy_symbols;
            ContentDecision result = stage.decideNow(std::move(input), contentOptions);
            if (options->json) {
                printJson(file, result);
            } else {
                printText(file, result);
            }
        }
    }
    if (services.redis) {
        services.redis->stop();
    }
    work.reset();
    ioThread.join();
    return status;
}

}  // namespace mailgate
