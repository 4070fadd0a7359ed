// AutoWhitelistCheck (C6, docs/features.md): SpamAssassin's auto-whitelist as the content
// stage's post-filter. The sender's history (count and total score for the sender address
// and the client's network) is read in the message's one batch of store reads; once the
// other checks have scored the message, its score moves toward the sender's mean
// (symbol AWL), and the message's own score, before that adjustment, is added to the
// history without waiting for Redis. Whitelisted mail, whose score says nothing about the
// sender, is neither adjusted nor learnt; neither is a `mailgatectl scan` unless asked.
#pragma once

#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class AutoWhitelistCheck final : public ContentCheck {
  public:
    explicit AutoWhitelistCheck(const AwlSettings& settings) : settings_(settings) {}

    std::string_view name() const override { return "awl"; }
    void prefetch(ContentTransaction& transaction, RedisBatch& batch) const override;
    void run(ContentTransaction& transaction) const override;

  private:
    AwlSettings settings_;
};

CheckDescriptor autoWhitelistCheckDescriptor();

}  // namespace mailgate
