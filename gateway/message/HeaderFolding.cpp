// Safe, folded header values (see HeaderFolding.hpp).
#include "gateway/message/HeaderFolding.hpp"

namespace mailgate {

std::string foldHeaderValue(std::string_view value, std::size_t nameLength, std::size_t width) {
    std::string clean;
    clean.reserve(value.size());
    for (char c : value) {
        clean += (c == '\r' || c == '\n' || c == '\0') ? ' ' : c;
    }
    std::string out;
    std::size_t line = nameLength + 2;  // "Name: "
    std::size_t start = 0;
    while (start < clean.size()) {
        // The next word: up to and including a comma, or up to the next blank.
        std::size_t end = start;
        while (end < clean.size() && clean[end] != ' ' && clean[end] != ',') {
            ++end;
        }
        if (end < clean.size() && clean[end] == ',') {
            ++end;
        }
        std::string_view word(clean.data() + start, end - start);
        if (line + word.size() > width && line > 1 && !out.empty()) {
            out += "\n\t";
            line = 1;
            while (!word.empty() && word.front() == ' ') {
                word.remove_prefix(1);
            }
        }
        out += word;
        line += word.size();
        start = end;
        if (start < clean.size() && clean[start] == ' ') {
            out += ' ';
            ++line;
            ++start;
        }
    }
    return out;
}

}  // namespace mailgate
