// mailgatectl lists: each recipient's personal white and black list of senders (C5,
// docs/features.md), kept in Redis, for postmasters until the web UI has them. `show` prints one
// recipient's lists, `add` and `remove` change them (an entry is an address, a domain or
// "*.domain", checked before it is stored), `recipients` names everyone who has a list.
// Reads with SCAN, never KEYS. Exit 0 done, 1 Redis unusable, an entry refused or (remove)
// not there, 2 bad usage. The global lists are in the config file, not here.
#include <algorithm>
#include <iostream>
#include <optional>

#include "gateway/checks/lists/PersonalListStore.hpp"
#include "gateway/log/LogLine.hpp"
#include "gateway/store/RedisConnection.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"
#include "tools/mailgatectl/JsonWriter.hpp"

namespace mailgate {
namespace {

const char* const kUsage =
    "usage: mailgatectl lists show RECIPIENT [--json]\n"
    "       mailgatectl lists add RECIPIENT white|black ENTRY...\n"
    "       mailgatectl lists remove RECIPIENT white|black ENTRY...\n"
    "       mailgatectl lists recipients\n"
    "  ENTRY is a sender address (alice@example.com), a domain (example.com) or a domain\n"
    "  with its subdomains (*.example.com).\n";

struct Options {
    std::string action;
    std::string recipient;
    std::optional<PersonalListKind> kind;
    std::vector<std::string> entries;
    bool json = false;
};

std::optional<Options> parseOptions(const std::vector<std::string>& arguments) {
    Options options;
    std::vector<std::string> words;
    for (const auto& argument : arguments) {
        if (argument == "--json") {
            options.json = true;
        } else {
            words.push_back(argument);
        }
    }
    if (words.empty()) {
        return std::nullopt;
    }
    options.action = words[0];
    if (options.action == "recipients") {
        return words.size() == 1 ? std::optional<Options>(options) : std::nullopt;
    }
    if (words.size() < 2 || words[1].empty()) {
        return std::nullopt;
    }
    options.recipient = words[1];
    if (options.action == "show") {
        return words.size() == 2 ? std::optional<Options>(options) : std::nullopt;
    }
    if ((options.action != "add" && options.action != "remove") || words.size() < 4) {
        return std::nullopt;
    }
    if (words[2] == "white" || words[2] == "black") {
        options.kind = words[2] == "white" ? PersonalListKind::White : PersonalListKind::Black;
    } else {
        return std::nullopt;
    }
    options.entries.assign(words.begin() + 3, words.end());
    return options;
}

const char* kindName(PersonalListKind kind) {
    return kind == PersonalListKind::White ? "white" : "black";
}

int show(PersonalListStore& store, const Options& options) {
    JsonWriter json;
    json.beginObject().field("recipient", options.recipient);
    for (auto kind : {PersonalListKind::White, PersonalListKind::Black}) {
        auto entries = store.entries(options.recipient, kind);
        if (!entries) {
            std::cerr << "mailgatectl lists: " << entries.error() << "\n";
            return 1;
        }
        std::sort(entries->begin(), entries->end());
        json.key(kindName(kind)).beginArray();
        for (const auto& entry : *entries) {
            json.value(entry);
            if (!options.json) {
                std::cout << kindName(kind) << " " << formatLogValue(entry) << "\n";
            }
        }
        json.endArray();
    }
    json.endObject();
    if (options.json) {
        std::cout << json.text() << "\n";
    }
    return 0;
}

int change(PersonalListStore& store, const Options& options) {
    bool adding = options.action == "add";
    int status = 0;
    for (const auto& entry : options.entries) {
        auto changed = adding ? store.add(options.recipient, *options.kind, entry)
                              : store.remove(options.recipient, *options.kind, entry);
        if (!changed) {
            std::cerr << "mailgatectl lists: " << formatLogValue(entry) << ": " << changed.error()
                      << "\n";
            status = 1;
            continue;
        }
        const char* what =
            adding ? (*changed ? "added" : "already there") : (*changed ? "removed" : "not there");
        std::cout << what << ": " << kindName(*options.kind) << " " << formatLogValue(entry)
                  << " for " << formatLogValue(options.recipient) << "\n";
        if (!adding && !*changed) {
            status = 1;
        }
    }
    return status;
}

}  // namespace

int runLists(const CommandLine& line) {
    int status = 0;
    auto start = startCommand(line, "lists", kUsage, parseOptions(line.arguments), true, status);
    if (!start) {
        return status;
    }
    auto* options = &start->options;
    CommandRedis& redis = *start->redis;
    PersonalListStore store(redis.connection());
    if (options->action == "show") {
        return show(store, *options);
    }
    if (options->action == "recipients") {
        auto recipients = store.recipients();
        if (!recipients) {
            std::cerr << "mailgatectl lists: " << recipients.error() << "\n";
            return 1;
        }
        for (const auto& recipient : *recipients) {
            std::cout << recipient << "\n";
        }
        return 0;
    }
    return change(store, *options);
}

}  // namespace mailgate
