// Lookups on a parsed message (see Message.hpp).
#include "gateway/message/Message.hpp"

#include <strings.h>

namespace mailgate {
namespace {

bool sameName(const std::string& name, std::string_view wanted) {
    return name.size() == wanted.size() &&
           strncasecmp(name.data(), wanted.data(), wanted.size()) == 0;
}

}  // namespace

std::vector<const MessageHeader*> Message::headersNamed(std::string_view name) const {
    std::vector<const MessageHeader*> found;
    for (const auto& header : headers) {
        if (sameName(header.name, name)) {
            found.push_back(&header);
        }
    }
    return found;
}

const MessageHeader* Message::firstHeader(std::string_view name) const {
    for (const auto& header : headers) {
        if (sameName(header.name, name)) {
            return &header;
        }
    }
    return nullptr;
}

bool Message::hasDefect(std::string_view code) const {
    for (const auto& defect : defects) {
        if (defect.code == code) {
            return true;
        }
    }
    return false;
}

}  // namespace mailgate
