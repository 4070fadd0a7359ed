// PolicyLoadRequests: the triplets (client network, sender, recipient) that
// mailgate_policy_load sends and the text of one RCPT-state policy request carrying
// every attribute a Postfix 3.7 smtpd sends for a client on a STARTTLS session.
// `new` makes a triplet nobody has seen (the run's random nonce and the request's
// ticket are in the sender); `repeated` draws from a pool of K triplets that depends
// only on --seed and --client-networks, so a --prime run and a measuring run agree.
// Client addresses are in 198.18.0.0/15 (RFC 2544 benchmarking). It does no I/O.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "PolicyLoadOptions.hpp"

namespace mailgate::bench {

// splitmix64: a fast, well-mixed step; used both as the per-connection random source
// and as the hash that makes pool triplet i from the seed.
inline std::uint64_t mixBits(std::uint64_t value) {
    value += 0x9e3779b97f4a7c15ULL;
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

struct PolicyLoadTriplet {
    std::uint32_t network = 0;  // index of a /24 in 198.18.0.0/15
    std::uint32_t host = 1;     // 1..254
    std::uint64_t senderTag = 0;
    std::uint64_t senderSerial = 0;
    std::uint32_t recipient = 0;  // mailbox number
};

// What differs between two requests for the same triplet (another message).
struct PolicyLoadMessage {
    std::uint64_t runNonce = 0;
    std::uint64_t ticket = 0;
};

class PolicyLoadTriplets {
  public:
    PolicyLoadTriplets(const PolicyLoadOptions& options, std::uint64_t runNonce)
        : options_(options), runNonce_(runNonce) {}

    // The triplet of request number `ticket`; `random` is the connection's state.
    PolicyLoadTriplet forTicket(std::uint64_t ticket, std::uint64_t& random) const {
        if (options_.workload == PolicyLoadWorkload::fresh) {
            return fresh(ticket);
        }
        if (options_.prime) {
            return pooled(ticket);
        }
        random = mixBits(random);
        return pooled(random % static_cast<std::uint64_t>(options_.triplets));
    }

  private:
    std::uint32_t networks() const { return static_cast<std::uint32_t>(options_.clientNetworks); }

    PolicyLoadTriplet fresh(std::uint64_t ticket) const {
        PolicyLoadTriplet triplet;
        triplet.network = static_cast<std::uint32_t>(ticket % networks());
        triplet.host = static_cast<std::uint32_t>(ticket / networks() % 254 + 1);
        triplet.senderTag = runNonce_;
        triplet.senderSerial = ticket;
        triplet.recipient = static_cast<std::uint32_t>(ticket % 1000);
        return triplet;
    }

    PolicyLoadTriplet pooled(std::uint64_t index) const {
        std::uint64_t hash = mixBits(options_.seed ^ mixBits(index));
        PolicyLoadTriplet triplet;
        triplet.network = static_cast<std::uint32_t>(index % networks());
        triplet.host = static_cast<std::uint32_t>(hash % 254 + 1);
        triplet.senderTag = hash >> 24;
        triplet.senderSerial = index;
        triplet.recipient = static_cast<std::uint32_t>((hash >> 8) % 1000);
        return triplet;
    }

    const PolicyLoadOptions& options_;
    std::uint64_t runNonce_;
};

namespace policy_load_detail {

inline void appendNumber(std::string& out, std::uint64_t value, int base = 10) {
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, value, base);
    out.append(digits, result.ptr);
}

inline void appendAttribute(std::string& out, std::string_view name, std::uint64_t value) {
    out.append(name);
    appendNumber(out, value);
    out.push_back('\n');
}

// "198.18.N.H" for network N (0..511) and host H.
inline void appendClientAddress(std::string& out, const PolicyLoadTriplet& triplet) {
    appendNumber(out, 198);
    out.push_back('.');
    appendNumber(out, 18 + triplet.network / 256);
    out.push_back('.');
    appendNumber(out, triplet.network % 256);
    out.push_back('.');
    appendNumber(out, triplet.host);
}

// "mta<H>.net<N>.example": the client's verified, reverse and HELO name alike.
inline void appendClientName(std::string& out, std::string_view name,
                             const PolicyLoadTriplet& triplet) {
    out.append(name);
    out.append("mta");
    appendNumber(out, triplet.host);
    out.append(".net");
    appendNumber(out, triplet.network);
    out.append(".example\n");
}

// Letters first and no word made of digits alone, so that postgrey's sender rewriting
// (digits-only words become '#', +extensions go) keeps every sender distinct.
inline void appendEnvelope(std::string& out, const PolicyLoadTriplet& triplet) {
    out.append("sender=s");
    appendNumber(out, triplet.senderTag, 36);
    out.push_back('x');
    appendNumber(out, triplet.senderSerial, 36);
    out.append("@bulk");
    appendNumber(out, triplet.network);
    out.append(".example\nrecipient=user");
    appendNumber(out, triplet.recipient);
    out.append("@example.test\nrecipient_count=0\n");
}

inline void appendInstance(std::string& out, const PolicyLoadMessage& message) {
    out.append("instance=");
    appendNumber(out, message.runNonce & 0xffffff, 16);
    out.push_back('.');
    appendNumber(out, message.ticket, 16);
    out.append(".0\n");
}

inline constexpr std::string_view sessionAttributes =
    "sasl_method=\nsasl_username=\nsasl_sender=\n";
inline constexpr std::string_view tlsAttributes =
    "ccert_subject=\nccert_issuer=\nccert_fingerprint=\nccert_pubkey_fingerprint=\n"
    "encryption_protocol=TLSv1.3\nencryption_cipher=TLS_AES_256_GCM_SHA384\n"
    "encryption_keysize=256\netrn_domain=\nstress=\n";
inline constexpr std::string_view serverAttributes =
    "policy_context=\nserver_address=192.0.2.25\nserver_port=25\n"
    "compatibility_level=3.6\nmail_version=3.7.11\n\n";

}  // namespace policy_load_detail

// Replaces `out` with the request for `triplet` in message `message`.
inline void writePolicyRequest(std::string& out, const PolicyLoadTriplet& triplet,
                               const PolicyLoadMessage& message) {
    using namespace policy_load_detail;
    out.assign("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n");
    appendClientName(out, "helo_name=", triplet);
    out.append("queue_id=\n");
    appendEnvelope(out, triplet);
    out.append("client_address=");
    appendClientAddress(out, triplet);
    out.push_back('\n');
    appendClientName(out, "client_name=", triplet);
    appendClientName(out, "reverse_client_name=", triplet);
    appendInstance(out, message);
    out.append(sessionAttributes);
    appendAttribute(out, "size=", 2000 + message.ticket * 7919 % 60000);
    out.append(tlsAttributes);
    appendAttribute(out, "client_port=", 1024 + message.ticket % 60000);
    out.append(serverAttributes);
}

}  // namespace mailgate::bench
