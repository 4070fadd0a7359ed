// libFuzzer target: the SPF macro language. The first byte picks the use (domain-spec,
// explanation, modifier value); checking and expanding must agree on validity, and a
// domain-spec expansion is cut to 253 bytes whenever it has labels to drop.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/spf/SpfMacro.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    auto use = static_cast<mailgate::SpfMacroUse>(data[0] % 3);
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    mailgate::SpfMacroContext context;
    context.sender = "a.b-c+d@sub.example.com";
    context.local_part = "a.b-c+d";
    context.sender_domain = context.domain = "sub.example.com";
    context.client = *mailgate::IpAddress::parse(size % 2 ? "192.0.2.1" : "2001:db8::cb01");
    context.helo = "helo.example.org";
    context.validated_name = "ptr.example.com";
    context.receiver = "gw.example.net";
    context.now = 1700000000;
    bool valid = mailgate::checkSpfMacroText(text, use).ok();
    auto expanded = mailgate::expandSpfMacroText(text, use, context);
    if (valid != expanded.ok()) {
        std::abort();
    }
    if (expanded && use == mailgate::SpfMacroUse::DomainSpec && expanded->size() > 253 &&
        expanded->find('.') != std::string::npos) {
        std::abort();
    }
    return 0;
}
