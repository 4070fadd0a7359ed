// The quarantine's Redis index: key layout and commands (see QuarantineIndex.hpp).
#include "gateway/quarantine/QuarantineIndex.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <set>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

constexpr std::string_view kStatusField = "s:";
constexpr std::size_t kMostWords = 30;
constexpr std::size_t kLongestWord = 40;

// KEYS[1] the entry's hash; ARGV: the status field, the token, now, the claim's end.
constexpr const char* kClaimScript = R"(
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return 'missing' end
local kind = string.match(value, '^[a-z]+')
if kind == 'releasing' then
  local expires = tonumber(string.match(value, '\t(%d+)$'))
  if expires and expires > tonumber(ARGV[3]) then return 'busy' end
elseif kind ~= 'quarantined' then
  return kind
end
redis.call('HSET', KEYS[1], ARGV[1], 'releasing\t' .. ARGV[2] .. '\t' .. ARGV[4])
return 'claimed'
)";

// KEYS[1] the entry's hash; ARGV: the status field, the token.
constexpr const char* kUnclaimScript = R"(
local value = redis.call('HGET', KEYS[1], ARGV[1])
local mine = 'releasing\t' .. ARGV[2] .. '\t'
if value and string.sub(value, 1, #mine) == mine then
  redis.call('HSET', KEYS[1], ARGV[1], 'quarantined')
  return 1
end
return 0
)";

std::vector<std::string_view> splitOn(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::optional<std::int64_t> integerFrom(std::string_view text) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// Tabs and line ends would break the encodings: a reply or a name keeps them as spaces.
std::string oneLine(std::string_view text) {
    std::string line(text.substr(0, 1000));
    std::replace_if(
        line.begin(), line.end(), [](char c) { return c == '\t' || c == '\r' || c == '\n'; }, ' ');
    return line;
}

std::string scoreText(double score) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", score);
    return buffer;
}

bool isWordByte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 128;
}

std::vector<std::string> recipientAddresses(const std::vector<QuarantineRecipient>& recipients) {
    std::vector<std::string> addresses;
    for (const auto& recipient : recipients) {
        addresses.push_back(lowerCase(recipient.address));
    }
    return addresses;
}

}  // namespace

std::string encodeRecipientStatus(const RecipientStatus& status) {
    if (const auto* releasing = std::get_if<RecipientReleasing>(&status)) {
        return "releasing\t" + oneLine(releasing->claim_token) + "\t" +
               std::to_string(releasing->claim_expires);
    }
    if (const auto* released = std::get_if<RecipientReleased>(&status)) {
        return "released\t" + std::to_string(released->time) + "\t" + oneLine(released->by) + "\t" +
               oneLine(released->server_reply);
    }
    if (const auto* deleted = std::get_if<RecipientDeleted>(&status)) {
        return "deleted\t" + std::to_string(deleted->time) + "\t" + oneLine(deleted->by);
    }
    return "quarantined";
}

Result<RecipientStatus> decodeRecipientStatus(std::string_view text) {
    auto parts = splitOn(text, '\t');
    const auto& word = parts[0];
    if (word == "quarantined" && parts.size() == 1) {
        return RecipientStatus{RecipientQuarantined{}};
    }
    if (word == "releasing" && parts.size() == 3) {
        if (auto expires = integerFrom(parts[2])) {
            return RecipientStatus{RecipientReleasing{std::string(parts[1]), *expires}};
        }
    }
    if (word == "released" && parts.size() == 4) {
        if (auto time = integerFrom(parts[1])) {
            return RecipientStatus{
                RecipientReleased{*time, std::string(parts[2]), std::string(parts[3])}};
        }
    }
    if (word == "deleted" && parts.size() == 3) {
        if (auto time = integerFrom(parts[1])) {
            return RecipientStatus{RecipientDeleted{*time, std::string(parts[2])}};
        }
    }
    return makeError("not a recipient status: \"" + oneLine(text.substr(0, 80)) + "\"");
}

std::string reasonKind(std::string_view reason) {
    auto end = reason.find_first_of(" \t");
    return lowerCase(reason.substr(0, std::min<std::size_t>(end, 32)));
}

