// Client access control lists (see ClientAccessCheck.hpp).
#include "gateway/checks/access/ClientAccessCheck.hpp"

namespace mailgate {
namespace {

ClientPatternList parsedOrEmpty(const std::vector<std::string>& entries) {
    ClientPatternList list;
    for (const auto& entry : entries) {
        if (auto pattern = ClientPattern::parse(entry)) {
            list.add(std::move(*pattern));
        }
    }
    return list;
}

}  // namespace

ClientAccessCheck::ClientAccessCheck(const AccessSettings& settings)
    : banned_(parsedOrEmpty(settings.banned_clients)),
      allowed_(parsedOrEmpty(settings.allowed_clients)),
      reject_text_(settings.reject_text) {}

CheckOutcome ClientAccessCheck::judge(const SmtpSession& session) const {
    CheckOutcome outcome;
    if (const auto* entry = banned_.find(session.client_address, session.client_name)) {
        outcome.addSymbol("ACCESS_BANNED", 0.0, "access.banned_clients entry " + entry->text());
        outcome.reply = rejectReply("5.7.1", reject_text_, 554);
        return outcome;
    }
    if (!allowed_.empty() && !allowed_.find(session.client_address, session.client_name)) {
        outcome.addSymbol("ACCESS_NOT_ALLOWED", 0.0, "not in access.allowed_clients");
        outcome.reply = rejectReply("5.7.1", reject_text_, 554);
    }
    return outcome;
}

boost::asio::awaitable<CheckOutcome> ClientAccessCheck::check(const SmtpSession& session,
                                                              DnsLookup&) const {
    co_return judge(session);
}

namespace {

std::vector<std::string> accessSymbols(const Config&) {
    return {"ACCESS_BANNED", "ACCESS_NOT_ALLOWED"};
}

std::unique_ptr<SmtpStageCheck> makeAccessCheck(const Config& config, const Services&) {
    if (config.access.banned_clients.empty() && config.access.allowed_clients.empty()) {
        return nullptr;
    }
    return std::make_unique<ClientAccessCheck>(config.access);
}

}  // namespace

CheckDescriptor accessCheckDescriptor() {
    CheckDescriptor descriptor;
    descriptor.name = "access";
    descriptor.stage = CheckStage::Smtp;
    descriptor.phase = CheckPhase::PreFilter;
    descriptor.config_section = "access";
    descriptor.symbols = accessSymbols;
    descriptor.make_smtp_check = makeAccessCheck;
    return descriptor;
}

}  // namespace mailgate
