// localHostName: this host's name as gethostname() gives it, "localhost" when it gives
// none. SPF's receiver name and greylisting's X-Greylist header use it. It asks no DNS.
#pragma once

#include <unistd.h>

#include <string>

namespace mailgate {

inline std::string localHostName() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

}  // namespace mailgate
