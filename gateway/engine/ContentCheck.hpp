// ContentCheck: the shape every check of the content stage has (global and personal
// lists, header syntax, broken MIME, rules, the auto-whitelist, URI DNS lists; later
// phrases, ClamAV). A check may name the store reads it needs for a message (prefetch),
// which the transaction sends together, pipelined, with one wait; a check that needs the
// network (DNS) gathers what it needs for the message (gather), all such checks at once
// and at the same time as the store reads; then run() reads the message, what it gathered
// and what earlier checks found, and adds its own findings to the transaction. Built once
// per config snapshot by its factory in the check registry, immutable, so one instance
// serves every libmilter thread. It knows nothing of libmilter and never throws.
#pragma once

#include <string_view>

#include "gateway/engine/CheckOutcome.hpp"
#include "gateway/message/Message.hpp"
#include "gateway/util/Asio.hpp"

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
    // Network lookups for the message, before any check runs: the content stage starts
    // the gather of every check whose gathers() is true together with the store batch
    // and waits once for all of them. A gather must bound itself (its own deadline under
    // the content stage's budget: lookups not answered by then count as not answered,
    // never as an answer), must not throw, and keeps what it found in the transaction's
    // scratch space for run(). It runs on the transaction's executor (one strand), so it
    // may write the transaction after each co_await. Most checks gather nothing, and the
    // stage then starts no coroutine at all.
    virtual bool gathers() const { return false; }
    virtual boost::asio::awaitable<void> gather(ContentTransaction&) const { co_return; }
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
