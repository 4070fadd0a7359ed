// PolicyTransaction: what one policy connection remembers between requests about the
// mail transaction in progress. Postfix sends every request of one transaction over the
// same connection with the same "instance" attribute, and a new instance means the
// previous transaction is over. Kept: the recipients let through so far (for the
// recipient limit at RCPT) and the policy-stage header last prepended (so identical
// headers are not prepended once per recipient). Plain data; the decider updates it.
#pragma once

#include <cstdint>
#include <string>

namespace mailgate {

struct PolicyTransaction {
    std::string instance;
    std::uint64_t recipients_let_through = 0;
    std::string prepended_content;  // the signed record's content, without time and HMAC

    // Starts over when `requestInstance` names another transaction.
    void follow(const std::string& requestInstance) {
        if (requestInstance != instance) {
            instance = requestInstance;
            recipients_let_through = 0;
            prepended_content.clear();
        }
    }
};

}  // namespace mailgate
