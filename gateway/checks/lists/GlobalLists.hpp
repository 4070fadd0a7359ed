// GlobalLists (C4, docs/features.md): the administrator's white and black lists of one snapshot.
// "from:" entries judge the envelope sender, "client:" entries the client address (both
// about the whole message), "to:" entries each recipient. A whitelisted message skips the
// anti-spam checks (not, later, the antivirus); a blacklisted one is spam. Because
// senders are easy to forge, a "from:" whitelist entry counts only when SPF passed for
// the sender (lists.whitelist_from_needs_spf). White wins over black.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/lists/ListEntry.hpp"
#include "gateway/config/Config.hpp"
#include "gateway/message/Message.hpp"

namespace mailgate {

struct ListFinding {
    bool whitelisted = false;
    bool blacklisted = false;
    std::string entry;                  // the entry that decided, for the symbol's detail
    bool unverified_whitelist = false;  // a from: entry matched, but SPF did not pass
};

class GlobalLists {
  public:
    // Entries are validated by the loader; one that does not parse is skipped here.
    explicit GlobalLists(const ListSettings& settings);

    ListFinding forMessage(const MessageEnvelope& envelope, bool spfPassed) const;
    ListFinding forRecipient(std::string_view recipient) const;

  private:
    std::vector<ListEntry> white_;
    std::vector<ListEntry> black_;
    bool from_needs_spf_ = true;
};

// The verdict of one list for one sender (personal lists: both are about the sender).
ListFinding judgeSender(const std::vector<ListEntry>& white, const std::vector<ListEntry>& black,
                        std::string_view sender);

}  // namespace mailgate
