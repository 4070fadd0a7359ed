// MilterProtocolSession: one MTA-side milter connection of mailgate_milter_bench, played
// the way Postfix 3.x plays it (protocol version 6): option negotiation offering every
// action and step, then per message MAIL, RCPT, DATA, each header, end of headers, body
// chunks of at most 65535 bytes and end of message, each preceded by its stage's macros
// (Postfix's default lists, or those the milter asked for). Events the milter declined
// are not sent; events it will not answer (SMFIP_NR_*) are queued without waiting, and
// queued bytes go out in one write when a reply is due. At end of message it reads
// modification replies (addheader, insheader, chgheader, ...) until the decision. It
// applies no modification to anything and keeps no statistics beyond the counts it is
// handed; a failure ends the connection and is returned as an error kind, never thrown.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "MilterProtocol.hpp"
#include "MilterProtocolCorpus.hpp"
#include "MilterProtocolMacros.hpp"
#include "MilterProtocolReport.hpp"
#include "MilterProtocolSocket.hpp"

namespace mailgate::bench {

struct MilterOutcome {
    std::string result;  // accept, continue, discard, reject, tempfail, replycode_5xx, ...
    std::string error;   // set when the connection failed; `result` is then empty
};

class MilterProtocolSession {
  public:
    MilterProtocolSession(const BenchAddress& address, double timeoutSeconds, bool noDelay,
                          const MtaIdentity& identity)
        : address_(address),
          timeoutSeconds_(timeoutSeconds),
          noDelay_(noDelay),
          identity_(identity) {}
    ~MilterProtocolSession() { closeSocket(); }
    MilterProtocolSession(const MilterProtocolSession&) = delete;
    MilterProtocolSession& operator=(const MilterProtocolSession&) = delete;

    bool isOpen() const { return fd_ >= 0; }

    // Connects, negotiates and sends connect and HELO; an error kind, or empty.
    std::string open(NamedCounts& details);
    // One message through the milter; `details` counts modifications and early decisions.
    MilterOutcome deliver(const CorpusMessage& message, std::string_view queueId,
                          NamedCounts& details);
    // Sends QUIT and closes.
    void quit();
    // The negotiated protocol steps, for the report.
    std::uint32_t steps() const { return steps_; }
    std::uint32_t actions() const { return actions_; }

  private:
    struct Failure {
        std::string kind;
    };
    struct Decision {
        char command = smfir::continueProcessing;
        std::string text;  // the reply of SMFIR_REPLYCODE
    };

    void negotiate();
    Decision event(char command, std::optional<MacroStage> stage, std::string_view data,
                   std::uint32_t notWanted, std::uint32_t noReply, NamedCounts& details);
    Decision awaitDecision(bool endOfMessage, NamedCounts& details);
    std::optional<Decision> sendEnvelope(std::string& stage, NamedCounts& details);
    std::optional<Decision> sendContent(const CorpusMessage& message, std::string& stage,
                                        NamedCounts& details);
    std::optional<Decision> sendBody(std::string_view body, NamedCounts& details);
    void countModification(char command, NamedCounts& details) const;
    static std::string resultName(const Decision& decision);
    std::pair<char, std::string> readPacket();
    void flush();
    [[noreturn]] void fail(std::string kind) { throw Failure{std::move(kind)}; }
    void closeSocket() {
        if (fd_ >= 0) {
            close(fd_);
            fd_ = -1;
        }
    }

