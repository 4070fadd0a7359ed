// PolicyLoadReport: what one mailgate_policy_load thread counted (reply latencies,
// replies by the first word of their action, errors by kind), the merge of the
// threads' tallies, and the one JSON object the program prints. Action words are
// upper-cased (Postfix reads access(5) actions case-insensitively), so "dunno" and
// "DUNNO" count together. It measures nothing itself.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "LatencySamples.hpp"
#include "PolicyLoadOptions.hpp"

namespace mailgate::bench {

class PolicyLoadCounts {
  public:
    void add(std::string_view name, std::int64_t count = 1) {
        for (auto& [known, total] : counts_) {
            if (known == name) {
                total += count;
                return;
            }
        }
        counts_.emplace_back(std::string(name), count);
    }
    std::int64_t total() const {
        std::int64_t sum = 0;
        for (const auto& entry : counts_) {
            sum += entry.second;
        }
        return sum;
    }
    const std::vector<std::pair<std::string, std::int64_t>>& entries() const { return counts_; }

  private:
    std::vector<std::pair<std::string, std::int64_t>> counts_;
};

struct PolicyLoadTally {
    using Clock = std::chrono::steady_clock;

    std::vector<Clock::duration> latencies;
    PolicyLoadCounts actions;
    PolicyLoadCounts errors;
    Clock::time_point lastEvent{};  // the last reply or error: the end of the run

    // Counts a reply by the first word of its action value, upper-cased; characters
    // that JSON would need escaped become '?'.
    void countAction(std::string_view word) {
        char upper[32];
        std::size_t length = std::min(word.size(), sizeof upper);
        for (std::size_t index = 0; index < length; ++index) {
            auto letter = static_cast<unsigned char>(word[index]);
            bool plain = std::isprint(letter) && letter != '"' && letter != '\\';
            upper[index] = plain ? static_cast<char>(std::toupper(letter)) : '?';
        }
        actions.add(std::string_view(upper, length));
    }

    void merge(const PolicyLoadTally& other) {
        latencies.insert(latencies.end(), other.latencies.begin(), other.latencies.end());
        for (const auto& [name, count] : other.actions.entries()) {
            actions.add(name, count);
        }
        for (const auto& [name, count] : other.errors.entries()) {
            errors.add(name, count);
        }
        lastEvent = std::max(lastEvent, other.lastEvent);
    }
};

namespace policy_load_detail {

inline void appendJsonCounts(std::string& out, const PolicyLoadCounts& counts) {
    out.push_back('{');
    bool first = true;
    for (const auto& [name, count] : counts.entries()) {
        out.append(first ? "\"" : ", \"").append(name).append("\": ");
        out.append(std::to_string(count));
        first = false;
    }
    out.push_back('}');
}

inline std::string jsonNumber(double value, int decimals = 1) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

}  // namespace policy_load_detail

// The result line: figures over every reply of every thread in `seconds` of wall time.
inline std::string policyLoadJson(const PolicyLoadTally& tally, const PolicyLoadOptions& options,
                                  double seconds) {
    using namespace policy_load_detail;
    LatencySamples samples;
    for (auto latency : tally.latencies) {
        samples.add(latency);
    }
    auto requests = static_cast<double>(samples.count());
    std::string out = "{\"workload\": \"";
    out.append(options.workload == PolicyLoadWorkload::fresh ? "new" : "repeated");
    out.append(options.prime ? "\", \"prime\": true" : "\", \"prime\": false");
    out.append(", \"connections\": ").append(std::to_string(options.connections));
    out.append(", \"threads\": ").append(std::to_string(options.threads));
    out.append(", \"requests\": ").append(std::to_string(samples.count()));
    out.append(", \"seconds\": ").append(jsonNumber(seconds, 3));
    out.append(", \"requests_per_second\": ")
        .append(jsonNumber(seconds > 0 ? requests / seconds : 0));
    out.append(", \"p50_us\": ").append(jsonNumber(samples.percentileMicroseconds(0.50)));
    out.append(", \"p90_us\": ").append(jsonNumber(samples.percentileMicroseconds(0.90)));
    out.append(", \"p99_us\": ").append(jsonNumber(samples.percentileMicroseconds(0.99)));
    out.append(", \"max_us\": ").append(jsonNumber(samples.percentileMicroseconds(1.0)));
    out.append(", \"errors\": ").append(std::to_string(tally.errors.total()));
    out.append(", \"error_kinds\": ");
    appendJsonCounts(out, tally.errors);
    out.append(", \"actions\": ");
    appendJsonCounts(out, tally.actions);
    return out + "}";
}

}  // namespace mailgate::bench
