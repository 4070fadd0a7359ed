// check_host() (see SpfEvaluator.hpp). The counters for RFC 7208's limits live in one
// Evaluation per identity check and are shared by include and redirect, so the limits
// bound the whole evaluation, recursion included.
#include "gateway/spf/SpfEvaluator.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "gateway/spf/SpfMacro.hpp"

namespace mailgate {
namespace {

namespace asio = boost::asio;

enum class Match { Yes, No };

// A mechanism's outcome: matched or not, or the error result that ends the evaluation.
struct MechanismOutcome {
    Match match = Match::No;
    std::optional<SpfResult> error;
};

MechanismOutcome matched(bool yes) {
    return MechanismOutcome{yes ? Match::Yes : Match::No, std::nullopt};
}

MechanismOutcome failed(SpfResultCode code, std::string reason) {
    SpfResult result;
    result.code = code;
    result.reason = std::move(reason);
    return MechanismOutcome{Match::No, std::move(result)};
}

std::string lower(std::string text) {
    for (auto& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return text;
}

std::string withoutTrailingDot(std::string name) {
    if (!name.empty() && name.back() == '.') {
        name.pop_back();
    }
    return name;
}

// RFC 7208 4.3: a domain that is malformed or not multi-label gives "none".
bool isCheckableDomain(const std::string& domain) {
    std::string name = withoutTrailingDot(domain);
    if (name.empty() || name.size() > 253 || name.find('.') == std::string::npos ||
        name.find_first_of("[]") != std::string::npos) {
        return false;
    }
    return isQueryableDnsName(name);
}

bool isAscii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

}  // namespace

struct SpfEvaluator::Evaluation {
    DnsLookup& dns;
    const SpfOptions& options;
    SpfMacroContext context;  // domain changes as include/redirect recurse
    int dns_terms = 0;
    int void_lookups = 0;
    std::optional<std::string> validated_name;

    // A result and the exp= of the record that produced it (redirect passes the
    // target's on; include keeps the including record's).
    struct HostOutcome {
        SpfResult result;
        std::optional<std::string> explanation_spec;
        std::string explanation_domain;
    };

    static SpfResult resultOf(SpfResultCode code, std::string reason, std::string domain) {
        SpfResult result;
        result.code = code;
        result.reason = std::move(reason);
        result.domain = std::move(domain);
        return result;
    }

    // A mechanism's lookup that gave no records: temperror for a DNS failure; no match
    // for NXDOMAIN or NODATA (a void lookup, permerror past the limit when it counts);
    // nothing when the answer has records to look at.
    std::optional<MechanismOutcome> unusable(const DnsAnswer& answer, const std::string& name,
                                             DnsType type, bool countsAsVoid) {
        if (answer.temporaryError()) {
            return failed(SpfResultCode::Temperror, "DNS error looking up " + name + " " +
                                                        dnsTypeName(type) + ": " + answer.error);
        }
        if (answer.found()) {
            return std::nullopt;
        }
        if (countsAsVoid && ++void_lookups > options.max_void_lookups) {
            return failed(
                SpfResultCode::Permerror,
                "more than " + std::to_string(options.max_void_lookups) + " void DNS lookups");
        }
        return matched(false);
    }

    asio::awaitable<Result<std::string>> expandTarget(const SpfMechanism& mechanism,
                                                      const std::string& domain) {
        if (mechanism.domain_spec.empty()) {
            co_return domain;
        }
        co_return co_await expand(mechanism.domain_spec, SpfMacroUse::DomainSpec, domain);
    }

    asio::awaitable<Result<std::string>> expand(const std::string& text, SpfMacroUse use,
                                                const std::string& domain) {
        if (usesValidatedName(text) && !validated_name) {
            validated_name = co_await validatedClientName(domain);
        }
        SpfMacroContext local = context;
        local.domain = domain;
        local.validated_name = validated_name.value_or("unknown");
        co_return expandSpfMacroText(text, use, local);
    }

