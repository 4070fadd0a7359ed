// The libmilter callbacks of mailgate-milter (see MilterCallbacks.hpp).
#include "milter/MilterCallbacks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "gateway/check/PolicyStageHeader.hpp"

#include "milter/MilterSession.hpp"

namespace mailgate {
namespace {

MilterContext* installedContext = nullptr;

MilterSession* sessionOf(SMFICTX* context) {
    return static_cast<MilterSession*>(smfi_getpriv(context));
}

std::string symbol(SMFICTX* context, const char* name) {
    const char* value = smfi_getsymval(context, const_cast<char*>(name));
    return value ? value : "";
}

std::string formatAddress(const sockaddr* address) {
    if (address == nullptr) {
        return "";
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET) {
        const auto* ipv4 = reinterpret_cast<const sockaddr_in*>(address);
        inet_ntop(AF_INET, &ipv4->sin_addr, text, sizeof text);
    } else if (address->sa_family == AF_INET6) {
        const auto* ipv6 = reinterpret_cast<const sockaddr_in6*>(address);
        inet_ntop(AF_INET6, &ipv6->sin6_addr, text, sizeof text);
    }
    return text;
}

std::string withoutAngleBrackets(const char* address) {
    std::string text = address ? address : "";
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>') {
        return text.substr(1, text.size() - 2);
    }
    return text;
}

// Runs one callback body; an exception becomes TEMPFAIL with a log line, never a crash
// into libmilter and never an accidental accept.
template <class Body>
sfsistat guarded(SMFICTX* context, const char* stage, Body body) {
    try {
        MilterSession* session = sessionOf(context);
        if (session == nullptr) {
            installedContext->logger.error(
                LogLine("milter_internal_error").add("stage", stage).add("reason", "no session"));
            return SMFIS_TEMPFAIL;
        }
        return body(*session);
    } catch (const std::exception& error) {
        installedContext->logger.error(LogLine("milter_internal_error")
                                           .add("stage", stage)
                                           .add("reason", error.what())
                                           .add("action", "tempfail"));
    } catch (...) {
        installedContext->logger.error(LogLine("milter_internal_error")
                                           .add("stage", stage)
                                           .add("reason", "unknown exception")
                                           .add("action", "tempfail"));
    }
    return SMFIS_TEMPFAIL;
}

std::string symbolList(const std::vector<Symbol>& symbols) {
    std::string text;
    char score[32];
    for (const auto& symbol : symbols) {
        std::snprintf(score, sizeof score, "%g", symbol.score);
        text += (text.empty() ? "" : ",") + symbol.name + "(" + score + ")";
    }
    return text;
}

std::int64_t unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The policy stage's X-Mailgate-Policy headers: all are removed (they are ours, and a
// sender may have written some); those the policy daemon signed for this client and
// sender give their symbols (for the score) and their headers, which are added at the
// top (Received-SPF, X-Greylist).
PolicyStageReading applyPolicyStageHeaders(SMFICTX* context, MilterSession& session) {
    if (!session.config) {
        return {};
    }
    const auto& settings = session.config->policy_header;
    PolicyStageReading stage =
        readPolicyStageHeaders(session.policy_headers, settings.secret, session.client_address,
                               session.sender, unixNow(), settings.max_age_s);
    for (auto index = static_cast<int>(session.policy_headers.size()); index >= 1; --index) {
        if (smfi_chgheader(context, const_cast<char*>(kPolicyStageHeaderName), index, nullptr) !=
            MI_SUCCESS) {
            throw std::runtime_error("cannot remove an X-Mailgate-Policy header");
        }
    }
    for (auto header = stage.headers.rbegin(); header != stage.headers.rend(); ++header) {
        if (smfi_insheader(context, 0, const_cast<char*>(header->name.c_str()),
                           const_cast<char*>(header->value.c_str())) != MI_SUCCESS) {
            throw std::runtime_error("cannot add the " + header->name + " header");
        }
    }
    return stage;
}

sfsistat onConnect(SMFICTX* context, char* hostname, _SOCK_ADDR* address) {
    try {
        auto* session = new MilterSession();
        session->client_name = hostname ? hostname : "";
        session->client_address = formatAddress(address);
        if (smfi_setpriv(context, session) != MI_SUCCESS) {
            delete session;
            return SMFIS_TEMPFAIL;
        }
        return SMFIS_CONTINUE;
    } catch (...) {
        return SMFIS_TEMPFAIL;
    }
}

sfsistat onHelo(SMFICTX* context, char* helo) {
    return guarded(context, "helo", [&](MilterSession& session) {
        session.helo = helo ? helo : "";
        return SMFIS_CONTINUE;
    });
}

sfsistat onMailFrom(SMFICTX* context, char** arguments) {
    return guarded(context, "mail", [&](MilterSession& session) {
        session.startMessage();
        session.config = installedContext->config.current();
        session.mailgate_id = installedContext->ids.next();
        session.sender = withoutAngleBrackets(arguments ? arguments[0] : nullptr);
        session.authenticated_user = symbol(context, "{auth_authen}");
        return SMFIS_CONTINUE;
    });
}

sfsistat onRecipient(SMFICTX* context, char** arguments) {
    return guarded(context, "rcpt", [&](MilterSession& session) {
        session.recipients.push_back(withoutAngleBrackets(arguments ? arguments[0] : nullptr));
        return SMFIS_CONTINUE;
    });
}

sfsistat onData(SMFICTX* context) {
    return guarded(context, "data", [&](MilterSession& session) {
        session.queue_id = symbol(context, "i");
        return SMFIS_CONTINUE;
    });
}

sfsistat onHeader(SMFICTX* context, char* name, char* value) {
    return guarded(context, "header", [&](MilterSession& session) {
        ++session.header_count;
        if (name != nullptr && strcasecmp(name, kMailgateIdHeader) == 0) {
            ++session.forged_id_headers;
        }
        if (name != nullptr && strcasecmp(name, kPolicyStageHeaderName) == 0) {
            session.policy_headers.emplace_back(value ? value : "");
        }
        return SMFIS_CONTINUE;
    });
}

sfsistat onBody(SMFICTX* context, unsigned char* chunk, size_t size) {
    (void)chunk;
    return guarded(context, "body", [&](MilterSession& session) {
        session.body_bytes += size;
        return SMFIS_CONTINUE;
    });
}

sfsistat onEndOfMessage(SMFICTX* context) {
    return guarded(context, "eom", [&](MilterSession& session) {
        if (session.queue_id.empty()) {
            session.queue_id = symbol(context, "i");
        }
        // Copies of our header that arrived from outside are removed before ours is added,
        // so downstream filters can trust it.
        for (int index = session.forged_id_headers; index >= 1; --index) {
            if (smfi_chgheader(context, const_cast<char*>(kMailgateIdHeader), index, nullptr) !=
                MI_SUCCESS) {
                throw std::runtime_error("cannot remove a forged X-Mailgate-Id header");
            }
        }
        if (smfi_addheader(context, const_cast<char*>(kMailgateIdHeader),
                           session.mailgate_id.data()) != MI_SUCCESS) {
            throw std::runtime_error("cannot add the X-Mailgate-Id header");
        }
        PolicyStageReading stage = applyPolicyStageHeaders(context, session);
        installedContext->logger.info(
            LogLine("message_decision")
                .add("queue_id", session.queue_id)
                .add("mailgate_id", session.mailgate_id)
                .add("client_address", session.client_address)
                .add("client_name", session.client_name)
                .add("helo_name", session.helo)
                .add("sender", session.sender)
                .add("recipients", static_cast<std::int64_t>(session.recipients.size()))
                .add("headers", session.header_count)
                .add("body_bytes", session.body_bytes)
                .add("removed_forged_headers", session.forged_id_headers)
                .add("policy_symbols", symbolList(stage.symbols))
                .add("policy_headers_believed", stage.believed)
                .add("policy_headers_refused", stage.refused)
                .add("policy_header_refusal", stage.refusal)
                .add("action", "accept")
                .add("config_generation", session.config ? session.config->generation : 0));
        session.startMessage();
        return SMFIS_CONTINUE;
    });
}

sfsistat onAbort(SMFICTX* context) {
    return guarded(context, "abort", [&](MilterSession& session) {
        session.startMessage();
        return SMFIS_CONTINUE;
    });
}

sfsistat onClose(SMFICTX* context) {
    delete sessionOf(context);
    smfi_setpriv(context, nullptr);
    return SMFIS_CONTINUE;
}

}  // namespace

void installMilterContext(MilterContext* context) {
    installedContext = context;
}

smfiDesc milterDescription() {
    smfiDesc description{};
    description.xxfi_name = const_cast<char*>("mailgate");
    description.xxfi_version = SMFI_VERSION;
    description.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
    description.xxfi_connect = onConnect;
    description.xxfi_helo = onHelo;
    description.xxfi_envfrom = onMailFrom;
    description.xxfi_envrcpt = onRecipient;
    description.xxfi_header = onHeader;
    description.xxfi_eoh = nullptr;
    description.xxfi_body = onBody;
    description.xxfi_eom = onEndOfMessage;
    description.xxfi_abort = onAbort;
    description.xxfi_close = onClose;
    description.xxfi_unknown = nullptr;
    description.xxfi_data = onData;
    description.xxfi_negotiate = nullptr;
    return description;
}

}  // namespace mailgate
