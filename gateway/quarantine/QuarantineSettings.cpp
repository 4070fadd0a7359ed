// The [quarantine] settings (E1, E2, docs/quarantine.md; fields in Config.hpp): where the
// spool is, this node's name in its entries, the spool's quota, how long entries are
// kept, and where a released copy goes. The spool and the index themselves live in
// gateway/quarantine/; the choice of quarantining a message is the scorer's and the rules'.
#include <limits>

#include "gateway/config/SettingBuilders.hpp"
#include "gateway/config/SocketAddress.hpp"

namespace mailgate {
namespace {

std::optional<std::string> checkServer(const std::string& text) {
    if (text.empty()) {
        return std::nullopt;
    }
    auto parsed = parseSmtpServerAddress(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkNode(const std::string& text) {
    for (char c : text) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '-' || c == '_';
        if (!plain) {
            return "a node name is letters, digits, '.', '-' and '_'";
        }
    }
    return std::nullopt;
}

}  // namespace

void appendQuarantineSettings(std::vector<SettingSpec>& specs) {
    using C = Config;
    using Q = QuarantineSettings;
    constexpr auto kMost = std::numeric_limits<std::int32_t>::max();
    specs.push_back(restartRequired(stringSetting(
        "quarantine.directory", &C::quarantine, &Q::directory, "/var/spool/mailgate/quarantine",
        "The spool of quarantined messages (each message once, its bytes and a metadata file). "
        "Writable by the milter's user only; the spool is the truth the Redis index is rebuilt "
        "from (mailgatectl quarantine reindex).")));
    specs.push_back(restartRequired(validated(
        stringSetting("quarantine.node", &C::quarantine, &Q::node, "",
                      "This gateway's name in the entries it quarantines, so an operation on "
                      "a message held on another node names that node. Empty: the host name."),
        checkNode)));
    specs.push_back(restartRequired(integerSetting(
        "quarantine.max_size_mb", &C::quarantine, &Q::max_size_mb, 10240, 0, kMost,
        "The spool's quota in megabytes; a message that would pass it is not quarantined but "
        "tempfailed (the sender retries; logged and counted). 0: no limit.")));
    specs.push_back(restartRequired(integerSetting(
        "quarantine.max_entries", &C::quarantine, &Q::max_entries, 0, 0, kMost,
        "The most entries the spool holds, with the same effect as max_size_mb. 0: no limit.")));
    specs.push_back(integerSetting(
        "quarantine.retention_days", &C::quarantine, &Q::retention_days, 30, 1, 3650,
        "Entries older than this are removed, with their index, by `mailgatectl quarantine "
        "expire` (run daily by the shipped timer)."));
    specs.push_back(validated(
        stringSetting("quarantine.release_server", &C::quarantine, &Q::release_server,
                      "127.0.0.1:10025",
                      "Where a released copy is sent by SMTP: the internal server "
                      "([HOST]:PORT), or a Postfix smtpd without the milter and the policy "
                      "service (config/postfix/master.cf, 127.0.0.1:10025) so the copy is "
                      "not filtered again. Release counts only after its 250 to DATA."),
        checkServer));
    specs.push_back(stringSetting("quarantine.release_helo", &C::quarantine, &Q::release_helo, "",
                                  "The EHLO name of releases. Empty: the node name."));
    specs.push_back(integerSetting(
        "quarantine.release_timeout_ms", &C::quarantine, &Q::release_timeout_ms, 30000, 100, 600000,
        "The longest a release waits for each SMTP step of the release server."));
    specs.push_back(integerSetting(
        "quarantine.release_claim_s", &C::quarantine, &Q::release_claim_s, 600, 10, 86400,
        "How long a release in flight keeps the recipient's claim: a second release of the "
        "same copy waits for it; after a crash the claim lapses and the copy can be released."));
}

}  // namespace mailgate