    // The client's PTR names (at most max_names_per_term) whose A/AAAA lead back to it.
    asio::awaitable<std::vector<std::string>> validatedNames() {
        std::vector<std::string> names;
        auto pointers = co_await dns.resolve(context.client.pointerName(), DnsType::Ptr);
        if (!pointers.found()) {
            co_return names;
        }
        auto type = context.client.isIpv4() ? DnsType::A : DnsType::Aaaa;
        std::size_t limit = static_cast<std::size_t>(options.max_names_per_term);
        for (std::size_t i = 0; i < pointers.records.size() && i < limit; ++i) {
            const auto& name = pointers.records[i].text;
            auto addresses = co_await dns.resolve(name, type);
            for (const auto& record : addresses.records) {
                auto address = IpAddress::parse(record.text);
                if (address && *address == context.client) {
                    names.push_back(withoutTrailingDot(name));
                    break;
                }
            }
        }
        co_return names;
    }

    // %{p}: a validated name equal to or under the domain if any, else the first one.
    asio::awaitable<std::string> validatedClientName(const std::string& domain) {
        auto names = co_await validatedNames();
        std::string target = lower(withoutTrailingDot(domain));
        for (const auto& name : names) {
            std::string candidate = lower(name);
            if (candidate == target || candidate.ends_with("." + target)) {
                co_return name;
            }
        }
        co_return names.empty() ? std::string("unknown") : names.front();
    }

    asio::awaitable<MechanismOutcome> matchAddresses(const std::string& name,
                                                     const SpfMechanism& mechanism,
                                                     bool countVoidLookup) {
        auto type = context.client.isIpv4() ? DnsType::A : DnsType::Aaaa;
        auto answer = co_await dns.resolve(name, type);
        if (auto ended = unusable(answer, name, type, countVoidLookup)) {
            co_return std::move(*ended);
        }
        unsigned prefix = context.client.isIpv4() ? mechanism.ip4_prefix : mechanism.ip6_prefix;
        for (const auto& record : answer.records) {
            auto address = IpAddress::parse(record.text);
            if (address && address->samePrefix(context.client, prefix)) {
                co_return matched(true);
            }
        }
        co_return matched(false);
    }

    asio::awaitable<MechanismOutcome> matchMx(const std::string& target,
                                              const SpfMechanism& mechanism) {
        auto answer = co_await dns.resolve(target, DnsType::Mx);
        if (auto ended = unusable(answer, target, DnsType::Mx, true)) {
            co_return std::move(*ended);
        }
        if (answer.records.size() > static_cast<std::size_t>(options.max_names_per_term)) {
            co_return failed(SpfResultCode::Permerror,
                             "\"" + mechanism.text + "\": more than " +
                                 std::to_string(options.max_names_per_term) + " MX records");
        }
        for (const auto& record : answer.records) {
            if (record.text.empty()) {
                continue;  // RFC 7505 null MX: no host to match
            }
            auto outcome = co_await matchAddresses(record.text, mechanism, false);
            if (outcome.error || outcome.match == Match::Yes) {
                co_return outcome;
            }
        }
        co_return matched(false);
    }

    asio::awaitable<MechanismOutcome> matchPtr(const std::string& target) {
        auto names = co_await validatedNames();
        std::string wanted = lower(withoutTrailingDot(target));
        for (const auto& name : names) {
            std::string candidate = lower(name);
            if (candidate == wanted || candidate.ends_with("." + wanted)) {
                co_return matched(true);
            }
        }
        co_return matched(false);
    }

    asio::awaitable<MechanismOutcome> matchExists(const std::string& target) {
        auto answer = co_await dns.resolve(target, DnsType::A);
        if (auto ended = unusable(answer, target, DnsType::A, true)) {
            co_return std::move(*ended);
        }
        co_return matched(true);
    }

    asio::awaitable<MechanismOutcome> matchInclude(const std::string& target) {
        auto inner = co_await checkHost(target);
        switch (inner.result.code) {
            case SpfResultCode::Pass:
                co_return matched(true);
            case SpfResultCode::Fail:
            case SpfResultCode::Softfail:
            case SpfResultCode::Neutral:
                co_return matched(false);
            case SpfResultCode::Temperror:
                co_return failed(SpfResultCode::Temperror, inner.result.reason);
            case SpfResultCode::None:
                co_return failed(SpfResultCode::Permerror,
                                 "included domain " + target + " has no SPF record");
            case SpfResultCode::Permerror:
                co_return failed(SpfResultCode::Permerror, inner.result.reason);
        }
        co_return matched(false);
    }

