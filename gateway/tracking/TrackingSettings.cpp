// The [tracking] settings (E2, docs/tracking.md; fields in Config.hpp, the records in
// gateway/tracking/): whether the daemons write a record of each decision for
// `mailgatectl track`, and the two bounds on what Redis keeps of them. It does not say
// how records are laid out in Redis (TrackingStore.hpp does).
#include "gateway/config/SettingBuilders.hpp"

namespace mailgate {

void appendTrackingSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using T = TrackingSettings;
    specs.push_back(booleanSetting(
        "tracking.enabled", &C::tracking, &T::enabled, true,
        "Record each policy-stage decision (per RCPT) and each message's content decision "
        "(per recipient) in Redis, for `mailgatectl track`. The writes never delay mail: a "
        "record Redis cannot take is lost and counted."));
    specs.push_back(integerSetting(
        "tracking.retention_days", &C::tracking, &T::retention_days, 30, 1, 3650,
        "Records older than this are removed (on the next write, and with their index keys' "
        "expiry)."));
    specs.push_back(integerSetting(
        "tracking.max_records", &C::tracking, &T::max_records, 1000000, 1000, 100000000,
        "At most this many records are kept; each write beyond it removes the oldest (about "
        "1 KB of Redis memory per record with its index entries)."));
}

}  // namespace mailgate
