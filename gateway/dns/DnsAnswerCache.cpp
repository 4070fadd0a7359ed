// DnsAnswerCache (see DnsAnswerCache.hpp).
#include "gateway/dns/DnsAnswerCache.hpp"

#include <algorithm>
#include <cctype>

namespace mailgate {

std::string DnsAnswerCache::key(const std::string& name, DnsType type) {
    std::string text;
    text.reserve(name.size() + 6);
    for (char c : name) {
        text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!text.empty() && text.back() == '.') {
        text.pop_back();
    }
    text += '/';
    text += std::to_string(static_cast<unsigned>(type));
    return text;
}

std::optional<DnsAnswer> DnsAnswerCache::find(const std::string& name, DnsType type,
                                              Clock::time_point now) {
    auto found = entries_.find(key(name, type));
    if (found == entries_.end()) {
        return std::nullopt;
    }
    if (found->second.expires <= now) {
        entries_.erase(found);
        return std::nullopt;
    }
    DnsAnswer answer = found->second.answer;
    auto left = std::chrono::duration_cast<std::chrono::seconds>(found->second.expires - now);
    answer.ttl = static_cast<std::uint32_t>(std::max<std::int64_t>(left.count(), 1));
    return answer;
}

void DnsAnswerCache::store(const std::string& name, DnsType type, const DnsAnswer& answer,
                           Clock::time_point now) {
    bool answered = answer.status == DnsStatus::Ok || answer.status == DnsStatus::NoData ||
                    answer.status == DnsStatus::NxDomain;
    if (!answered || answer.ttl == 0 || max_entries_ == 0) {
        return;
    }
    if (entries_.size() >= max_entries_) {
        makeRoom(now);
    }
    auto ttl = std::chrono::seconds(std::min(answer.ttl, kMaxTtlSeconds));
    entries_[key(name, type)] = Entry{answer, now + ttl};
}

void DnsAnswerCache::makeRoom(Clock::time_point now) {
    std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (entries_.size() >= max_entries_) {
        // Still full of live answers: start afresh rather than scan for the oldest on
        // every insert; libunbound's own cache still holds them.
        entries_.clear();
    }
}

}  // namespace mailgate
