// Reading the EHLO reply's keywords (see SmtpCapabilities.hpp).
#include "gateway/smtp/SmtpCapabilities.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "gateway/util/AsciiCase.hpp"

namespace mailgate {

namespace {

std::uint64_t sizeArgument(std::string_view parameters) {
    while (!parameters.empty() && parameters.front() == ' ') {
        parameters.remove_prefix(1);
    }
    std::uint64_t value = 0;
    auto [end, error] =
        std::from_chars(parameters.data(), parameters.data() + parameters.size(), value);
    (void)end;
    return error == std::errc{} ? value : 0;
}

}  // namespace

SmtpCapabilities SmtpCapabilities::fromEhloReply(const SmtpServerReply& reply) {
    SmtpCapabilities capabilities;
    capabilities.extended = true;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        std::string_view line = reply.lines[i];
        auto blank = line.find(' ');
        std::string keyword(line.substr(0, blank));
        std::string_view parameters =
            blank == std::string_view::npos ? std::string_view{} : line.substr(blank + 1);
        if (keyword.empty()) {
            continue;
        }
        if (equalsIgnoreCase(keyword, "SIZE")) {
            capabilities.size = true;
            capabilities.max_size = sizeArgument(parameters);
        }
        capabilities.pipelining |= equalsIgnoreCase(keyword, "PIPELINING");
        capabilities.starttls |= equalsIgnoreCase(keyword, "STARTTLS");
        capabilities.eight_bit_mime |= equalsIgnoreCase(keyword, "8BITMIME");
        capabilities.smtputf8 |= equalsIgnoreCase(keyword, "SMTPUTF8");
        capabilities.keywords.push_back(std::move(keyword));
    }
    return capabilities;
}

bool SmtpCapabilities::has(const std::string& keyword) const {
    return std::any_of(keywords.begin(), keywords.end(), [&keyword](const std::string& known) {
        return equalsIgnoreCase(known, keyword);
    });
}

}  // namespace mailgate
