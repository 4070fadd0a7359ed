// ListsCheck (C4, C5, docs/features.md): the global white and black lists and each
// recipient's personal ones, as the content stage's first pre-filter. Every recipient's
// personal lists are read in the message's one batch of store reads; a "from:" or
// "client:" global whitelist entry spares the message the filters; then each recipient is
// classified by the first list that decides for it: its own lists, then the global ones
// (any whitelist entry, "to:" ones included, wins over any blacklist entry). When Redis
// does not answer, every recipient is judged without personal lists (all or none, so
// recipients of one message are judged alike) and the failure is noted.
#pragma once

#include "gateway/checks/lists/GlobalLists.hpp"
#include "gateway/engine/CheckRegistry.hpp"
#include "gateway/engine/ContentCheck.hpp"

namespace mailgate {

class ListsCheck final : public ContentCheck {
  public:
    explicit ListsCheck(const ListSettings& settings)
        : lists_(settings), personal_(settings.personal) {}

    std::string_view name() const override { return "lists"; }
    void prefetch(ContentTransaction& transaction, RedisBatch& batch) const override;
    void run(ContentTransaction& transaction) const override;

  private:
    GlobalLists lists_;
    bool personal_;
};

CheckDescriptor listsCheckDescriptor();

}  // namespace mailgate