std::vector<std::string> subjectWords(std::string_view subject) {
    std::vector<std::string> words;
    std::set<std::string> seen;
    std::size_t index = 0;
    while (index < subject.size() && words.size() < kMostWords) {
        while (index < subject.size() && !isWordByte(static_cast<unsigned char>(subject[index]))) {
            ++index;
        }
        std::size_t start = index;
        while (index < subject.size() && isWordByte(static_cast<unsigned char>(subject[index]))) {
            ++index;
        }
        std::string word = lowerCase(subject.substr(start, index - start));
        if (word.size() >= 2 && word.size() <= kLongestWord && seen.insert(word).second) {
            words.push_back(std::move(word));
        }
    }
    return words;
}

std::string QuarantineIndex::entryKey(std::string_view id) const {
    return key_("quarantine:{quarantine}:entry:" + std::string(id));
}

std::string QuarantineIndex::timeKey() const {
    return key_("quarantine:{quarantine}:time");
}

std::string QuarantineIndex::senderKey(std::string_view sender) const {
    return key_("quarantine:{quarantine}:sender:" +
                (sender.empty() ? std::string("<>") : lowerCase(sender)));
}

std::string QuarantineIndex::recipientKey(std::string_view recipient) const {
    return key_("quarantine:{quarantine}:recipient:" + lowerCase(recipient));
}

std::string QuarantineIndex::wordKey(std::string_view word) const {
    return key_("quarantine:{quarantine}:word:" + std::string(word));
}

std::string QuarantineIndex::reasonKey(std::string_view kind) const {
    return key_("quarantine:{quarantine}:reason:" + std::string(kind));
}

std::vector<RedisCommand> QuarantineIndex::indexCommands(const QuarantineEntry& entry) const {
    const std::string& id = entry.mailgate_id;
    std::string time = std::to_string(entry.received);
    std::string addresses;
    for (const auto& recipient : entry.recipients) {
        addresses += (addresses.empty() ? "" : "\n") + oneLine(recipient.address);
    }
    RedisCommand hash = {"HSET",    entryKey(id),
                         "node",    entry.node,
                         "time",    time,
                         "sender",  entry.envelope_sender,
                         "subject", oneLine(entry.subject),
                         "score",   scoreText(entry.score),
                         "reason",  oneLine(entry.reason),
                         "size",    std::to_string(entry.body_size),
                         "to",      addresses};
    for (const auto& recipient : entry.recipients) {
        hash.push_back(std::string(kStatusField) + lowerCase(recipient.address));
        hash.push_back(encodeRecipientStatus(recipient.status));
    }
    std::vector<RedisCommand> commands;
    commands.push_back({"DEL", entryKey(id)});
    commands.push_back(std::move(hash));
    commands.push_back({"ZADD", timeKey(), time, id});
    commands.push_back({"ZADD", senderKey(entry.envelope_sender), time, id});
    for (const auto& address : recipientAddresses(entry.recipients)) {
        commands.push_back({"ZADD", recipientKey(address), time, id});
    }
    for (const auto& word : subjectWords(entry.subject)) {
        commands.push_back({"ZADD", wordKey(word), time, id});
    }
    commands.push_back({"ZADD", reasonKey(reasonKind(entry.reason)), time, id});
    return commands;
}

std::vector<RedisCommand> QuarantineIndex::removeCommands(const QuarantineSummary& entry) const {
    const std::string& id = entry.id;
    std::vector<RedisCommand> commands;
    commands.push_back({"DEL", entryKey(id)});
    commands.push_back({"ZREM", timeKey(), id});
    commands.push_back({"ZREM", senderKey(entry.sender), id});
    for (const auto& address : recipientAddresses(entry.recipients)) {
        commands.push_back({"ZREM", recipientKey(address), id});
    }
    for (const auto& word : subjectWords(entry.subject)) {
        commands.push_back({"ZREM", wordKey(word), id});
    }
    commands.push_back({"ZREM", reasonKey(reasonKind(entry.reason)), id});
    return commands;
}

RedisCommand QuarantineIndex::statusCommand(std::string_view id, std::string_view recipient,
                                            const RecipientStatus& status) const {
    return {"HSET", entryKey(id), std::string(kStatusField) + lowerCase(recipient),
            encodeRecipientStatus(status)};
}

RedisCommand QuarantineIndex::readCommand(std::string_view id) const {
    return {"HGETALL", entryKey(id)};
}

