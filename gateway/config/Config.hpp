// Config: one immutable snapshot of every mailgate setting, as typed values.
// It is built only by ConfigLoader from the registry in SettingRegistry.cpp (which holds
// each setting's key, default, range and documentation); nothing else parses config text.
// A daemon holds the current snapshot in a ConfigHolder and swaps it on reload.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/checks/phrases/PhraseFile.hpp"
#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/config/ConfigProblem.hpp"

namespace mailgate {

enum class LogDestination { Syslog, Stderr, File };
enum class LogLevel { Error = 0, Warning = 1, Info = 2, Debug = 3 };

struct LogSettings {
    LogDestination destination = LogDestination::Syslog;
    std::string file;
    LogLevel level = LogLevel::Info;
    std::string syslog_facility;
};

struct RedisSettings {
    std::string host;
    std::int64_t port = 0;
    std::string socket;
    std::string username;
    std::string password;
    std::int64_t database = 0;
    std::string key_prefix;
    std::int64_t connect_timeout_ms = 0;
    std::int64_t command_timeout_ms = 0;
    std::int64_t reconnect_min_delay_ms = 0;
    std::int64_t reconnect_max_delay_ms = 0;
    std::int64_t health_check_interval_s = 0;
};

struct PolicydSettings {
    std::vector<std::string> listen;
    std::int64_t socket_mode = 0;
    std::int64_t threads = 0;
    std::int64_t max_connections = 0;
    std::int64_t idle_timeout_s = 0;
    std::int64_t max_line_length = 0;
    std::int64_t max_attributes = 0;
    std::int64_t max_request_bytes = 0;
    std::int64_t reply_deadline_ms = 0;
    bool warn_only = false;  // answer WARN instead of rejecting or deferring (trial runs)
};

struct MilterSettings {
    std::string socket;
    std::int64_t socket_mode = 0;
    std::int64_t backlog = 0;
    std::int64_t mta_timeout_s = 0;
};

struct DnsSettings {
    std::vector<std::string> servers;
    std::int64_t timeout_ms = 0;
};

// [spf]: see gateway/checks/spf/SpfSettings.cpp.
struct SpfSettings {
    bool enabled = false;
    std::vector<std::string> reject_results;  // result keywords that reject at RCPT
    std::string temperror_action;             // "dunno" or "tempfail"
    double score_pass = 0;
    double score_fail = 0;
    double score_softfail = 0;
    double score_neutral = 0;
    double score_none = 0;
    double score_permerror = 0;
    double score_temperror = 0;
    bool skip_authenticated = true;
    bool skip_trusted_networks = true;
    std::vector<std::string> own_mx_hosts;  // addresses/CIDRs of our own MX relays
    std::string receiver;                   // our name in Received-SPF; "" = host name
    std::string default_explanation;
};

// [dnsbl]: see gateway/checks/dnsbl/DnsblSettings.cpp and gateway/dnsbl/.
struct DnsblSettings {
    bool enabled = false;
    std::vector<std::string> zones;  // "[LABEL:]ZONE[=CODES|&MASK][*WEIGHT]"
    std::vector<std::string> whitelist_zones;
    std::vector<std::string> whitelist_networks;  // CIDR
    double reject_threshold = 0;                  // 0: never reject
    std::int64_t timeout_ms = 0;
    bool fetch_reasons = false;  // TXT of listed entries
};

// [uri_lists] (C2): see gateway/checks/uri_lists/UriListSettings.cpp, docs/uri-lists.md.
struct UriListSettings {
    bool enabled = false;
    std::vector<std::string> zones;  // "[LABEL:]ZONE[=CODES|&MASK][*WEIGHT]", as dnsbl.zones
    std::int64_t max_lookups_per_message = 0;  // domains asked per message (each in every zone)
    std::int64_t timeout_ms = 0;               // one deadline for all of a message's lookups
    std::vector<std::string> skip_domains;     // registrable domains never asked
    bool ip_hosts = false;                     // ask address hosts too, reversed
};

// [url_facts] (C2): see gateway/checks/url_facts/UrlFactsSettings.cpp.
struct UrlFactsSettings {
    bool enabled = false;
};

// [client_checks] (PTR, HELO, sender domain): see settings/ClientCheckSettings.cpp.
enum class ClientCheckAction { Off, Score, Reject };
// What a client check does when DNS fails: let the mail on unjudged, or defer it.
enum class ClientCheckDnsFailure { Dunno, Tempfail };

struct ClientCheckSettings {
    ClientCheckAction ptr_action = ClientCheckAction::Off;
    bool ptr_forward_confirmed = false;
    ClientCheckAction helo_action = ClientCheckAction::Off;
    std::vector<std::string> own_helo_names;
    std::vector<std::string> own_addresses;  // addresses or CIDR networks
    ClientCheckAction sender_domain_action = ClientCheckAction::Off;
    ClientCheckDnsFailure on_dns_failure = ClientCheckDnsFailure::Dunno;
    double score_no_ptr = 0;
    double score_ptr_not_confirmed = 0;
    double score_helo_invalid = 0;
    double score_helo_not_resolving = 0;
    double score_helo_is_ours = 0;
    double score_sender_domain_unknown = 0;
    double score_sender_domain_null_mx = 0;
};

// [access] (A9): see gateway/checks/access/.
struct AccessSettings {
    std::vector<std::string> banned_clients;
    std::vector<std::string> allowed_clients;  // empty: everyone not banned
    std::string reject_text;
};

// [relay] (A4): see gateway/checks/relay/.
struct RelaySettings {
    bool check = true;  // reject relaying at RCPT (Postfix's reject_unauth_destination)
    std::vector<std::string> domains;
    bool subdomains = false;
    std::vector<std::string> trusted_networks;  // CIDR
};

// [local_senders] (B1): see settings/LocalSenderSettings.cpp.
struct LocalSenderSettings {
    bool enabled = false;
    std::vector<std::string> addresses;  // also read from addresses_file
    std::string addresses_file;
    bool skip_trusted_networks = true;
    bool skip_authenticated = false;
};

// [limits] (A5): see settings/LimitSettings.cpp.
struct LimitSettings {
    std::int64_t max_recipients = 0;    // 0: no limit
    std::int64_t max_message_size = 0;  // bytes; 0: no limit
};

// [greylist] (C14): see gateway/checks/greylist/.
enum class GreylistAction { DeferIfPermit, Defer };
enum class GreylistFailurePolicy { Dunno, Tempfail };

struct GreylistSettings {
    bool enabled = false;
    std::int64_t delay_s = 300;
    std::int64_t retry_window_s = 172800;
    std::int64_t pass_lifetime_s = 3024000;
    std::int64_t origin_whitelist_after = 5;
    std::int64_t origin_whitelist_interval_s = 3600;
    std::int64_t ipv4_prefix = 24;
    std::int64_t ipv6_prefix = 64;
    bool key_on_spf_domain = false;
    // The lists hold the config's entries followed by those of the files.
    std::vector<std::string> whitelist_clients;
    std::string whitelist_clients_file;
    std::vector<std::string> whitelist_recipients;
    std::string whitelist_recipients_file;
    std::vector<std::string> whitelist_sender_domains;
    GreylistAction action = GreylistAction::DeferIfPermit;
    std::string reply_text;
    bool add_header = true;
    GreylistFailurePolicy on_redis_failure = GreylistFailurePolicy::Dunno;
};

// [policy_header]: how the policy stage's results reach the milter (see
// gateway/engine/PolicyStageHeader.hpp).
struct PolicyHeaderSettings {
    std::string secret;  // shared by both daemons; empty: nothing is passed on
    std::int64_t max_age_s = 3600;
};

// [content]: how the milter collects and parses a message (settings/ContentSettings.cpp).
struct ContentSettings {
    std::int64_t max_message_size = 0;  // bytes; bigger messages are not scanned
    std::int64_t memory_limit = 0;      // bytes kept in memory; the rest goes to a file
    std::string spool_directory;        // "" = the system's temporary directory
    std::int64_t max_mime_depth = 0;
    std::int64_t max_mime_parts = 0;
    std::int64_t max_decoded_bytes = 0;
    std::int64_t max_text_bytes = 0;
    bool filter_authenticated = true;  // C13
};

// [header_checks] (B4) and [mime_checks] (C12): gateway/checks/header_syntax/ and broken_mime/.
struct HeaderCheckSettings {
    ClientCheckAction action = ClientCheckAction::Score;
    double score_invalid_address = 0;
    double score_missing_from = 0;
    double score_duplicate_from = 0;
    double score_missing_date = 0;
    double score_missing_message_id = 0;
    double score_duplicate_header = 0;
};

struct HeaderForensicsSettings {
    bool enabled = true;
    std::vector<std::string> freemail_domains;
};

// [html_features] (C11): gateway/checks/html_features/; defaults in HtmlFeaturesSettings.cpp.
struct HtmlFeaturesSettings {
    bool enabled = true;
    std::int64_t hidden_text_min_characters = 0;
    std::int64_t same_colour_text_min_characters = 0;
    std::int64_t tiny_font_min_characters = 0;
    std::int64_t mostly_images_max_characters = 0;
    std::int64_t text_differs_min_words = 0;
    double text_differs_max_shared = 0;
    std::int64_t escaped_letters_min = 0;
    std::int64_t zero_width_min_in_words = 0;
};

struct MimeCheckSettings {
    bool enabled = true;
    double score_boundary = 0;
    double score_transfer_encoding = 0;
    double score_encoded_word = 0;
    double score_8bit_header = 0;
    double score_broken_header = 0;
    double score_charset = 0;
    double score_too_complex = 0;
    double score_parameter = 0;
};

// [scoring] (C7, C8): gateway/engine/Scorer.
enum class SpamAction { Tag, Quarantine, Delete, Reject };

struct ScoringSettings {
    double spam_threshold = 5.0;
    SpamAction spam_action = SpamAction::Tag;
    double quarantine_threshold = 0;  // 0: off
    double reject_threshold = 0;      // 0: off
    std::string subject_tag;
    bool subject_score_tag = false;
    bool spam_headers = true;
    std::vector<std::string> symbol_weights;  // "NAME=SCORE"
    // Used instead for a message the statistical filter has no opinion on.
    std::vector<std::string> symbol_weights_without_bayes;
};

// [quarantine] (E1, E2): gateway/quarantine/, docs/quarantine.md.
struct QuarantineSettings {
    std::string directory;         // the spool: bodies and metadata files
    std::string node;              // this gateway's name in entries ("" = the host name)
    std::int64_t max_size_mb = 0;  // 0: no limit
    std::int64_t max_entries = 0;  // 0: no limit
    std::int64_t retention_days = 0;
    std::string release_server;  // host:port that receives released copies
    std::string release_helo;    // "" = the node name
    std::int64_t release_timeout_ms = 0;
    std::int64_t release_claim_s = 0;  // how long a release in flight holds its claim
};

// [lists] (C4, C5): gateway/checks/lists/.
struct ListSettings {
    std::vector<std::string> whitelist;  // "from:...", "to:...", "client:..."
    std::vector<std::string> blacklist;
    bool whitelist_from_needs_spf = true;
    bool personal = true;  // consult each recipient's own lists in Redis
};

// [awl] (C6): gateway/checks/auto_whitelist/.
struct AwlSettings {
    bool enabled = false;
    double factor = 0.5;
    std::int64_t ipv6_prefix = 48;
    std::int64_t expire_after_s = 0;
};

// [bayes] (C10): gateway/checks/bayes/.
struct BayesSettings {
    bool enabled = true;
    std::int64_t min_learned = 200;
    bool word_pairs = false;
    std::int64_t max_tokens = 3000;
    std::int64_t max_text_bytes = 65536;
    std::int64_t token_expire_after_s = 0;
    bool per_recipient = false;
    bool autolearn = false;
    double autolearn_spam_at_least = 12.0;
    double autolearn_ham_below = 0.1;
    double autolearn_max_ratio = 3.0;
};

struct PhraseSettings {
    bool enabled = true;
    std::string directory;
};

struct RulesSettings {
    std::string directory;
};

// [tracking] (E2): gateway/tracking/, docs/tracking.md.
struct TrackingSettings {
    bool enabled = true;
    std::int64_t retention_days = 0;
    std::int64_t max_records = 0;
};

// Where a setting was written in the config file, for problems found after loading.
struct SettingPosition {
    int line = 0;
    int column = 0;
};

struct Config {
    LogSettings log;
    RedisSettings redis;
    PolicydSettings policyd;
    MilterSettings milter;
    DnsSettings dns;
    SpfSettings spf;
    DnsblSettings dnsbl;
    ClientCheckSettings client_checks;
    AccessSettings access;
    RelaySettings relay;
    LocalSenderSettings local_senders;
    LimitSettings limits;
    GreylistSettings greylist;
    PolicyHeaderSettings policy_header;
    ContentSettings content;
    HeaderCheckSettings header_checks;
    HeaderForensicsSettings header_forensics;
    UriListSettings uri_lists;
    UrlFactsSettings url_facts;
    PhraseSettings phrases;
    HtmlFeaturesSettings html_features;
    MimeCheckSettings mime_checks;
    ScoringSettings scoring;
    QuarantineSettings quarantine;
    ListSettings lists;
    AwlSettings awl;
    BayesSettings bayes;
    RulesSettings rules;
    TrackingSettings tracking;

    // Where this snapshot came from, for logs and for resolving relative paths.
    std::filesystem::path source_file;
    // Where each key set in the file was written (checks of the whole snapshot against
    // the check registry report at FILE:LINE too).
    std::map<std::string, SettingPosition> setting_positions;
    // Renamed keys the file still uses: they work; the daemons log these at start and
    // reload, check-config prints them.
    std::vector<ConfigProblem> deprecations;
    // The rule files found in rules.directory, parsed and checked for shape.
    std::vector<RuleFile> rule_files;
    std::vector<PhraseFile> phrase_files;  // read from phrases.directory
    // Counts reloads: 1 for the snapshot a daemon started with.
    std::uint64_t generation = 1;
};

using ConfigSnapshot = std::shared_ptr<const Config>;

// The documented default location of the main config file.
inline constexpr const char* kDefaultConfigPath = "/etc/mailgate/mailgate.toml";

}  // namespace mailgate
