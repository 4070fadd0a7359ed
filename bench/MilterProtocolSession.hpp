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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "MilterProtocol.hpp"
#include "MilterProtocolCorpus.hpp"
#include "MilterProtocolReport.hpp"
#include "MilterProtocolSocket.hpp"

namespace mailgate::bench {

// What the MTA says about the client and itself, the same for every message.
struct MtaIdentity {
    std::string clientAddress;
    std::string clientName;
    std::string helo;
    std::string sender;
    std::vector<std::string> recipients;
};

struct MilterOutcome {
    std::string result;  // accept, continue, discard, reject, tempfail, replycode_5xx, ...
    std::string error;   // set when the connection failed; `result` is then empty
};

class MilterProtocolSession {
  public:
    MilterProtocolSession(const BenchAddress& address, double timeoutSeconds, bool noDelay,
                          const MtaIdentity& identity)
        : address_(address), timeoutSeconds_(timeoutSeconds), noDelay_(noDelay),
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
    void readSymbolLists(MilterDataReader& reader);
    std::optional<Decision> event(char command, std::optional<MacroStage> stage,
                                  std::string_view data, std::uint32_t notWanted,
                                  std::uint32_t noReply, NamedCounts& details);
    Decision awaitDecision(bool endOfMessage, NamedCounts& details);
    std::optional<Decision> sendEnvelope(NamedCounts& details);
    std::optional<Decision> sendContent(const CorpusMessage& message, NamedCounts& details);
    std::optional<Decision> sendBody(std::string_view body, NamedCounts& details);
    void appendMacros(char command, MacroStage stage);
    std::string macroValue(std::string_view name) const;
    void countModification(char command, NamedCounts& details) const;
    static std::string resultName(const Decision& decision);
    std::pair<char, std::string> readPacket();
    void flush();
    void fail(std::string kind) { throw Failure{std::move(kind)}; }
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
    std::array<std::vector<std::string>, kMacroStages> macroNames_;
    std::optional<Decision> connectionDecision_;  // accept or refusal at connect/HELO
    std::string output_;
    std::string input_;
    std::string queueId_;
    std::string recipient_;  // the one RCPT in progress, for {rcpt_addr}
};

}  // namespace mailgate::bench
