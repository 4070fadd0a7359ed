// The facts of how a message's links are written (see UrlFactsCheck.hpp).
#include "gateway/checks/url_facts/UrlFactsCheck.hpp"

#include "gateway/mime/UrlExtractor.hpp"
#include "gateway/net/PublicSuffix.hpp"

namespace mailgate {
namespace {

// Placeholders, refitted by bench/fit_weights.py.
constexpr SymbolDefault kIpHost{"URI_IP_HOST", 1.0};
constexpr SymbolDefault kNumericHost{"URI_NUMERIC_HOST", 2.5};
constexpr SymbolDefault kUserinfoHost{"URI_USERINFO_HOST", 2.0};
constexpr SymbolDefault kHostEncoded{"URI_HOST_ENCODED", 1.5};
constexpr SymbolDefault kMixedScripts{"URI_MIXED_SCRIPTS", 2.0};

}  // namespace

CheckOutcome UrlFactsCheck::check(const Message& message) const {
    CheckOutcome outcome;
    auto urls = extractUrls(message);
    bool ip = false, numeric = false, userinfo = false, encoded = false, mixed = false;
    for (const auto& host : urls.hosts) {
        if (host.form == UrlHostForm::IpAddress && !ip) {
            ip = true;
            outcome.addSymbol(kIpHost.name, kIpHost.score,
                              "a link leads to the bare address " + host.host + " (" + host.url +
                                  "): legitimate senders name their web servers");
        }
        if (host.form == UrlHostForm::NumericAddress && !numeric) {
            numeric = true;
            outcome.addSymbol(kNumericHost.name, kNumericHost.score,
                              "a link writes the address " + host.host + " as a number (" +
                                  host.url + "), which only hides where it leads");
        }
        if (host.userinfo_host && !userinfo) {
            userinfo = true;
            outcome.addSymbol(kUserinfoHost.name, kUserinfoHost.score,
                              "a link shows " + host.userinfo + " before '@' but leads to " +
                                  host.host + " (" + host.url + ")");
        }
        if (host.encoded && !encoded) {
            encoded = true;
            outcome.addSymbol(kHostEncoded.name, kHostEncoded.score,
                              "a link's host " + host.host + " is percent-encoded (" + host.url +
                                  "), hiding it from readers and filters");
        }
        if (host.mixed_scripts && !mixed) {
            mixed = true;
            outcome.addSymbol(kMixedScripts.name, kMixedScripts.score,
                              "a link's host " + unicodeHostName(host.host) + " (" + host.host +
                                  ") mixes letters of different scripts, a look-alike name");
        }
    }
    return outcome;
}

namespace {

std::vector<std::string> urlFactsSymbols(const Config&) {
    return {kIpHost.name, kNumericHost.name, kUserinfoHost.name, kHostEncoded.name,
            kMixedScripts.name};
}

std::unique_ptr<ContentCheck> makeUrlFactsCheck(const Config& config, const Services&) {
    if (!config.url_facts.enabled) {
        return nullptr;
    }
    return std::make_unique<UrlFactsCheck>();
}

}  // namespace

CheckDescriptor urlFactsCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "url_facts";
    descriptor.stage = CheckStage::Content;
    descriptor.phase = CheckPhase::Filter;
    descriptor.config_section = "url_facts";
    descriptor.symbols = urlFactsSymbols;
    descriptor.make_content_check = makeUrlFactsCheck;
    return descriptor;
}

}  // namespace mailgate
