// ContentCheck: the shape every check of the content stage has (global and personal
// lists, header syntax, broken MIME, rules, the auto-whitelist; later phrases, Bayes,
// ClamAV). A check may name the store reads it needs for a message (prefetch), which the
// transaction sends together, pipelined, with one wait; then run() reads the message and
// what earlier checks found and adds its own findings to the transaction. Built once per
// config snapshot by its factory in the check registry, immutable, so one instance serves
// every libmilter thread. It knows nothing of libmilter and never throws.
#pragma once

#include <string_view>

#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/message/Message.hpp"

namespace mailgate {

class ContentTransaction;
class RedisBatch;

class ContentCheck {
  public:
    virtual ~ContentCheck() = default;
    virtual std::string_view name() const = 0;
    // Adds the store reads this check needs for the message to the one batch the
    // transaction sends before any check runs. Most checks need none.
    virtual void prefetch(ContentTransaction&, RedisBatch&) const {}
    virtual void run(ContentTransaction& transaction) const = 0;
};

// A content check that reads only the parsed message (header syntax, broken MIME): its
// symbols count for every recipient, and its reject is the whole message's.
class MessageCheck : public ContentCheck {
  public:
    virtual CheckOutcome check(const Message& message) const = 0;
    void run(ContentTransaction& transaction) const override;
};

}  // namespace mailgate
