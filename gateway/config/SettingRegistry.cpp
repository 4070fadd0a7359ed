// The registry of every mailgate setting: key, type, default, limits and the sentence
// that documents it. Adding a setting means adding one entry here and a field in
// Config.hpp; the loader, `mailgatectl config-reference` and the docs follow from it.
#include <algorithm>
#include <sstream>

#include "gateway/config/SettingBuilders.hpp"
#include "gateway/config/SettingSpec.hpp"
#include "gateway/config/SocketAddress.hpp"
#include "gateway/dns/DnsServerAddress.hpp"

namespace mailgate {
namespace {

std::optional<std::string> checkPostfixAddress(const std::string& text) {
    auto parsed = parsePostfixSocketAddress(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkMilterAddress(const std::string& text) {
    auto parsed = parseMilterSocketAddress(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkDnsServer(const std::string& text) {
    auto parsed = unboundForwarderAddress(text);
    return parsed ? std::nullopt : std::optional<std::string>(parsed.error());
}

std::optional<std::string> checkKeyPrefix(const std::string& text) {
    if (text.find_first_of(" \t\r\n{}") != std::string::npos) {
        return "key prefix must not contain blanks or braces (braces are reserved for hash tags)";
    }
    return std::nullopt;
}

std::vector<SettingSpec> buildRegistry() {
    using C = Config;
    std::vector<SettingSpec> specs;

    specs.push_back(choiceSetting(
        "log.destination", &C::log, &LogSettings::destination,
        {{"syslog", LogDestination::Syslog},
         {"stderr", LogDestination::Stderr},
         {"file", LogDestination::File}},
        "syslog",
        "Where log lines go: syslog (facility from log.syslog_facility), stderr, or log.file."));
    specs.push_back(stringSetting("log.file", &C::log, &LogSettings::file, "",
                                  "Log file path, used when log.destination = \"file\" (reopened "
                                  "on SIGHUP, for logrotate)."));
    specs.push_back(choiceSetting(
        "log.level", &C::log, &LogSettings::level,
        {{"error", LogLevel::Error},
         {"warning", LogLevel::Warning},
         {"info", LogLevel::Info},
         {"debug", LogLevel::Debug}},
        "info", "Least severe level written. Every mail decision is logged at info."));
    {
        SettingSpec facility;
        facility.key = "log.syslog_facility";
        facility.type = SettingType::Choice;
        facility.default_value = std::string("mail");
        facility.choices = {"mail",   "daemon", "local0", "local1", "local2",
                            "local3", "local4", "local5", "local6", "local7"};
        facility.description = "Syslog facility when log.destination = \"syslog\".";
        facility.apply = [](Config& config, const SettingValue& value) {
            config.log.syslog_facility = std::get<std::string>(value);
        };
        facility.read = [](const Config& config) {
            return SettingValue(config.log.syslog_facility);
        };
        specs.push_back(std::move(facility));
    }

    specs.push_back(
        restartRequired(stringSetting("redis.host", &C::redis, &RedisSettings::host, "127.0.0.1",
                                      "Redis server address (ignored when redis.socket is set).")));
    specs.push_back(restartRequired(integerSetting("redis.port", &C::redis, &RedisSettings::port,
                                                   6379, 1, 65535, "Redis server TCP port.")));
    specs.push_back(restartRequired(stringSetting(
        "redis.socket", &C::redis, &RedisSettings::socket, "",
        "Path of the Redis unix socket; when set, it is used instead of host and port.")));
    specs.push_back(restartRequired(
        stringSetting("redis.username", &C::redis, &RedisSettings::username, "",
                      "Redis ACL user name (Redis 6+); empty means the default user.")));
    specs.push_back(restartRequired(
        secret(stringSetting("redis.password", &C::redis, &RedisSettings::password, "",
                             "Redis password (AUTH); empty means none. Never logged."))));
    specs.push_back(restartRequired(
        integerSetting("redis.database", &C::redis, &RedisSettings::database, 0, 0, 1023,
                       "Redis logical database number (SELECT); keep 0 for Redis Cluster.")));
    specs.push_back(restartRequired(validated(
        stringSetting("redis.key_prefix", &C::redis, &RedisSettings::key_prefix, "mailgate:",
                      "Prefix of every key mailgate writes, so several gateways or tools can share "
                      "one Redis."),
        checkKeyPrefix)));
    specs.push_back(restartRequired(
        integerSetting("redis.connect_timeout_ms", &C::redis, &RedisSettings::connect_timeout_ms,
                       500, 10, 60000, "How long a connection attempt to Redis may take.")));
    specs.push_back(restartRequired(integerSetting(
        "redis.command_timeout_ms", &C::redis, &RedisSettings::command_timeout_ms, 250, 10, 60000,
        "How long one Redis command may take before it counts as a failure.")));
    specs.push_back(restartRequired(integerSetting(
        "redis.reconnect_min_delay_ms", &C::redis, &RedisSettings::reconnect_min_delay_ms, 100, 1,
        600000, "First wait before reconnecting after Redis failed; doubles on each failure.")));
    specs.push_back(restartRequired(integerSetting(
        "redis.reconnect_max_delay_ms", &C::redis, &RedisSettings::reconnect_max_delay_ms, 5000, 1,
        600000, "Longest wait between reconnection attempts.")));
    specs.push_back(
        restartRequired(integerSetting("redis.health_check_interval_s", &C::redis,
                                       &RedisSettings::health_check_interval_s, 10, 1, 3600,
                                       "How often the daemons PING Redis, so an outage and its end "
                                       "are logged when they happen.")));

    specs.push_back(restartRequired(
        validated(stringListSetting("policyd.listen", &C::policyd, &PolicydSettings::listen,
                                    {"inet:127.0.0.1:10040"},
                                    "Addresses the policy daemon listens on, in Postfix notation: "
                                    "inet:HOST:PORT or unix:/path."),
                  checkPostfixAddress)));
    specs.push_back(restartRequired(octal(integerSetting(
        "policyd.socket_mode", &C::policyd, &PolicydSettings::socket_mode, 0660, 0, 0777,
        "Permission bits of policy unix sockets (write them in octal: 0o660)."))));
    specs.push_back(restartRequired(integerSetting(
        "policyd.threads", &C::policyd, &PolicydSettings::threads, 1, 1, 64,
        "Worker threads of the policy daemon. One thread answers some 30,000 greylisting "
        "requests/s (docs/PERFORMANCE.md); more help only with spare cores and CPU-heavy "
        "checks, and cost hand-offs between threads.")));
    specs.push_back(integerSetting("policyd.max_connections", &C::policyd,
                                   &PolicydSettings::max_connections, 512, 1, 100000,
                                   "Most client connections at once; Postfix needs one per smtpd "
                                   "process. Further ones are closed."));
    specs.push_back(integerSetting("policyd.idle_timeout_s", &C::policyd,
                                   &PolicydSettings::idle_timeout_s, 330, 1, 86400,
                                   "A connection with no request for this long is closed (above "
                                   "Postfix's smtpd_policy_service_max_idle, 300 s)."));
    specs.push_back(integerSetting(
        "policyd.max_line_length", &C::policyd, &PolicydSettings::max_line_length, 4096, 64,
        1048576, "Longest attribute line accepted; a longer one closes the connection."));
    specs.push_back(integerSetting("policyd.max_attributes", &C::policyd,
                                   &PolicydSettings::max_attributes, 128, 8, 10000,
                                   "Most attributes in one request."));
    specs.push_back(integerSetting("policyd.max_request_bytes", &C::policyd,
                                   &PolicydSettings::max_request_bytes, 65536, 256, 16777216,
                                   "Largest request accepted, in bytes."));
    specs.push_back(integerSetting(
        "policyd.reply_deadline_ms", &C::policyd, &PolicydSettings::reply_deadline_ms, 3000, 50,
        60000,
        "Every request is answered within this time; a check not finished by then contributes "
        "its fallback (its policy for a failed dependency). Keep it well under the time "
        "Postfix waits for an answer (timeout=10s in config/postfix/main.cf; "
        "smtpd_policy_service_timeout, 100 s, otherwise)."));
    specs.push_back(booleanSetting(
        "policyd.warn_only", &C::policyd, &PolicydSettings::warn_only, false,
        "Trial mode: answer WARN with the reply mailgate would have given instead of rejecting "
        "or deferring; Postfix logs it and lets the mail on."));
    specs.push_back(restartRequired(validated(
        stringSetting(
            "milter.socket", &C::milter, &MilterSettings::socket, "unix:/run/mailgate/milter.sock",
            "Milter socket in libmilter notation: unix:/path, inet:PORT@HOST or inet6:PORT@HOST."),
        checkMilterAddress)));
    specs.push_back(restartRequired(octal(integerSetting(
        "milter.socket_mode", &C::milter, &MilterSettings::socket_mode, 0660, 0, 0777,
        "Permission bits of the milter unix socket (octal: 0o660); Postfix's smtpd must be able to "
        "connect."))));
    specs.push_back(
        restartRequired(integerSetting("milter.backlog", &C::milter, &MilterSettings::backlog, 128,
                                       1, 65535, "Listen backlog of the milter socket.")));
    specs.push_back(restartRequired(integerSetting(
        "milter.mta_timeout_s", &C::milter, &MilterSettings::mta_timeout_s, 7210, 1, 86400,
        "How long the milter waits for the MTA on a connection (libmilter smfi_settimeout).")));

    specs.push_back(restartRequired(validated(
        stringListSetting("dns.servers", &C::dns, &DnsSettings::servers, {"127.0.0.1:53"},
                          "DNS servers asked for every lookup, as IP:PORT or [IPV6]:PORT (a local "
                          "caching resolver is best); no search domains are applied."),
        checkDnsServer)));
    specs.push_back(integerSetting("dns.timeout_ms", &C::dns, &DnsSettings::timeout_ms, 2000, 50,
                                   60000,
                                   "A lookup without a usable answer by then is a temporary error "
                                   "(never \"not listed\", never \"does not exist\")."));

    appendSpfSettings(specs);
    appendDnsblSettings(specs);
    appendClientCheckSettings(specs);
    appendAccessSettings(specs);
    appendRelaySettings(specs);
    appendLocalSenderSettings(specs);
    appendLimitSettings(specs);
    appendGreylistSettings(specs);
    appendPolicyHeaderSettings(specs);
    appendContentSettings(specs);
    appendHeaderCheckSettings(specs);
    appendHeaderForensicsSettings(specs);
    appendPhraseSettings(specs);
    appendUrlFactsSettings(specs);
    appendUriListSettings(specs);
    appendHtmlFeaturesSettings(specs);
    appendMimeCheckSettings(specs);
    appendScoringSettings(specs);
    appendQuarantineSettings(specs);
    appendListSettings(specs);
    appendAwlSettings(specs);
    appendBayesSettings(specs);

    specs.push_back(stringSetting(
        "rules.directory", &C::rules, &RulesSettings::directory, "rules.d",
        "Directory of rule files (*.toml), relative to this config file's directory."));
    appendTrackingSettings(specs);
    return specs;
}

}  // namespace

const std::vector<SettingSpec>& settingRegistry() {
    static const std::vector<SettingSpec> registry = buildRegistry();
    return registry;
}

const std::vector<SettingAlias>& settingAliases() {
    // Greylisting's own client auto-whitelist, named apart from the auto-whitelist (C6).
    static const std::vector<SettingAlias> aliases = {
        {"greylist.auto_whitelist_after", "greylist.origin_whitelist_after"},
        {"greylist.auto_whitelist_interval_s", "greylist.origin_whitelist_interval_s"},
    };
    return aliases;
}

const SettingAlias* findAlias(std::string_view key) {
    for (const auto& alias : settingAliases()) {
        if (alias.old_key == key) {
            return &alias;
        }
    }
    return nullptr;
}

const SettingSpec* findSetting(std::string_view key) {
    for (const auto& spec : settingRegistry()) {
        if (spec.key == key) {
            return &spec;
        }
    }
    return nullptr;
}

bool isKnownSection(std::string_view section) {
    const auto& registry = settingRegistry();
    return std::any_of(registry.begin(), registry.end(),
                       [section](const SettingSpec& spec) { return spec.section() == section; });
}

Config defaultConfig() {
    Config config;
    for (const auto& spec : settingRegistry()) {
        spec.apply(config, spec.default_value);
    }
    return config;
}

std::vector<std::string> restartOnlyChanges(const Config& before, const Config& after) {
    std::vector<std::string> keys;
    for (const auto& spec : settingRegistry()) {
        if (spec.restart_required && spec.read(before) != spec.read(after)) {
            keys.push_back(spec.key);
        }
    }
    return keys;
}

std::string settingTypeName(const SettingSpec& spec) {
    switch (spec.type) {
        case SettingType::Boolean:
            return "boolean";
        case SettingType::Integer:
            return "integer " + std::to_string(spec.minimum) + ".." + std::to_string(spec.maximum);
        case SettingType::Number: {
            std::ostringstream text;
            text << "number " << spec.number_minimum << ".." << spec.number_maximum;
            return text.str();
        }
        case SettingType::String:
            return "string";
        case SettingType::StringList:
            return "list of strings";
        case SettingType::Choice: {
            std::string text = "one of";
            for (const auto& choice : spec.choices) {
                text += " " + choice;
            }
            return text;
        }
    }
    return "unknown";
}

std::string formatSettingValue(const SettingValue& value, bool octal) {
    if (const auto* number = std::get_if<std::int64_t>(&value); number && octal) {
        std::ostringstream text;
        text << "0o" << std::oct << *number;
        return text.str();
    }
    struct Formatter {
        std::string quote(const std::string& text) const {
            std::string out = "\"";
            for (char c : text) {
                if (c == '"' || c == '\\') {
                    out += '\\';
                }
                out += c;
            }
            return out + "\"";
        }
        std::string operator()(bool flag) const { return flag ? "true" : "false"; }
        std::string operator()(std::int64_t number) const { return std::to_string(number); }
        std::string operator()(double number) const {
            std::ostringstream text;
            text << number;
            return text.str();
        }
        std::string operator()(const std::string& text) const { return quote(text); }
        std::string operator()(const std::vector<std::string>& list) const {
            std::string out = "[";
            for (std::size_t i = 0; i < list.size(); ++i) {
                out += (i ? ", " : "") + quote(list[i]);
            }
            return out + "]";
        }
    };
    return std::visit(Formatter{}, value);
}

}  // namespace mailgate
