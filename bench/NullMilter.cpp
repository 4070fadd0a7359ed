// mailgate_null_milter: a libmilter milter that does nothing and accepts every message,
// the baseline bench/milter_content.py puts beside mailgate-milter. It registers the same
// callbacks as mailgate-milter (xxfi_data among them), negotiates like it (no reply to
// each header and body chunk, unless --reply-to-all), and its executable also links
// milter/AcceptWithNoDelay.cpp, so TCP connections get TCP_NODELAY as mailgate's do: a
// comparison with it measures mailgate's own work, not the protocol's round trips. It
// keeps no per-message state, adds no header and logs nothing; its unix socket is made
// writable by all (Postfix's smtpd connects as user postfix).
//
//   mailgate_null_milter --socket unix:/path|inet:PORT@127.0.0.1 [--backlog N] [--reply-to-all]
#include <libmilter/mfapi.h>
#include <sys/stat.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace {

// What one connection negotiated; smfi_setpriv points at one of these two constants.
struct NegotiatedReplies {
    bool headers;
    bool body;
};
constexpr NegotiatedReplies kEveryReply{true, true};
constexpr NegotiatedReplies kNoChunkReplies{false, false};

bool replyToAll = false;  // set once from the command line, before smfi_main

const NegotiatedReplies& repliesOf(SMFICTX* context) {
    const void* replies = smfi_getpriv(context);
    return replies ? *static_cast<const NegotiatedReplies*>(replies) : kEveryReply;
}

sfsistat onNegotiate(SMFICTX* context, unsigned long offeredActions, unsigned long offeredSteps,
                     unsigned long, unsigned long, unsigned long* actions, unsigned long* steps,
                     unsigned long* unused2, unsigned long* unused3) {
    unsigned long wanted = replyToAll ? 0 : (SMFIP_NR_HDR | SMFIP_NR_BODY);
    *actions = offeredActions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
    *steps = offeredSteps & (SMFIP_NOUNKNOWN | wanted);
    *unused2 = 0;
    *unused3 = 0;
    bool noReplies = (*steps & (SMFIP_NR_HDR | SMFIP_NR_BODY)) == (SMFIP_NR_HDR | SMFIP_NR_BODY);
    smfi_setpriv(context,
                 const_cast<NegotiatedReplies*>(noReplies ? &kNoChunkReplies : &kEveryReply));
    return SMFIS_CONTINUE;
}

sfsistat onConnect(SMFICTX*, char*, _SOCK_ADDR*) {
    return SMFIS_CONTINUE;
}
sfsistat onHelo(SMFICTX*, char*) {
    return SMFIS_CONTINUE;
}
sfsistat onMailFrom(SMFICTX*, char**) {
    return SMFIS_CONTINUE;
}
sfsistat onRecipient(SMFICTX*, char**) {
    return SMFIS_CONTINUE;
}
sfsistat onData(SMFICTX*) {
    return SMFIS_CONTINUE;
}
sfsistat onHeader(SMFICTX* context, char*, char*) {
    return repliesOf(context).headers ? SMFIS_CONTINUE : SMFIS_NOREPLY;
}
sfsistat onEndOfHeaders(SMFICTX*) {
    return SMFIS_CONTINUE;
}
sfsistat onBody(SMFICTX* context, unsigned char*, size_t) {
    return repliesOf(context).body ? SMFIS_CONTINUE : SMFIS_NOREPLY;
}
sfsistat onEndOfMessage(SMFICTX*) {
    return SMFIS_ACCEPT;
}
sfsistat onAbort(SMFICTX*) {
    return SMFIS_CONTINUE;
}
sfsistat onClose(SMFICTX* context) {
    smfi_setpriv(context, nullptr);
    return SMFIS_CONTINUE;
}

smfiDesc nullMilterDescription() {
    smfiDesc description{};
    description.xxfi_name = const_cast<char*>("mailgate-null-milter");
    description.xxfi_version = SMFI_VERSION;
    description.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
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
    description.xxfi_data = onData;
    description.xxfi_negotiate = onNegotiate;
    return description;
}

constexpr std::string_view kUsage =
    "usage: mailgate_null_milter --socket unix:/path|inet:PORT@127.0.0.1 [--backlog N] "
    "[--reply-to-all]\n";

}  // namespace

int main(int argc, char** argv) {
    std::string socket;
    int backlog = 128;
    for (int index = 1; index < argc; ++index) {
        std::string_view name = argv[index];
        if (name == "--reply-to-all") {
            replyToAll = true;
        } else if (name == "--socket" && index + 1 < argc) {
            socket = argv[++index];
        } else if (name == "--backlog" && index + 1 < argc) {
            backlog = std::atoi(argv[++index]);
        } else {
            std::cerr << kUsage;
            return 2;
        }
    }
    smfiDesc description = nullMilterDescription();
    if (socket.empty() || smfi_setconn(socket.data()) != MI_SUCCESS ||
        smfi_setbacklog(backlog) != MI_SUCCESS || smfi_register(description) != MI_SUCCESS ||
        smfi_opensocket(true) != MI_SUCCESS) {
        std::cerr << "mailgate_null_milter: cannot listen on " << socket << "\n" << kUsage;
        return 1;
    }
    // Postfix's smtpd runs as user postfix: the socket must be writable by others.
    if (socket.starts_with("unix:") && chmod(socket.c_str() + 5, 0666) != 0) {
        std::cerr << "mailgate_null_milter: cannot chmod " << socket << "\n";
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
