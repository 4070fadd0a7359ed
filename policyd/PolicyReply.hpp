// PolicyReply: the answer to one policy request, written as Postfix reads it
// ("action=DUNNO" then an empty line). The action text is one line: any CR or LF in a
// reason is replaced so a reply can never be split into two.
#pragma once

#include <string>

namespace mailgate {

struct PolicyReply {
    std::string action = "DUNNO";

    std::string serialize() const {
        std::string line = "action=";
        for (char c : action) {
            line += (c == '\r' || c == '\n') ? ' ' : c;
        }
        return line + "\n\n";
    }
};

}  // namespace mailgate