    BenchAddress address_;
    double timeoutSeconds_;
    bool noDelay_;
    const MtaIdentity& identity_;
    int fd_ = -1;
    std::uint32_t actions_ = 0;
    std::uint32_t steps_ = 0;
    MtaMacros macros_;
    std::optional<Decision> connectionDecision_;  // accept or refusal at connect/HELO
    std::string output_;
    std::string input_;
    std::string queueId_;
    std::string recipient_;  // the one RCPT in progress, for {rcpt_addr}
};

namespace milter_session_detail {

inline bool endsMessage(char command) {
    return command != smfir::continueProcessing && command != smfir::skip;
}

inline std::string cString(std::string_view text) {
    std::string data;
    appendMilterString(data, text);
    return data;
}

}  // namespace milter_session_detail

namespace detail = milter_session_detail;

inline std::string MilterProtocolSession::open(NamedCounts& details) {
    try {
        closeSocket();
        output_.clear();
        input_.clear();
        connectionDecision_.reset();
        fd_ = connectBenchSocket(address_, timeoutSeconds_, noDelay_);
        if (fd_ < 0) {
            fail("connect");
        }
        negotiate();
        std::string data = detail::cString(identity_.clientName);
        bool ipv6 = identity_.clientAddress.find(':') != std::string::npos;
        data.push_back(ipv6 ? '6' : '4');
        data.append("\xc3\x50", 2);  // client port 50000, network order
        appendMilterString(data, identity_.clientAddress);
        Decision decision = event(smfic::connect, MacroStage::connect, data, smfip::noConnect,
                                  smfip::noReplyConnect, details);
        if (!detail::endsMessage(decision.command)) {
            decision = event(smfic::helo, MacroStage::helo, detail::cString(identity_.helo),
                             smfip::noHelo, smfip::noReplyHelo, details);
        }
        if (detail::endsMessage(decision.command)) {
            connectionDecision_ = decision;
            details.add("decided_at_connect:" + resultName(decision));
        }
        return {};
    } catch (const Failure& failure) {
        closeSocket();
        return failure.kind;
    }
}

inline void MilterProtocolSession::negotiate() {
    std::string offer;
    appendMilterUint32(offer, kMilterVersion);
    appendMilterUint32(offer, kAllMilterActions);
    appendMilterUint32(offer, smfip::all);
    appendMilterPacket(output_, smfic::optionNegotiation, offer);
    flush();
    auto [command, data] = readPacket();
    MilterDataReader reader(data);
    auto version = reader.uint32();
    auto actions = reader.uint32();
    auto steps = reader.uint32();
    if (command != smfic::optionNegotiation || !version || !actions || !steps) {
        fail("negotiation");
    }
    if (*version < 2 || *version > kMilterVersion || (*actions & ~kAllMilterActions) != 0) {
        fail("negotiation_mismatch");
    }
    actions_ = *actions;
    steps_ = *steps;
    macros_.reset();
    if (!macros_.readSymbolLists(reader)) {
        fail("negotiation_macros");
    }
}

// Queues one event (after its macros, which go even when the event does not) and, unless
// the milter declined it or will not reply to it, waits for the milter's decision.
inline MilterProtocolSession::Decision MilterProtocolSession::event(
    char command, std::optional<MacroStage> stage, std::string_view data, std::uint32_t notWanted,
    std::uint32_t noReply, NamedCounts& details) {
    if (stage) {
        macros_.append(output_, command, *stage, {identity_, queueId_, recipient_});
    }
    if ((steps_ & notWanted) != 0) {
        return {};
    }
    appendMilterPacket(output_, command, data);
    if ((steps_ & noReply) != 0) {
        if (output_.size() >= kMilterChunkSize) {
            flush();
        }
        return {};
    }
    return awaitDecision(command == smfic::endOfBody, details);
}

inline void MilterProtocolSession::countModification(char command, NamedCounts& details) const {
    switch (command) {
        case smfir::addHeader:
            details.add("addheader");
            break;
        case smfir::insertHeader:
            details.add("insheader");
            break;
        case smfir::changeHeader:
            details.add("chgheader");
            break;
        case smfir::quarantine:
            details.add("quarantine");
            break;
        case smfir::addRecipient:
        case smfir::addRecipientWithArguments:
            details.add("addrcpt");
            break;
        case smfir::deleteRecipient:
            details.add("delrcpt");
            break;
        case smfir::changeSender:
            details.add("chgfrom");
            break;
        default:
            details.add("replbody");
            break;
    }
}

// Replies up to the decision: progress is skipped, modifications (end of message only)
// are counted.
inline MilterProtocolSession::Decision MilterProtocolSession::awaitDecision(bool endOfMessage,
                                                                            NamedCounts& details) {
    flush();
    while (true) {
        auto [command, data] = readPacket();
        switch (command) {
            case smfir::progress:
                continue;
            case smfir::continueProcessing:
            case smfir::accept:
            case smfir::reject:
            case smfir::tempfail:
            case smfir::discard:
            case smfir::skip:
            case smfir::shutdown:
            case smfir::connectionFailure:
                return {command, {}};
            case smfir::replyCode:
                return {command, data};
            case smfir::addHeader:
            case smfir::insertHeader:
            case smfir::changeHeader:
            case smfir::quarantine:
            case smfir::addRecipient:
            case smfir::addRecipientWithArguments:
            case smfir::deleteRecipient:
            case smfir::changeSender:
            case smfir::replaceBody:
                if (!endOfMessage) {
                    fail("modification_before_end_of_message");
                }
                countModification(command, details);
                continue;
            default:
                fail("unknown_reply");
        }
    }
}

inline std::pair<char, std::string> MilterProtocolSession::readPacket() {
    bool timedOut = false;
    auto need = [&](std::size_t bytes) {
        while (input_.size() < bytes) {
            if (!readSome(fd_, input_, timedOut)) {
                fail(timedOut ? "timeout" : "connection_closed");
            }
        }
    };
    need(4);
    std::uint32_t length = readMilterUint32(input_);
    if (length < 1 || length > (1u << 24)) {
        fail("bad_packet_length");
    }
    need(4 + static_cast<std::size_t>(length));
    std::pair<char, std::string> packet{input_[4], input_.substr(5, length - 1)};
    input_.erase(0, 4 + static_cast<std::size_t>(length));
    return packet;
}

inline void MilterProtocolSession::flush() {
    if (!output_.empty() && !writeAll(fd_, output_)) {
        fail("write");
    }
    output_.clear();
}

inline std::string MilterProtocolSession::resultName(const Decision& decision) {
    switch (decision.command) {
        case smfir::accept:
            return "accept";
        case smfir::continueProcessing:
            return "continue";
        case smfir::discard:
            return "discard";
        case smfir::reject:
            return "reject";
        case smfir::tempfail:
            return "tempfail";
        case smfir::shutdown:
            return "shutdown";
        case smfir::connectionFailure:
            return "connection_failure";
        case smfir::replyCode:
            return "replycode_" + jsonSafe(decision.text.substr(0, 1)) + "xx";
        default:
            return "skip";
    }
}

// MAIL and RCPT; a decision that ends the message, with the stage it came at, or none.
inline std::optional<MilterProtocolSession::Decision> MilterProtocolSession::sendEnvelope(
    std::string& stage, NamedCounts& details) {
    stage = "mail";
    Decision decision =
        event(smfic::mail, MacroStage::mail, detail::cString("<" + identity_.sender + ">"),
              smfip::noMail, smfip::noReplyMail, details);
    if (detail::endsMessage(decision.command)) {
        return decision;
    }
    stage = "rcpt";
    std::optional<Decision> refusal;
    std::size_t refused = 0;
    for (const auto& recipient : identity_.recipients) {
        recipient_ = recipient;
        decision =
            event(smfic::recipient, MacroStage::recipient, detail::cString("<" + recipient + ">"),
                  smfip::noRecipient, smfip::noReplyRecipient, details);
        if (decision.command == smfir::accept || decision.command == smfir::discard) {
            return decision;  // the whole message, as Postfix takes it
        }
        if (detail::endsMessage(decision.command)) {  // only this recipient
            details.add("refused_recipients");
            refusal = decision;
            ++refused;
        }
    }
    if (refused == identity_.recipients.size()) {
        return refusal;
    }
    return std::nullopt;
}

inline std::optional<MilterProtocolSession::Decision> MilterProtocolSession::sendBody(
    std::string_view body, NamedCounts& details) {
    while (!body.empty()) {
        auto chunk = body.substr(0, kMilterChunkSize);
        body.remove_prefix(chunk.size());
        Decision decision =
            event(smfic::body, std::nullopt, chunk, smfip::noBody, smfip::noReplyBody, details);
        if (decision.command == smfir::skip) {
            break;
        }
        if (detail::endsMessage(decision.command)) {
            return decision;
        }
    }
    return std::nullopt;
}

// DATA, the header fields, end of headers and the body; a decision that ends the message
// before its end, with the stage it came at, or none.
inline std::optional<MilterProtocolSession::Decision> MilterProtocolSession::sendContent(
    const CorpusMessage& message, std::string& stage, NamedCounts& details) {
    stage = "data";
    Decision decision =
        event(smfic::data, MacroStage::data, {}, smfip::noData, smfip::noReplyData, details);
    if (detail::endsMessage(decision.command)) {
        return decision;
    }
    stage = "header";
    bool leadingSpace = (steps_ & smfip::headerLeadingSpace) != 0;
    for (const auto& header : message.headers) {
        std::string_view value = header.value;
        if (!leadingSpace && value.starts_with(' ')) {
            value.remove_prefix(1);  // Sendmail eats one space after the colon
        }
        std::string data = detail::cString(header.name);
        appendMilterString(data, value);
        decision = event(smfic::header, std::nullopt, data, smfip::noHeaders, smfip::noReplyHeader,
                         details);
        if (detail::endsMessage(decision.command)) {
            return decision;
        }
    }
    stage = "eoh";
    decision = event(smfic::endOfHeaders, MacroStage::endOfHeaders, {}, smfip::noEndOfHeaders,
                     smfip::noReplyEndOfHeaders, details);
    if (detail::endsMessage(decision.command)) {
        return decision;
    }
    stage = "body";
    return sendBody(message.body, details);
}

inline MilterOutcome MilterProtocolSession::deliver(const CorpusMessage& message,
                                                    std::string_view queueId,
                                                    NamedCounts& details) {
    try {
        if (connectionDecision_) {
            return {resultName(*connectionDecision_), {}};
        }
        queueId_ = std::string(queueId);
        std::string stage;
        auto early = sendEnvelope(stage, details);
        if (!early) {
            early = sendContent(message, stage, details);
        }
        if (early) {
            details.add("decided_at_" + stage + ":" + resultName(*early));
            appendMilterPacket(output_, smfic::abort, {});  // goes out with the next command
            return {resultName(*early), {}};
        }
        Decision decision = event(smfic::endOfBody, MacroStage::endOfMessage, {}, 0, 0, details);
        return {resultName(decision), {}};
    } catch (const Failure& failure) {
        closeSocket();
        return {{}, failure.kind};
    }
}

inline void MilterProtocolSession::quit() {
    if (fd_ < 0) {
        return;
    }
    appendMilterPacket(output_, smfic::quit, {});
    writeAll(fd_, output_);
    output_.clear();
    closeSocket();
}

}  // namespace mailgate::bench