std::optional<QuarantineSummary> QuarantineIndex::summaryFrom(std::string_view id,
                                                              const RedisReply& reply) {
    if (reply.type != RedisReply::Type::Array || reply.elements.empty()) {
        return std::nullopt;
    }
    QuarantineSummary summary;
    summary.id = std::string(id);
    std::string addresses;
    std::vector<std::pair<std::string, std::string>> statuses;
    for (std::size_t index = 0; index + 1 < reply.elements.size(); index += 2) {
        const std::string& field = reply.elements[index].text;
        const std::string& value = reply.elements[index + 1].text;
        if (field == "node") {
            summary.node = value;
        } else if (field == "time") {
            summary.received = integerFrom(value).value_or(0);
        } else if (field == "sender") {
            summary.sender = value;
        } else if (field == "subject") {
            summary.subject = value;
        } else if (field == "score") {
            summary.score = std::strtod(value.c_str(), nullptr);
        } else if (field == "reason") {
            summary.reason = value;
        } else if (field == "size") {
            summary.size = static_cast<std::uint64_t>(integerFrom(value).value_or(0));
        } else if (field == "to") {
            addresses = value;
        } else if (field.starts_with(kStatusField)) {
            statuses.emplace_back(field.substr(kStatusField.size()), value);
        }
    }
    for (auto address : splitOn(addresses, '\n')) {
        if (address.empty()) {
            continue;
        }
        QuarantineRecipient recipient{std::string(address), RecipientQuarantined{}};
        std::string lower = lowerCase(address);
        for (const auto& [name, value] : statuses) {
            if (name == lower) {
                if (auto status = decodeRecipientStatus(value)) {
                    recipient.status = *status;
                }
            }
        }
        summary.recipients.push_back(std::move(recipient));
    }
    return summary;
}

RedisCommand QuarantineIndex::candidatesCommand(const QuarantineQuery& query,
                                                std::size_t most) const {
    std::string key = timeKey();
    if (!query.recipient.empty()) {
        key = recipientKey(query.recipient);
    } else if (!query.sender.empty()) {
        key = senderKey(query.sender == "<>" ? "" : query.sender);
    } else if (auto words = subjectWords(query.subject); !words.empty()) {
        key = wordKey(words.front());
    } else if (!query.reason.empty()) {
        key = reasonKey(reasonKind(query.reason));
    }
    std::string highest = query.until ? std::to_string(*query.until) : "+inf";
    std::string lowest = query.since ? std::to_string(*query.since) : "-inf";
    return {"ZREVRANGEBYSCORE", key, highest, lowest, "LIMIT", "0", std::to_string(most)};
}

bool QuarantineIndex::matches(const QuarantineQuery& query, const QuarantineSummary& summary) {
    if (!query.sender.empty() &&
        lowerCase(summary.sender.empty() ? "<>" : summary.sender) != lowerCase(query.sender)) {
        return false;
    }
    if (!query.recipient.empty()) {
        std::string wanted = lowerCase(query.recipient);
        bool found = std::any_of(summary.recipients.begin(), summary.recipients.end(),
                                 [&](const auto& r) { return lowerCase(r.address) == wanted; });
        if (!found) {
            return false;
        }
    }
    if (!query.subject.empty()) {
        auto have = subjectWords(summary.subject);
        for (const auto& word : subjectWords(query.subject)) {
            if (std::find(have.begin(), have.end(), word) == have.end()) {
                return false;
            }
        }
    }
    if (!query.reason.empty() && reasonKind(summary.reason) != reasonKind(query.reason)) {
        return false;
    }
    if ((query.since && summary.received < *query.since) ||
        (query.until && summary.received > *query.until) ||
        (query.min_score && summary.score < *query.min_score) ||
        (query.max_score && summary.score > *query.max_score)) {
        return false;
    }
    if (!query.status.empty()) {
        return std::any_of(
            summary.recipients.begin(), summary.recipients.end(),
            [&](const auto& r) { return recipientStatusName(r.status) == query.status; });
    }
    return true;
}

RedisCommand QuarantineIndex::claimCommand(std::string_view id, std::string_view recipient,
                                           std::string_view token, std::int64_t now,
                                           std::int64_t expires) const {
    return {"EVAL",
            kClaimScript,
            "1",
            entryKey(id),
            std::string(kStatusField) + lowerCase(recipient),
            oneLine(token),
            std::to_string(now),
            std::to_string(expires)};
}

RedisCommand QuarantineIndex::unclaimCommand(std::string_view id, std::string_view recipient,
                                             std::string_view token) const {
    return {"EVAL",
            kUnclaimScript,
            "1",
            entryKey(id),
            std::string(kStatusField) + lowerCase(recipient),
            oneLine(token)};
}

}  // namespace mailgate
