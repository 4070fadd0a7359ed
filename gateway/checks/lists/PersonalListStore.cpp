// Personal white and black lists in Redis (see PersonalListStore.hpp).
#include "gateway/checks/lists/PersonalListStore.hpp"

#include <cctype>
#include <set>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

// KEYS[1] the white list, KEYS[2] the black list (one hash tag: one slot): both sets in
// one round trip, as the milter reads them for every recipient of every message.
const char* const kLoadBoth = R"lua(
return {redis.call('SMEMBERS', KEYS[1]), redis.call('SMEMBERS', KEYS[2])}
)lua";

Result<std::vector<std::string>> members(const Result<RedisReply>& reply) {
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError()) {
        return makeError("redis: " + reply->text);
    }
    std::vector<std::string> out;
    for (const auto& element : reply->elements) {
        out.push_back(element.text);
    }
    return out;
}

}  // namespace

std::string PersonalListStore::keyName(std::string_view recipient, PersonalListKind kind) {
    return "lists:{" + lowerCase(recipient) +
           "}:" + (kind == PersonalListKind::White ? "white" : "black");
}

Result<std::vector<std::string>> PersonalListStore::entries(std::string_view recipient,
                                                            PersonalListKind kind) {
    return members(redis_.command({"SMEMBERS", redis_.key(keyName(recipient, kind))}));
}

std::vector<std::string> PersonalListStore::loadCommand(std::string whiteKey,
                                                        std::string blackKey) {
    return {"EVAL", kLoadBoth, "2", std::move(whiteKey), std::move(blackKey)};
}

Result<PersonalLists> PersonalListStore::listsFromReply(const Result<RedisReply>& reply) {
    if (!reply) {
        return makeError(reply.error());
    }
    if (reply->isError() || reply->elements.size() != 2) {
        return makeError("personal lists script failed: " + reply->text);
    }
    PersonalLists lists;
    for (std::size_t list = 0; list < 2; ++list) {
        for (const auto& text : reply->elements[list].elements) {
            if (auto entry = ListEntry::parseAddress(text.text, ListDirection::From)) {
                (list == 0 ? lists.white : lists.black).push_back(std::move(*entry));
            }
        }
    }
    return lists;
}

Result<PersonalLists> PersonalListStore::load(std::string_view recipient) {
    return listsFromReply(
        redis_.command(loadCommand(redis_.key(keyName(recipient, PersonalListKind::White)),
                                   redis_.key(keyName(recipient, PersonalListKind::Black)))));
}

Result<bool> PersonalListStore::add(std::string_view recipient, PersonalListKind kind,
                                    std::string_view entry) {
    auto parsed = ListEntry::parseAddress(entry, ListDirection::From);
    if (!parsed) {
        return makeError(parsed.error());
    }
    auto reply = redis_.command({"SADD", redis_.key(keyName(recipient, kind)), lowerCase(entry)});
    if (!reply) {
        return makeError(reply.error());
    }
    return reply->integer == 1;
}

Result<bool> PersonalListStore::remove(std::string_view recipient, PersonalListKind kind,
                                       std::string_view entry) {
    auto reply = redis_.command({"SREM", redis_.key(keyName(recipient, kind)), lowerCase(entry)});
    if (!reply) {
        return makeError(reply.error());
    }
    return reply->integer == 1;
}

Result<std::vector<std::string>> PersonalListStore::recipients() {
    std::string prefix = redis_.key("lists:{");
    auto keys = redis_.scanKeys(prefix + "*}:*");
    if (!keys) {
        return makeError(keys.error());
    }
    std::set<std::string> found;
    for (const auto& key : *keys) {
        auto close = key.rfind("}:");
        if (close != std::string::npos && close > prefix.size()) {
            found.insert(key.substr(prefix.size(), close - prefix.size()));
        }
    }
    return std::vector<std::string>(found.begin(), found.end());
}

}  // namespace mailgate
