// The libmilter callbacks of mailgate-milter (see MilterCallbacks.hpp).
#include "milter/MilterCallbacks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>

#include "gateway/engine/PolicyStageHeader.hpp"
#include "gateway/tracking/MessageTracker.hpp"
#include "gateway/util/AsciiCase.hpp"
#include "milter/MilterSession.hpp"
#include "milter/MilterVerdict.hpp"

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

MilterSession* ensureSession(SMFICTX* context) {
    if (auto* existing = sessionOf(context)) {
        return existing;
    }
    auto* session = new MilterSession();
    if (smfi_setpriv(context, session) != MI_SUCCESS) {
        delete session;
        return nullptr;
    }
    return session;
}

// Asks only for the actions mailgate uses, and for the MTA not to wait for an answer to
// every header and body chunk (one round trip per message fewer); names the macros it
// reads at each stage.
sfsistat onNegotiate(SMFICTX* context, unsigned long offeredActions, unsigned long offeredSteps,
                     unsigned long, unsigned long, unsigned long* actions, unsigned long* steps,
                     unsigned long* unused2, unsigned long* unused3) {
    try {
        MilterSession* session = ensureSession(context);
        if (session == nullptr) {
            return SMFIS_REJECT;  // libmilter: refuse the connection, the MTA tempfails
        }
        // SMFIF_ADDRCPT joins when a check first redirects (the ActionPlan can say so);
        // until then smfi_addrcpt would fail, and the message tempfail, never be lost.
        *actions =
            offeredActions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT | SMFIF_SETSYMLIST);
        *steps = offeredSteps & (SMFIP_NOUNKNOWN | SMFIP_NR_HDR | SMFIP_NR_BODY);
        *unused2 = 0;
        *unused3 = 0;
        session->no_reply_headers = (*steps & SMFIP_NR_HDR) != 0;
        session->no_reply_body = (*steps & SMFIP_NR_BODY) != 0;
        smfi_setsymlist(context, SMFIM_CONNECT,
                        const_cast<char*>("{client_addr} {client_name} {daemon_name} j"));
        smfi_setsymlist(context, SMFIM_ENVFROM, const_cast<char*>("i {auth_authen} {mail_addr}"));
        smfi_setsymlist(context, SMFIM_EOH, const_cast<char*>("i"));
        smfi_setsymlist(context, SMFIM_EOM, const_cast<char*>("i"));
        return SMFIS_CONTINUE;
    } catch (...) {
        return SMFIS_REJECT;
    }
}

sfsistat onConnect(SMFICTX* context, char* hostname, _SOCK_ADDR* address) {
    try {
        MilterSession* session = ensureSession(context);
        if (session == nullptr) {
            return SMFIS_TEMPFAIL;
        }
        session->client_name = hostname ? hostname : "";
        session->client_address = formatAddress(address);
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
        auto& envelope = session.envelope;
        envelope.sender = withoutAngleBrackets(arguments ? arguments[0] : nullptr);
        for (int i = 1; arguments && arguments[0] && arguments[i]; ++i) {
            envelope.smtputf8 = envelope.smtputf8 || strcasecmp(arguments[i], "SMTPUTF8") == 0;
        }
        envelope.authenticated_user = symbol(context, "{auth_authen}");
        envelope.client_address = session.client_address;
        envelope.client_name = session.client_name;
        envelope.helo = session.helo;
        const auto& content = session.config->content;
        session.buffer = std::make_unique<MessageBuffer>(
            static_cast<std::size_t>(content.memory_limit),
            static_cast<std::uint64_t>(content.max_message_size), content.spool_directory);
        return SMFIS_CONTINUE;
    });
}

sfsistat onRecipient(SMFICTX* context, char** arguments) {
    return guarded(context, "rcpt", [&](MilterSession& session) {
        session.envelope.recipients.push_back(
            withoutAngleBrackets(arguments ? arguments[0] : nullptr));
        return SMFIS_CONTINUE;
    });
}

sfsistat onData(SMFICTX* context) {
    return guarded(context, "data", [&](MilterSession& session) {
        session.envelope.queue_id = symbol(context, "i");
        return SMFIS_CONTINUE;
    });
}

