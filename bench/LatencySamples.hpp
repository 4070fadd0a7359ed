// LatencySamples: the durations one benchmark case measured, and the figures the DNS
// benchmarks print from them (count, rate over the wall time, p50, p99, max). Percentiles
// are nearest-rank over every sample, not estimates. It measures nothing itself and is
// for bench/ only, never for the daemons' own metrics.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mailgate::bench {

class LatencySamples {
  public:
    using Duration = std::chrono::steady_clock::duration;

    void add(Duration sample) { samples_.push_back(sample); }
    std::size_t count() const { return samples_.size(); }

    // Microseconds at fraction `quantile` (0.5, 0.99, 1.0) of the sorted samples.
    double percentileMicroseconds(double quantile) {
        if (samples_.empty()) {
            return 0;
        }
        std::sort(samples_.begin(), samples_.end());
        auto rank =
            static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(samples_.size())));
        auto index = std::clamp<std::size_t>(rank, 1, samples_.size()) - 1;
        return std::chrono::duration<double, std::micro>(samples_[index]).count();
    }

  private:
    std::vector<Duration> samples_;
};

}  // namespace mailgate::bench
