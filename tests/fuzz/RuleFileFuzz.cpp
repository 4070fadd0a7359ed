// libFuzzer target: a rule file and a message, separated by a line "%%": the rule file
// reader (TOML, names, validation, RE2 patterns), and when it accepts the rules, the
// compiled RuleSet matched against the message for two recipients. Nothing may crash,
// throw or read out of bounds; an accepted rule file must compile to as many rules.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/checks/rules/RuleFile.hpp"
#include "gateway/checks/rules/RuleSet.hpp"
#include "gateway/mime/MimeParser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto separator = input.find("\n%%\n");
    std::string_view rules = input.substr(0, separator);
    std::string_view raw = separator == std::string_view::npos ? "" : input.substr(separator + 4);
    std::vector<mailgate::ConfigProblem> problems;
    auto file = mailgate::readRuleFileText(rules, "fuzz.toml", problems);
    if (!problems.empty()) {
        return 0;
    }
    mailgate::RuleSet set({file});
    if (set.size() != file.rules.size()) {
        std::abort();
    }
    mailgate::MimeLimits limits;
    limits.max_parts = 32;
    limits.max_text_bytes = 4096;
    mailgate::MessageEnvelope envelope;
    envelope.sender = "alice@sender.test";
    envelope.recipients = {"bob@example.test", "carol@example.test"};
    auto message = mailgate::MimeParser(limits).parse(raw, envelope);
    mailgate::RuleEvaluation evaluation(set, message);
    for (const auto& recipient : envelope.recipients) {
        if (evaluation.matchesFor(recipient).size() > set.size()) {
            std::abort();
        }
    }
    return 0;
}
