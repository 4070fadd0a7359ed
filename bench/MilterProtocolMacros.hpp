// MilterProtocolMacros: the macros mailgate_milter_bench sends before each milter event,
// as Postfix 3.x does: per stage, the milter's own list when it gave one at negotiation
// (smfi_setsymlist), otherwise Postfix's default milter_*_macros; only macros with a value
// go out (no TLS, no AUTH here), in one SMFIC_MACRO packet per event. Headers and body
// chunks get none: libmilter keeps macros only for the commands of its own stages. It
// holds names and computes values; it does no I/O.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "MilterProtocol.hpp"

namespace mailgate::bench {

// What the MTA says about the client and itself, the same for every message.
struct MtaIdentity {
    std::string clientAddress;
    std::string clientName;
    std::string helo;
    std::string sender;
    std::vector<std::string> recipients;
};

// The values of one moment of a session.
struct MtaMacroValues {
    const MtaIdentity& identity;
    std::string_view queueId;
    std::string_view recipient;  // the RCPT in progress

    std::string value(std::string_view name) const {
        if (name == "i") {
            return std::string(queueId);
        }
        if (name == "j") {
            return "gateway.mailgate.test";
        }
        if (name == "v") {
            return "Postfix 3.7";
        }
        if (name == "_") {
            return identity.clientName + " [" + identity.clientAddress + "]";
        }
        if (name == "{daemon_name}") {
            return "mailgate_milter_bench";
        }
        if (name == "{daemon_addr}") {
            return "127.0.0.1";
        }
        return clientOrEnvelopeValue(name);
    }

  private:
    std::string clientOrEnvelopeValue(std::string_view name) const {
        if (name == "{client_addr}") {
            return identity.clientAddress;
        }
        if (name == "{client_name}" || name == "{client_ptr}") {
            return identity.clientName;
        }
        if (name == "{mail_addr}") {
            return identity.sender;
        }
        if (name == "{rcpt_addr}") {
            return std::string(recipient);
        }
        return name == "{rcpt_mailer}" || name == "{mail_mailer}" ? "smtp" : "";
    }
};

class MtaMacros {
  public:
    MtaMacros() { reset(); }

    // Postfix 3.x's defaults.
    void reset() {
        names_ = {split("j {daemon_name} {daemon_addr} v _"),
                  split("{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}"),
                  split("i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} "
                        "{mail_mailer}"),
                  split("i {rcpt_addr} {rcpt_host} {rcpt_mailer}"),
                  split("i"),
                  split("i"),
                  split("i")};
    }

    // The lists that follow the three numbers of the milter's negotiation reply: a stage
    // number and a NUL-terminated, space-separated list of names, repeated. False when
    // they are malformed.
    bool readSymbolLists(MilterDataReader& reader) {
        while (!reader.empty()) {
            auto stage = reader.uint32();
            auto names = reader.string();
            if (!stage || !names) {
                return false;
            }
            if (*stage < kMacroStages) {
                names_[*stage] = split(*names);
            }
        }
        return true;
    }

    // Appends SMFIC_MACRO for `command` with the stage's macros that have a value.
    void append(std::string& output, char command, MacroStage stage,
                const MtaMacroValues& values) const {
        std::string data(1, command);
        for (const auto& name : names_[static_cast<std::size_t>(stage)]) {
            if (auto value = values.value(name); !value.empty()) {
                appendMilterString(data, name);
                appendMilterString(data, value);
            }
        }
        if (data.size() > 1) {
            appendMilterPacket(output, smfic::macro, data);
        }
    }

  private:
    static std::vector<std::string> split(std::string_view names) {
        std::vector<std::string> words;
        while (!names.empty()) {
            auto end = names.find(' ');
            if (end != 0) {
                words.emplace_back(names.substr(0, end));
            }
            names.remove_prefix(end == std::string_view::npos ? names.size() : end + 1);
        }
        return words;
    }

    std::array<std::vector<std::string>, kMacroStages> names_;
};

}  // namespace mailgate::bench
