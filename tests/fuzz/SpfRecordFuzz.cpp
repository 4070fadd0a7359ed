// libFuzzer target: the SPF record parser. Any input either fails with a reason or
// parses into mechanisms whose domain-specs are themselves valid and expand without
// error; the DNS-term count never exceeds the number of terms.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/spf/SpfMacro.hpp"
#include "gateway/spf/SpfRecord.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto record = mailgate::parseSpfRecord(text);
    if (!record) {
        if (record.error().empty()) {
            std::abort();  // every error must say why
        }
        return 0;
    }
    mailgate::SpfMacroContext context;
    context.sender = "user@example.com";
    context.local_part = "user";
    context.sender_domain = context.domain = "example.com";
    context.client = *mailgate::IpAddress::parse("2001:db8::1");
    context.helo = "helo.example.org";
    for (const auto& mechanism : record->mechanisms) {
        if (mechanism.domain_spec.empty()) {
            continue;
        }
        if (!mailgate::checkSpfMacroText(mechanism.domain_spec,
                                         mailgate::SpfMacroUse::DomainSpec) ||
            !mailgate::expandSpfMacroText(mechanism.domain_spec, mailgate::SpfMacroUse::DomainSpec,
                                          context)) {
            std::abort();
        }
    }
    if (mailgate::countDnsTerms(*record) > static_cast<int>(record->mechanisms.size()) + 1) {
        std::abort();
    }
    return 0;
}
