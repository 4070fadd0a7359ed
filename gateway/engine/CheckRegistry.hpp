// CheckRegistry: every check mailgate has, declared once in gateway/checks/CheckRegistry.cpp
// (one line each, in the order that decides which of two rejects is reported), so the
// stages run what the registry lists and no front end names a check. Each descriptor
// says the check's name, the stage it runs in, its phase, its config section, every symbol
// it may emit for a config (so a weight naming an unknown symbol is a config error), the
// facts its symbols establish, and its factory, which takes the config snapshot and the
// process's services and returns nothing when the config leaves the check off.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/Config.hpp"
#include "gateway/config/ConfigProblem.hpp"
#include "gateway/engine/CheckPhase.hpp"
#include "gateway/engine/Services.hpp"
#include "gateway/engine/SmtpFacts.hpp"
#include "gateway/engine/Symbol.hpp"

namespace mailgate {

class SmtpStageCheck;
class ContentCheck;

enum class CheckStage { Smtp, Content };

struct CheckDescriptor {
    std::string_view name;  // "dnsbl": logs, scan output, docs
    CheckStage stage = CheckStage::Smtp;
    CheckPhase phase = CheckPhase::Filter;
    std::string_view config_section;  // "dnsbl"
    // Every symbol the check may emit under this config (DNS list labels, rule names).
    std::vector<std::string> (*symbols)(const Config&) = nullptr;
    // Facts its symbols establish, for later checks and the content stage; may be null.
    void (*read_facts)(const std::vector<Symbol>&, SmtpFacts&) = nullptr;
    // Exactly one of the two, by stage; null result: the config leaves the check off.
    std::unique_ptr<SmtpStageCheck> (*make_smtp_check)(const Config&, const Services&) = nullptr;
    std::unique_ptr<ContentCheck> (*make_content_check)(const Config&, const Services&) = nullptr;
    // Content checks that ask DNS: their deadline in ms under this config, 0 when the
    // config leaves them off. A process running the content stage builds a resolver only
    // when one says so (makeContentResolver). Null for checks that never ask DNS.
    std::int64_t (*content_dns_deadline_ms)(const Config&) = nullptr;
};

// In registry order (gateway/checks/CheckRegistry.cpp).
const std::vector<CheckDescriptor>& checkRegistry();
const CheckDescriptor* findCheck(std::string_view name);

// What the symbols of any registered check establish.
SmtpFacts factsFromSymbols(const std::vector<Symbol>& symbols);
// Every symbol any check may emit under this config.
std::vector<std::string> knownSymbols(const Config& config);
// scoring.symbol_weights entries that name no symbol any check emits, at the setting's
// file and line, each with the nearest known name when there is a close one.
std::vector<ConfigProblem> checkSymbolWeights(const Config& config);

}  // namespace mailgate