    bool countsDnsTerm(SpfMechanismKind kind) {
        return kind == SpfMechanismKind::Include || kind == SpfMechanismKind::A ||
               kind == SpfMechanismKind::Mx || kind == SpfMechanismKind::Ptr ||
               kind == SpfMechanismKind::Exists;
    }

    asio::awaitable<MechanismOutcome> evaluate(const SpfMechanism& mechanism,
                                               const std::string& domain) {
        if (countsDnsTerm(mechanism.kind) && ++dns_terms > options.max_dns_terms) {
            co_return failed(SpfResultCode::Permerror,
                             "more than " + std::to_string(options.max_dns_terms) +
                                 " DNS-querying mechanisms and modifiers");
        }
        switch (mechanism.kind) {
            case SpfMechanismKind::All:
                co_return matched(true);
            case SpfMechanismKind::Ip4:
            case SpfMechanismKind::Ip6:
                co_return matched(mechanism.network.contains(context.client));
            default:
                break;
        }
        auto target = co_await expandTarget(mechanism, domain);
        if (!target) {
            co_return failed(SpfResultCode::Permerror,
                             "\"" + mechanism.text + "\": " + target.error());
        }
        if (!isQueryableDnsName(*target)) {
            // An expansion that is no DNS name can match nothing.
            co_return matched(false);
        }
        switch (mechanism.kind) {
            case SpfMechanismKind::Include:
                co_return co_await matchInclude(*target);
            case SpfMechanismKind::A:
                co_return co_await matchAddresses(*target, mechanism, true);
            case SpfMechanismKind::Mx:
                co_return co_await matchMx(*target, mechanism);
            case SpfMechanismKind::Ptr:
                co_return co_await matchPtr(*target);
            case SpfMechanismKind::Exists:
                co_return co_await matchExists(*target);
            default:
                co_return matched(false);
        }
    }

    // RFC 7208 4.4 and 4.5: the one SPF record of `domain`, or the result that ends here.
    asio::awaitable<std::variant<SpfRecord, SpfResult>> findRecord(const std::string& domain) {
        auto answer = co_await dns.resolve(withoutTrailingDot(domain), DnsType::Txt);
        if (answer.temporaryError()) {
            co_return resultOf(SpfResultCode::Temperror,
                               "DNS error looking up " + domain + " TXT: " + answer.error, domain);
        }
        if (!answer.found()) {
            co_return resultOf(
                SpfResultCode::None,
                "no SPF record at " + domain +
                    (answer.status == DnsStatus::NxDomain ? " (no such domain)" : ""),
                domain);
        }
        std::vector<const DnsRecord*> selected;
        for (const auto& record : answer.records) {
            if (isSpfRecord(record.text)) {
                selected.push_back(&record);
            }
        }
        if (selected.empty()) {
            co_return resultOf(SpfResultCode::None, "no SPF record at " + domain, domain);
        }
        if (selected.size() > 1) {
            co_return resultOf(SpfResultCode::Permerror, "more than one SPF record at " + domain,
                               domain);
        }
        auto record = parseSpfRecord(selected.front()->text);
        if (!record) {
            co_return resultOf(SpfResultCode::Permerror,
                               "malformed SPF record at " + domain + ": " + record.error(), domain);
        }
        co_return std::move(*record);
    }

    asio::awaitable<HostOutcome> checkHost(std::string domain) {
        HostOutcome outcome;
        if (!isCheckableDomain(domain)) {
            outcome.result = resultOf(SpfResultCode::None,
                                      "\"" + domain + "\" is not a domain SPF can check", domain);
            co_return outcome;
        }
        auto found = co_await findRecord(domain);
        if (auto* ended = std::get_if<SpfResult>(&found)) {
            outcome.result = std::move(*ended);
            co_return outcome;
        }
        const auto& record = std::get<SpfRecord>(found);
        for (const auto& mechanism : record.mechanisms) {
            auto evaluated = co_await evaluate(mechanism, domain);
            if (evaluated.error) {
                outcome.result = std::move(*evaluated.error);
                outcome.result.domain = domain;
                co_return outcome;
            }
            if (evaluated.match == Match::Yes) {
                outcome.result = resultOf(mechanism.qualifier, "matched " + mechanism.text, domain);
                outcome.result.mechanism = mechanism.text;
                outcome.explanation_spec = record.explanation;
                outcome.explanation_domain = domain;
                co_return outcome;
            }
        }
        if (record.redirect) {
            co_return co_await followRedirect(*record.redirect, domain);
        }
        outcome.result = resultOf(SpfResultCode::Neutral, "no mechanism matched", domain);
        outcome.result.mechanism = "default";
        co_return outcome;
    }

