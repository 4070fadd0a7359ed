// MilterProtocolReport: what one connection thread of mailgate_milter_bench or of the
// SMTP corpus sender counted (message latencies, results by name, errors by kind), the
// merge of the threads' tallies, CPU seconds of a process from /proc/PID/stat, and the
// JSON pieces of the one line each program prints. It measures nothing by itself.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "LatencySamples.hpp"

namespace mailgate::bench {

class NamedCounts {
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
    void merge(const NamedCounts& other) {
        for (const auto& [name, count] : other.counts_) {
            add(name, count);
        }
    }
    std::int64_t total() const {
        std::int64_t sum = 0;
        for (const auto& entry : counts_) {
            sum += entry.second;
        }
        return sum;
    }
    // {"name": count, ...}; names are ours or sanitised, never escaped.
    std::string json() const {
        std::string out = "{";
        for (const auto& [name, count] : counts_) {
            out.append(out.size() > 1 ? ", \"" : "\"").append(name).append("\": ");
            out.append(std::to_string(count));
        }
        return out + "}";
    }

  private:
    std::vector<std::pair<std::string, std::int64_t>> counts_;
};

struct MessageTally {
    using Clock = std::chrono::steady_clock;

    std::vector<Clock::duration> latencies;  // one per completed message
    NamedCounts results;
    NamedCounts details;  // modifications, decisions before the end, refused recipients
    NamedCounts errors;
    Clock::time_point lastEvent{};

    void merge(const MessageTally& other) {
        latencies.insert(latencies.end(), other.latencies.begin(), other.latencies.end());
        results.merge(other.results);
        details.merge(other.details);
        errors.merge(other.errors);
        lastEvent = std::max(lastEvent, other.lastEvent);
    }
};

// Text that may go into a JSON name unescaped: printable, no quote or backslash.
inline std::string jsonSafe(std::string_view text, std::size_t limit = 40) {
    std::string safe(text.substr(0, limit));
    for (char& c : safe) {
        if (c < ' ' || c > '~' || c == '"' || c == '\\') {
            c = '?';
        }
    }
    return safe;
}

inline std::string jsonNumber(double value, int decimals = 1) {
    char text[48];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

// utime + stime of a process (all its threads), or nullopt when it cannot be read.
inline std::optional<double> processCpuSeconds(long pid) {
    std::ifstream input("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
        if (index >= 14) {  // fields 14 and 15: utime, stime
            ticks += std::stod(field);
        }
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The sum over `pids`, or nullopt when one cannot be read.
inline std::optional<double> processesCpuSeconds(const std::vector<long>& pids) {
    double total = 0;
    for (long pid : pids) {
        auto seconds = processCpuSeconds(pid);
        if (!seconds) {
            return std::nullopt;
        }
        total += *seconds;
    }
    return total;
}

inline double ownCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& value) {
        return static_cast<double>(value.tv_sec) + static_cast<double>(value.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The latency and rate fields shared by both programs' JSON lines.
inline std::string rateAndLatencyJson(const MessageTally& tally, double seconds) {
    LatencySamples samples;
    for (auto latency : tally.latencies) {
        samples.add(latency);
    }
    auto messages = static_cast<double>(samples.count());
    std::string out = "\"messages\": " + std::to_string(samples.count());
    out.append(", \"seconds\": ").append(jsonNumber(seconds, 3));
    out.append(", \"messages_per_second\": ")
        .append(jsonNumber(seconds > 0 ? messages / seconds : 0));
    out.append(", \"p50_us\": ").append(jsonNumber(samples.percentileMicroseconds(0.5)));
    out.append(", \"p99_us\": ").append(jsonNumber(samples.percentileMicroseconds(0.99)));
    out.append(", \"max_us\": ").append(jsonNumber(samples.percentileMicroseconds(1.0)));
    return out;
}

}  // namespace mailgate::bench