void store(MilterSession& session, std::string_view bytes) {
    if (!session.buffer || !session.buffer_error.empty()) {
        return;
    }
    auto stored = session.buffer->append(bytes);
    if (!stored) {
        session.buffer_error = stored.error();
    }
}

// The field as it was in the message: libmilter strips one blank after the colon and
// gives folded lines with bare newlines.
void storeHeader(MilterSession& session, const char* name, const char* value) {
    std::string line = std::string(name) + ": ";
    for (const char* c = value; *c; ++c) {
        if (*c == '\n' && (c == value || c[-1] != '\r')) {
            line += '\r';
        }
        line += *c;
    }
    store(session, line + "\r\n");
}

sfsistat onHeader(SMFICTX* context, char* name, char* value) {
    return guarded(context, "header", [&](MilterSession& session) {
        ++session.header_count;
        // Counted under the spelling we remove it by; Postfix matches names in any case.
        if (auto own = ownHeaderSpelling(name ? name : ""); !own.empty()) {
            ++session.own_headers[std::string(own)];
        }
        if (strcasecmp(name ? name : "", kPolicyStageHeaderName) == 0) {
            session.policy_headers.emplace_back(value ? value : "");
        }
        if (strcasecmp(name ? name : "", "Subject") == 0) {
            session.subject_seen = true;
        }
        storeHeader(session, name ? name : "", value ? value : "");
        return session.no_reply_headers ? SMFIS_NOREPLY : SMFIS_CONTINUE;
    });
}

sfsistat onEndOfHeaders(SMFICTX* context) {
    return guarded(context, "eoh", [&](MilterSession& session) {
        store(session, "\r\n");
        return SMFIS_CONTINUE;
    });
}

sfsistat onBody(SMFICTX* context, unsigned char* chunk, size_t size) {
    return guarded(context, "body", [&](MilterSession& session) {
        session.body_bytes += size;
        store(session, std::string_view(reinterpret_cast<const char*>(chunk), size));
        return session.no_reply_body ? SMFIS_NOREPLY : SMFIS_CONTINUE;
    });
}

// The message through the snapshot's content stage: the same entry point as
// `mailgatectl scan`.
ContentDecision decide(MilterSession& session, const PolicyStageReading& stage) {
    auto contentStage = installedContext->stages.get(session.config);
    ContentInput input;
    input.envelope = session.envelope;
    input.size = session.buffer->size();
    if (session.buffer->inFile()) {
        input.file = session.buffer->path();
    } else {
        input.memory = session.buffer->memory();
    }
    input.policy_symbols = stage.symbols;
    return contentStage->decideNow(std::move(input));
}

