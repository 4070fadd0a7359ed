// PersonalListStore (C5, docs/features.md): each recipient's own white and black list of senders,
// in Redis (two sets per recipient: "lists:{RECIPIENT}:white" and ":black", entries as
// ListEntry writes them: an address, a domain, "*.domain"), managed with `mailgatectl
// lists` (the web UI later). The content stage reads every recipient's lists of a
// message in one batch (ListsCheck); when Redis does not answer, the error is a value and
// the message is judged without them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/checks/lists/ListEntry.hpp"
#include "gateway/store/RedisConnection.hpp"

namespace mailgate {

struct PersonalLists {
    std::vector<ListEntry> white;
    std::vector<ListEntry> black;
};

enum class PersonalListKind { White, Black };

class PersonalListStore {
  public:
    explicit PersonalListStore(RedisConnection& redis) : redis_(redis) {}

    Result<PersonalLists> load(std::string_view recipient);
    Result<std::vector<std::string>> entries(std::string_view recipient, PersonalListKind kind);
    // The entry is checked first; returns whether it was new (add) or there (remove).
    Result<bool> add(std::string_view recipient, PersonalListKind kind, std::string_view entry);
    Result<bool> remove(std::string_view recipient, PersonalListKind kind, std::string_view entry);
    // Every recipient that has a list, from a SCAN.
    Result<std::vector<std::string>> recipients();

    // "lists:{bob@example.test}:white" (without the key prefix).
    static std::string keyName(std::string_view recipient, PersonalListKind kind);
    // The one command that reads both lists of a recipient (keys with the prefix), for
    // load() and for the content stage's batch of reads, and what its answer says.
    static std::vector<std::string> loadCommand(std::string whiteKey, std::string blackKey);
    static Result<PersonalLists> listsFromReply(const Result<RedisReply>& reply);

  private:
    RedisConnection& redis_;
};

}  // namespace mailgate
