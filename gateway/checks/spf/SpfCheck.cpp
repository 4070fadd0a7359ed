// SpfCheck (see SpfCheck.hpp).
#include "gateway/checks/spf/SpfCheck.hpp"

#include <algorithm>
#include <cctype>

#include "gateway/net/LocalHostName.hpp"
#include "gateway/spf/ReceivedSpfHeader.hpp"

namespace mailgate {

SpfCheck::SpfCheck(const SpfSettings& settings) : settings_(settings) {
    for (const auto& text : settings.own_mx_hosts) {
        if (auto network = IpNetwork::parse(text)) {
            own_mx_hosts_.push_back(*network);
        }
    }
    options_.receiver = settings.receiver.empty() ? localHostName() : settings.receiver;
    if (!settings.default_explanation.empty()) {
        options_.default_explanation = settings.default_explanation;
    }
}

std::string SpfCheck::symbolName(SpfResultCode code) {
    std::string name = "SPF_";
    for (char c : spfResultName(code)) {
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return name;
}

double SpfCheck::scoreFor(SpfResultCode code) const {
    switch (code) {
        case SpfResultCode::Pass:
            return settings_.score_pass;
        case SpfResultCode::Fail:
            return settings_.score_fail;
        case SpfResultCode::Softfail:
            return settings_.score_softfail;
        case SpfResultCode::Neutral:
            return settings_.score_neutral;
        case SpfResultCode::None:
            return settings_.score_none;
        case SpfResultCode::Permerror:
            return settings_.score_permerror;
        case SpfResultCode::Temperror:
            return settings_.score_temperror;
    }
    return 0;
}

bool SpfCheck::rejects(SpfResultCode code) const {
    auto name = std::string(spfResultName(code));
    return code != SpfResultCode::Temperror &&
           std::find(settings_.reject_results.begin(), settings_.reject_results.end(), name) !=
               settings_.reject_results.end();
}

std::string SpfCheck::skipReason(const SmtpSession& session) const {
    if (settings_.skip_authenticated && session.authenticated()) {
        return "authenticated client";
    }
    if (settings_.skip_trusted_networks && session.trusted_network) {
        return "trusted network";
    }
    for (const auto& network : own_mx_hosts_) {
        if (network.contains(session.client_address)) {
            return "our own MX host " + network.toString();
        }
    }
    return {};
}

boost::asio::awaitable<CheckOutcome> SpfCheck::check(const SmtpSession& session,
                                                     DnsLookup& dns) const {
    CheckOutcome outcome;
    if (!settings_.enabled) {
        co_return outcome;
    }
    if (auto reason = skipReason(session); !reason.empty()) {
        outcome.addSymbol("SPF_SKIPPED", 0, reason);
        co_return outcome;
    }
    SpfQuery query{session.client_address, session.sender, session.helo};
    SpfEvaluator evaluator(dns, options_);
    SpfResult result = co_await evaluator.checkMailFrom(query);

    std::string detail =
        result.domain.empty() ? result.reason : result.domain + ": " + result.reason;
    outcome.addSymbol(symbolName(result.code), scoreFor(result.code), detail);
    outcome.headers.push_back(
        {"Received-SPF",
         receivedSpfValue(result, query, SpfIdentity::MailFrom, options_.receiver)});

    if (result.code == SpfResultCode::Temperror) {
        recordTemperror(outcome, result.reason);
    } else if (rejects(result.code)) {
        if (result.code == SpfResultCode::Fail) {
            // The text comes from the sender domain's DNS: keep the reply short.
            outcome.reply = rejectReply("5.7.23", "SPF fail: " + result.explanation.substr(0, 300));
        } else if (result.code == SpfResultCode::Permerror) {
            outcome.reply = rejectReply("5.7.24", "SPF permerror: " + result.reason);
        } else {
            outcome.reply = rejectReply("5.7.23", "SPF " + std::string(spfResultName(result.code)) +
                                                      " for " + result.domain);
        }
    }
    co_return outcome;
}

void SpfCheck::recordTemperror(CheckOutcome& outcome, const std::string& reason) const {
    outcome.dependency_failure = "SPF: " + reason;
    if (settings_.temperror_action == "tempfail") {
        outcome.reply = temporaryFailureReply(
            "4.7.24", "SPF check could not be completed (DNS failure), try again later");
    }
}

CheckOutcome SpfCheck::unfinished() const {
    CheckOutcome outcome;
    std::string reason = "not finished by the reply deadline";
    outcome.addSymbol(symbolName(SpfResultCode::Temperror), settings_.score_temperror, reason);
    recordTemperror(outcome, reason);
    return outcome;
}

namespace {

constexpr SpfResultCode kSpfResults[] = {
    SpfResultCode::None,     SpfResultCode::Neutral,   SpfResultCode::Pass,     SpfResultCode::Fail,
    SpfResultCode::Softfail, SpfResultCode::Temperror, SpfResultCode::Permerror};

std::vector<std::string> spfSymbols(const Config&) {
    std::vector<std::string> symbols = {"SPF_SKIPPED"};
    for (auto code : kSpfResults) {
        symbols.push_back(SpfCheck::symbolName(code));
    }
    return symbols;
}

// SPF_PASS establishes that the sender's domain authorised the client.
void spfFacts(const std::vector<Symbol>& symbols, SmtpFacts& facts) {
    const std::string pass = SpfCheck::symbolName(SpfResultCode::Pass);
    for (const auto& symbol : symbols) {
        facts.spf_pass = facts.spf_pass || symbol.name == pass;
    }
}

std::unique_ptr<SmtpStageCheck> makeSpfCheck(const Config& config, const Services&) {
    if (!config.spf.enabled) {
        return nullptr;
    }
    return std::make_unique<SpfCheck>(config.spf);
}

}  // namespace

CheckDescriptor spfCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "spf";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "spf";
    descriptor.symbols = spfSymbols;
    descriptor.make_smtp_check = makeSpfCheck;
    descriptor.read_facts = spfFacts;
    return descriptor;
}

}  // namespace mailgate