// The quarantined recipients' copy written to the spool before the MTA hears anything;
// without a writer, or when it fails, they are tempfailed (the MTA keeps the message).
void holdQuarantined(MilterSession& session, ContentDecision& decision) {
    if (installedContext->quarantine == nullptr) {
        for (const auto& action : decision.plan.recipients) {
            if (action.kind == RecipientActionKind::Quarantine) {
                tempfailQuarantined(decision, "no quarantine in this process");
                return;
            }
        }
        return;
    }
    std::string fromFile;
    std::string_view bytes = session.buffer->memory();
    if (session.buffer->inFile()) {
        std::ifstream input(session.buffer->path(), std::ios::binary);
        fromFile.assign(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
        if (!input.good() && !input.eof()) {
            tempfailQuarantined(decision, "cannot read the spilled message");
            return;
        }
        bytes = fromFile;
    }
    QuarantineHoldRequest request{&session.envelope, session.mailgate_id, bytes};
    installedContext->quarantine->hold(decision, request);
}

// The recipients whose own verdict differs from the delivered copy's, as "rcpt=action".
std::string recipientVerdicts(const ContentDecision& decision) {
    std::string text;
    for (const auto& recipient : decision.recipients) {
        if (recipient.verdict.action != decision.verdict.action ||
            recipient.verdict.spam != decision.verdict.spam) {
            text += (text.empty() ? "" : ",") + recipient.recipient + "=" +
                    verdictActionName(recipient.verdict.action) +
                    (recipient.verdict.spam ? "/spam" : "/ham");
        }
    }
    return text;
}

void logDecision(const MilterSession& session, const PolicyStageReading& stage,
                 const ContentDecision& decision) {
    const Verdict& verdict = decision.verdict;
    int removed = 0;
    for (const auto& [name, count] : session.own_headers) {
        // The policy daemon's own X-Mailgate-Policy is reported by the policy_* fields.
        removed += name == kPolicyStageHeaderName ? 0 : count;
    }
    LogLine line("message_decision");
    line.add("queue_id", session.envelope.queue_id)
        .add("mailgate_id", session.mailgate_id)
        .add("client_address", session.envelope.client_address)
        .add("client_name", session.envelope.client_name)
        .add("helo_name", session.envelope.helo)
        .add("sender", session.envelope.sender)
        .add("recipients", static_cast<std::int64_t>(session.envelope.recipients.size()))
        .add("size", session.buffer ? session.buffer->size() : 0)
        .add("headers", session.header_count)
        .add("body_bytes", session.body_bytes)
        .add("removed_forged_headers", removed)
        .add("policy_symbols", symbolList(stage.symbols))
        .add("policy_headers_believed", stage.believed)
        .add("policy_headers_refused", stage.refused)
        .add("policy_header_refusal", stage.refusal)
        .add("action", messageAnswerName(decision.answer.kind))
        .add("spam", verdict.spam)
        .add("score", formatSpamScore(verdict.score))
        .add("required", formatSpamScore(verdict.required))
        .add("symbols", symbolList(verdict.symbols))
        .add("mime_defects",
             static_cast<std::uint64_t>(decision.message ? decision.message->defects.size() : 0))
        .add("reason", verdict.reason);
    if (verdict.reply) {
        line.add("reply", verdict.reply->toString());
    }
    if (auto differing = recipientVerdicts(decision); !differing.empty()) {
        line.add("recipient_verdicts", differing);
    }
    if (const auto& kept = decision.answer.delivered_instead_of_rejected; !kept.empty()) {
        std::string text;
        for (const auto& recipient : kept) {
            text += (text.empty() ? "" : ",") + recipient;
        }
        line.add("delivered_instead_of_rejected", text);
    }
    if (!decision.store_failures.empty()) {
        line.add("redis_failure", decision.store_failures);
    }
    line.add("config_generation", session.config ? session.config->generation : 0);
    installedContext->logger.info(line);
    if (const auto& tracker = installedContext->services.tracker; tracker && session.config) {
        tracker->recordContentDecision(*session.config, session.envelope, session.mailgate_id,
                                       decision);
    }
}

sfsistat onEndOfMessage(SMFICTX* context) {
    return guarded(context, "eom", [&](MilterSession& session) {
        if (session.envelope.queue_id.empty()) {
            session.envelope.queue_id = symbol(context, "i");
        }
        if (!session.config || !session.buffer) {
            throw std::runtime_error("end of message without MAIL FROM");
        }
        if (!session.buffer_error.empty()) {
            throw std::runtime_error(session.buffer_error);
        }
        const auto& settings = session.config->policy_header;
        PolicyStageReading stage = readPolicyStageHeaders(
            session.policy_headers, settings.secret, session.envelope.client_address,
            session.envelope.sender, unixNow(), settings.max_age_s);
        ContentDecision decision = decide(session, stage);
        holdQuarantined(session, decision);
        ++installedContext->messages_decided;
        sfsistat status = applyDecision(context, session, decision, stage.headers);
        logDecision(session, stage, decision);
        session.startMessage();
        return status;
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
    description.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT;
    description.xxfi_connect = onConnect;
    description.xxfi_helo = onHelo;
    description.xxfi_envfrom = onMailFrom;
    description.xxfi_envrcpt = onRecipient;
    description.xxfi_header = onHeader;
    description.xxfi_eoh = onEndOfHeaders;
    description.xxfi_body = onBody;
    description.xxfi_eom = onEndOfMessage;
    description.xxfi_abort = onAbort;
    description.xxfi_close = onClose;
    description.xxfi_unknown = nullptr;
    description.xxfi_data = onData;
    description.xxfi_negotiate = onNegotiate;
    return description;
}

}  // namespace mailgate