    asio::awaitable<HostOutcome> followRedirect(const std::string& spec,
                                                const std::string& domain) {
        HostOutcome outcome;
        if (++dns_terms > options.max_dns_terms) {
            outcome.result = resultOf(SpfResultCode::Permerror,
                                      "more than " + std::to_string(options.max_dns_terms) +
                                          " DNS-querying mechanisms and modifiers",
                                      domain);
            co_return outcome;
        }
        auto target = co_await expand(spec, SpfMacroUse::DomainSpec, domain);
        if (!target) {
            outcome.result = resultOf(SpfResultCode::Permerror,
                                      "redirect=" + spec + ": " + target.error(), domain);
            co_return outcome;
        }
        outcome = co_await checkHost(*target);
        if (outcome.result.code == SpfResultCode::None) {
            // RFC 7208 6.1: a redirect to a domain without a record is an error.
            outcome.result.code = SpfResultCode::Permerror;
            outcome.result.reason = "redirect target " + *target + " has no SPF record";
        }
        co_return outcome;
    }

    // RFC 7208 6.2: the exp= text, or the default when anything about it fails.
    asio::awaitable<std::string> explanation(const HostOutcome& outcome) {
        const std::string& domain =
            outcome.explanation_domain.empty() ? outcome.result.domain : outcome.explanation_domain;
        if (outcome.explanation_spec) {
            auto text = co_await explanationText(*outcome.explanation_spec, domain);
            if (text) {
                co_return *text;
            }
        }
        auto fallback =
            co_await expand(options.default_explanation, SpfMacroUse::Explanation, domain);
        co_return fallback ? *fallback : options.default_explanation;
    }

    asio::awaitable<std::optional<std::string>> explanationText(const std::string& spec,
                                                                const std::string& domain) {
        auto target = co_await expand(spec, SpfMacroUse::DomainSpec, domain);
        if (!target || !isQueryableDnsName(*target)) {
            co_return std::nullopt;
        }
        auto answer = co_await dns.resolve(*target, DnsType::Txt);
        if (!answer.found() || answer.records.size() != 1 || !isAscii(answer.records[0].text)) {
            co_return std::nullopt;
        }
        auto text = co_await expand(answer.records[0].text, SpfMacroUse::Explanation, domain);
        if (!text) {
            co_return std::nullopt;
        }
        co_return *text;
    }
};

SpfEvaluator::SpfEvaluator(DnsLookup& dns, SpfOptions options)
    : dns_(dns), options_(std::move(options)) {}

boost::asio::awaitable<SpfResult> SpfEvaluator::checkMailFrom(const SpfQuery& query) {
    std::string sender = query.sender.empty() ? "postmaster@" + query.helo : query.sender;
    co_return co_await checkIdentity(query, std::move(sender));
}

boost::asio::awaitable<SpfResult> SpfEvaluator::checkHelo(const SpfQuery& query) {
    co_return co_await checkIdentity(query, "postmaster@" + query.helo);
}

boost::asio::awaitable<SpfResult> SpfEvaluator::checkIdentity(const SpfQuery& query,
                                                              std::string sender) {
    Evaluation evaluation{dns_, options_, {}, 0, 0, std::nullopt};
    auto at = sender.rfind('@');
    std::string local = at == std::string::npos ? "" : sender.substr(0, at);
    std::string domain = at == std::string::npos ? sender : sender.substr(at + 1);
    if (local.empty()) {
        local = "postmaster";  // RFC 7208 4.3
    }
    auto& context = evaluation.context;
    context.sender = local + "@" + domain;
    context.local_part = local;
    context.sender_domain = domain;
    context.domain = domain;
    context.client = query.client;
    context.helo = query.helo;
    context.receiver = options_.receiver;
    context.now = options_.now != 0 ? options_.now : std::time(nullptr);

    auto outcome = co_await evaluation.checkHost(domain);
    if (outcome.result.code == SpfResultCode::Fail) {
        outcome.result.explanation = co_await evaluation.explanation(outcome);
    }
    co_return outcome.result;
}

}  // namespace mailgate
