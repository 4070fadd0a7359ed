// MilterProtocolCorpus: the messages the milter benchmark client and the SMTP corpus
// sender feed, read once before the clock starts: .eml files of directories (recursively,
// by file name suffix), files named in list files (one path a line), or both. A leading
// mbox "From " line is dropped and every line ends in CRLF, as an MTA hands a message
// on. Each message is kept as the header fields a milter receives (name, value with
// folded lines joined by "\n", as Postfix sends them) plus the body, and as the DATA
// text an SMTP client sends (dot-stuffed). It parses no MIME and never changes content.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace mailgate::bench {

struct CorpusHeader {
    std::string name;
    std::string value;  // after the colon, folded lines joined by "\n"
};

struct CorpusMessage {
    std::string path;
    std::vector<CorpusHeader> headers;
    std::string body;      // CRLF lines
    std::string smtpData;  // the whole message, dot-stuffed, without the final "."
};

namespace corpus_detail {

// Lines without their terminator (LF or CRLF), the mbox "From " line dropped.
inline std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    if (!lines.empty() && lines.front().starts_with("From ")) {
        lines.erase(lines.begin());
    }
    return lines;
}

// Postfix's is_header(): printable characters but ':' and blanks, blanks, then ':'.
inline std::size_t headerNameLength(std::string_view line) {
    std::size_t length = 0;
    while (length < line.size() && line[length] > ' ' && line[length] < 127 &&
           line[length] != ':') {
        ++length;
    }
    std::size_t colon = length;
    while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t')) {
        ++colon;
    }
    return length > 0 && colon < line.size() && line[colon] == ':' ? length : 0;
}

inline void addHeaderLine(CorpusMessage& message, std::string_view line, std::size_t nameLength) {
    std::string_view value = line.substr(line.find(':', nameLength) + 1);
    message.headers.push_back({std::string(line.substr(0, nameLength)), std::string(value)});
}

// Header fields up to the first empty line (consumed) or the first line that is neither a
// field nor a continuation (which starts the body, as in Postfix); the rest is the body.
inline void splitMessage(CorpusMessage& message, const std::vector<std::string_view>& lines) {
    std::size_t index = 0;
    for (; index < lines.size(); ++index) {
        std::string_view line = lines[index];
        if (line.empty()) {
            ++index;
            break;
        }
        bool continuation = line.front() == ' ' || line.front() == '\t';
        if (continuation && !message.headers.empty()) {
            message.headers.back().value.append("\n").append(line);
        } else if (auto nameLength = headerNameLength(line); nameLength > 0 && !continuation) {
            addHeaderLine(message, line, nameLength);
        } else {
            break;
        }
    }
    for (; index < lines.size(); ++index) {
        message.body.append(lines[index]).append("\r\n");
    }
}

inline std::string smtpDataOf(const std::vector<std::string_view>& lines) {
    std::string data;
    for (auto line : lines) {
        data.append(line.starts_with('.') ? "." : "").append(line).append("\r\n");
    }
    return data;
}

inline bool readFile(const std::filesystem::path& path, std::string& text) {
    std::ifstream input(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
    return !input.bad() && input.is_open();
}

}  // namespace corpus_detail

// The message in `path`, or false when it cannot be read or holds no line.
inline bool loadCorpusMessage(const std::filesystem::path& path, CorpusMessage& message) {
    std::string text;
    if (!corpus_detail::readFile(path, text)) {
        return false;
    }
    auto lines = corpus_detail::splitLines(text);
    if (lines.empty()) {
        return false;
    }
    message.path = path.string();
    corpus_detail::splitMessage(message, lines);
    message.smtpData = corpus_detail::smtpDataOf(lines);
    return true;
}

// The paths of a corpus: every regular file under each directory whose name ends with
// `suffix` (sorted), then every path named in each list file (in its order).
inline std::vector<std::filesystem::path> corpusPaths(const std::vector<std::string>& directories,
                                                      const std::vector<std::string>& lists,
                                                      std::string_view suffix) {
    std::vector<std::filesystem::path> paths;
    for (const auto& directory : directories) {
        std::vector<std::filesystem::path> found;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(directory)) {
            if (entry.is_regular_file() && entry.path().string().ends_with(suffix)) {
                found.push_back(entry.path());
            }
        }
        std::sort(found.begin(), found.end());
        paths.insert(paths.end(), found.begin(), found.end());
    }
    for (const auto& list : lists) {
        std::ifstream input(list);
        for (std::string line; std::getline(input, line);) {
            if (!line.empty()) {
                paths.emplace_back(line);
            }
        }
    }
    return paths;
}

}  // namespace mailgate::bench
