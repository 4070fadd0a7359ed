// Personal white and black lists in Redis (see PersonalListStore.hpp).
#include "gateway/lists/PersonalListStore.hpp"
#include "gateway/util/AsciiCase.hpp"

#include <cctype>
#include <set>

namespace mailgate {
namespace {

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
    return "lists:{" + lowerCase(recipient) + "}:" +
           (kind == PersonalListKind::White ? "white" : "black");
}

Result<std::vector<std::string>> PersonalListStore::entries(std::string_view recipient,
                                                           PersonalListKind kind) {
    return members(redis_.command({"SMEMBERS", redis_.key(keyName(recipient, kind))}));
}

Result<PersonalLists> PersonalListStore::load(std::string_view recipient) {
    PersonalLists lists;
    for (auto kind : {PersonalListKind::White, PersonalListKind::Black}) {
        auto found = entries(recipient, kind);
        if (!found) {
            return makeError(found.error());
        }
        for (const auto& text : *found) {
            if (auto entry = ListEntry::parseAddress(text, ListDirection::From)) {
                (kind == PersonalListKind::White ? lists.white : lists.black)
                    .push_back(std::move(*entry));
            }
        }
    }
    return lists;
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
    std::set<std::string> found;
    std::string prefix = redis_.key("lists:{");
    std::string cursor = "0";
    do {
        auto reply = redis_.command({"SCAN", cursor, "MATCH", prefix + "*}:*", "COUNT", "1000"});
        if (!reply || reply->type != RedisReply::Type::Array || reply->elements.size() != 2) {
            return makeError(reply ? "unexpected SCAN answer" : reply.error());
        }
        cursor = reply->elements[0].text;
        for (const auto& key : reply->elements[1].elements) {
            auto close = key.text.rfind("}:");
            if (close != std::string::npos && close > prefix.size()) {
                found.insert(key.text.substr(prefix.size(), close - prefix.size()));
            }
        }
    } while (cursor != "0");
    return std::vector<std::string>(found.begin(), found.end());
}

}  // namespace mailgate
