// The statistical filter's features (see BayesTokenizer.hpp).
#include "gateway/checks/bayes/BayesTokenizer.hpp"

#include <algorithm>
#include <unordered_set>

#include "gateway/net/PublicSuffix.hpp"
#include "gateway/util/AsciiCase.hpp"

namespace mailgate {
namespace {

bool isWordByte(unsigned char byte) {
    return (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'z') ||
           (byte >= 'A' && byte <= 'Z') || byte >= 0x80;
}

bool isJoiner(char c) {
    return c == '\'' || c == '.' || c == '-';
}

bool allDigits(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word as a feature: numbers by their length only (prices and dates vary), very long
// runs (base64 left in text, hashes) by a coarse length class.
std::string wordFeature(std::string_view word, const BayesTokenizerLimits& limits) {
    if (allDigits(word)) {
        return "#num" + std::to_string(std::min<std::size_t>(word.size(), 12));
    }
    if (word.size() > limits.max_word_bytes) {
        return "#long" + std::to_string(std::min<std::size_t>(word.size() / 8 * 8, 256));
    }
    return lowerCase(word);
}

class FeatureSet {
  public:
    explicit FeatureSet(std::size_t cap) : cap_(cap) {}

    bool full() const { return features_.size() >= cap_; }
    void add(std::string feature) {
        if (!full() && seen_.insert(feature).second) {
            features_.push_back(std::move(feature));
        }
    }
    std::vector<std::string> take() { return std::move(features_); }

  private:
    std::size_t cap_;
    std::unordered_set<std::string> seen_;
    std::vector<std::string> features_;
};

void addWords(FeatureSet& out, std::string_view prefix, std::string_view text,
              const BayesTokenizerLimits& limits) {
    auto words = bayesWords(text, limits);
    for (std::size_t i = 0; i < words.size() && !out.full(); ++i) {
        out.add(std::string(prefix) + words[i]);
        if (!limits.word_pairs) {
            continue;
        }
        // Sparse pairs: this word with each of the next window-1 words, the distance
        // kept, so "click here" and "click ... here" are different features.
        for (std::size_t gap = 1; gap < limits.pair_window && i + gap < words.size(); ++gap) {
            out.add(std::string(prefix) + words[i] + "|" + std::to_string(gap) + "|" +
                    words[i + gap]);
        }
    }
}

std::string_view afterAt(std::string_view address) {
    auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

// The domain of the first address in a header value ("Name <a@b.example>" -> b.example).
std::string addressDomain(std::string_view value) {
    auto open = value.find('<');
    if (open != std::string_view::npos) {
        auto close = value.find('>', open);
        value = value.substr(
            open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
    }
    auto domain = afterAt(value);
    std::size_t end = 0;
    while (end < domain.size() && (isWordByte(static_cast<unsigned char>(domain[end])) ||
                                   domain[end] == '.' || domain[end] == '-')) {
        ++end;
    }
    return lowerCase(domain.substr(0, end));
}

void addDomain(FeatureSet& out, std::string_view prefix, const std::string& domain) {
    if (domain.empty()) {
        out.add(std::string(prefix) + "#none");
        return;
    }
    out.add(std::string(prefix) + domain);
    // The registrable domain too ("mail.shop.co.uk" -> "shop.co.uk"), so mail from a
    // company's many hosts shares one token.
    auto base = registrableDomain(domain);
    if (!base.empty() && base != domain) {
        out.add(std::string(prefix) + base);
    }
}

bool startsWithNoCase(std::string_view text, std::size_t at, std::string_view prefix) {
    if (text.size() - at < prefix.size()) {
        return false;
    }
    return lowerCase(text.substr(at, prefix.size())) == prefix;
}

// Host names of the URLs written in a text ("http://", "https://", "www.").
void addUrlHosts(FeatureSet& out, std::string_view text) {
    for (std::size_t at = 0; at < text.size() && !out.full(); ++at) {
        char c = text[at];
        if (c != 'h' && c != 'H' && c != 'w' && c != 'W') {
            continue;
        }
        std::size_t start = 0;
        if (startsWithNoCase(text, at, "http://")) {
            start = at + 7;
        } else if (startsWithNoCase(text, at, "https://")) {
            start = at + 8;
        } else if (startsWithNoCase(text, at, "www.") &&
                   (at == 0 || !isWordByte(static_cast<unsigned char>(text[at - 1])))) {
            start = at;
        } else {
            continue;
        }
        std::size_t end = start;
        while (end < text.size() && end - start < 253 &&
               (isWordByte(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                text[end] == '-')) {
            ++end;
        }
        std::string host = lowerCase(text.substr(start, end - start));
        while (!host.empty() && host.back() == '.') {
            host.pop_back();
        }
        if (host.find('.') != std::string::npos) {
            addDomain(out, "u:", host);
        }
        at = end > at ? end - 1 : at;
    }
}

// The mail client's name without its version ("Microsoft Outlook Express 6.00" ->
// "microsoft outlook express").
std::string clientName(std::string_view value) {
    std::string name;
    for (char c : value) {
        if ((c >= '0' && c <= '9') || c == '(' || c == '[' || c == ';' || c == '/') {
            break;
        }
        name += c;
    }
    while (!name.empty() && (name.back() == ' ' || name.back() == '.' || name.back() == 'v')) {
        name.pop_back();
    }
    return lowerCase(name.substr(0, 40));
}

std::string extensionOf(std::string_view filename) {
    auto dot = filename.rfind('.');
    if (dot == std::string_view::npos || filename.size() - dot > 8) {
        return "#none";
    }
    return lowerCase(filename.substr(dot + 1));
}

bool isOwnMarkup(std::string_view name) {
    // Headers a filter adds (ours, SpamAssassin's): learning them would teach the filter
    // its own earlier verdicts.
    for (std::string_view prefix : {"x-spam", "x-mailgate", "x-virus", "x-greylist"}) {
        if (name.substr(0, prefix.size()) == prefix) {
            return true;
        }
    }
    return false;
}

bool isChosenHeader(std::string_view name) {
    static constexpr std::string_view kChosen[] = {"from",
                                                   "to",
                                                   "cc",
                                                   "reply-to",
                                                   "return-path",
                                                   "received",
                                                   "message-id",
                                                   "content-type",
                                                   "x-mailer",
                                                   "user-agent",
                                                   "mime-version",
                                                   "x-priority",
                                                   "x-msmail-priority",
                                                   "importance",
                                                   "organization",
                                                   "precedence",
                                                   "sender",
                                                   "errors-to",
                                                   "list-id",
                                                   "content-transfer-encoding"};
    return std::find(std::begin(kChosen), std::end(kChosen), name) != std::end(kChosen);
}

// Words of the header fields, each prefixed by its field's name ("from:alice"), and the
// field names present ("hn:list-id"): the mail software and the path a message took are
// as telling as its text.
void addHeaderWords(FeatureSet& out, const Message& message, const BayesTokenizerLimits& limits) {
    BayesTokenizerLimits plain = limits;
    plain.word_pairs = false;
    std::size_t fields = 0;
    for (const auto& header : message.headers) {
        if (++fields > 100 || out.full()) {
            break;
        }
        std::string name = lowerCase(header.name.substr(0, 40));
        if (isOwnMarkup(name) || name == "subject") {
            continue;
        }
        out.add("hn:" + name);
        if (limits.header_words == 1 && !isChosenHeader(name)) {
            continue;
        }
        addWords(out, name + ":", std::string_view(header.value).substr(0, 300), plain);
    }
}

void addHeaderFeatures(FeatureSet& out, const Message& message) {
    if (const auto* from = message.firstHeader("From")) {
        addDomain(out, "f:", addressDomain(from->value));
    } else {
        out.add("h:no-from");
    }
    if (const auto* replyTo = message.firstHeader("Reply-To")) {
        addDomain(out, "r:", addressDomain(replyTo->value));
    }
    if (const auto* id = message.firstHeader("Message-ID")) {
        addDomain(out, "m:", addressDomain(id->value));
    } else {
        out.add("h:no-message-id");
    }
    for (const char* name : {"X-Mailer", "User-Agent"}) {
        if (const auto* client = message.firstHeader(name)) {
            out.add(std::string("x:") + clientName(client->value));
        }
    }
    if (message.firstHeader("To") == nullptr) {
        out.add("h:no-to");
    }
    out.add("h:received" +
            std::to_string(std::min<std::size_t>(message.headersNamed("Received").size(), 8)));
    for (const auto& part : message.parts) {
        out.add("t:" + part.content_type);
        if (!part.charset.empty()) {
            out.add("c:" + part.charset);
        }
        if (!part.transfer_encoding.empty()) {
            out.add("e:" + part.transfer_encoding);
        }
        if (part.attachment) {
            out.add("a:" + extensionOf(part.filename));
        }
    }
}

}  // namespace

std::vector<std::string> bayesWords(std::string_view text, const BayesTokenizerLimits& limits) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && !isWordByte(static_cast<unsigned char>(text[at]))) {
            ++at;
        }
        std::size_t start = at;
        while (at < text.size()) {
            auto byte = static_cast<unsigned char>(text[at]);
            if (isWordByte(byte)) {
                ++at;
            } else if (isJoiner(text[at]) && at + 1 < text.size() &&
                       isWordByte(static_cast<unsigned char>(text[at + 1]))) {
                at += 2;
            } else {
                break;
            }
        }
        if (at - start >= limits.min_word_bytes) {
            words.push_back(wordFeature(text.substr(start, at - start), limits));
        }
    }
    return words;
}

std::vector<std::string> bayesFeatures(const Message& message, const BayesTokenizerLimits& limits) {
    FeatureSet out(limits.max_tokens);
    addHeaderFeatures(out, message);
    if (limits.header_words > 0) {
        addHeaderWords(out, message, limits);
    }
    if (const auto* subject = message.firstHeader("Subject")) {
        addWords(out, "s:", subject->value.substr(0, 1000), limits);
    }
    std::size_t budget = limits.max_text_bytes;
    for (const auto& part : message.parts) {
        if (part.text.empty() || budget == 0 || out.full()) {
            continue;
        }
        std::string_view text(part.text);
        text = text.substr(0, budget);
        budget -= text.size();
        addUrlHosts(out, text);
        addWords(out, "", text, limits);
    }
    for (const auto& part : message.parts) {
        for (const auto& link : part.links) {
            addUrlHosts(out, link);
        }
    }
    return out.take();
}

std::uint64_t bayesTokenHash(std::string_view feature) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : feature) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::vector<std::uint64_t> bayesTokens(const Message& message, const BayesTokenizerLimits& limits) {
    std::vector<std::uint64_t> tokens;
    for (const auto& feature : bayesFeatures(message, limits)) {
        tokens.push_back(bayesTokenHash(feature));
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    return tokens;
}

}  // namespace mailgate
