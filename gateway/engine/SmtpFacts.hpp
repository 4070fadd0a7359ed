// SmtpFacts: what earlier checks established about a transaction that later checks rely
// on, as typed values rather than symbol names: greylisting keys a triplet on the sender
// domain when SPF passed; a "from:" whitelist entry counts only then. The check that
// emits the evidence says what it establishes (CheckDescriptor::read_facts), so no check
// looks for another's symbol by name. Plain data.
#pragma once

namespace mailgate {

struct SmtpFacts {
    bool spf_pass = false;  // SPF passed for the envelope sender's domain
};

}  // namespace mailgate
