// UrlExtractor: the hosts a message's URLs lead to, found in its decoded text parts (HTML
// parts hold their reduced text) and in its HTML parts' link and image targets, for the
// URL checks (URI DNS lists, the shape of URLs). It reads http, https and ftp URLs, "www."
// without a scheme, protocol-relative links, user-info before the host, IP addresses
// (also written as one decimal, hex or octal number), percent-encoded host bytes, the
// "hxxp://" and "[.]" defanging, URLs carried inside another URL (redirectors, "?url="),
// trailing punctuation, and international hosts (Unicode or punycode). One linear pass
// per text, no regular expressions, bounded in hosts kept and bytes read per URL.
// It does no DNS lookups and scores nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/message/Message.hpp"

namespace mailgate {

enum class UrlHostForm {
    Name,           // a host name: "www.shop.example", "xn--bcher-kva.example"
    IpAddress,      // a dotted IPv4 address or a bracketed IPv6 address
    NumericAddress  // an IPv4 address written another way: "3232235777", "0xC0.0xA8.1.1"
};

struct UrlHost {
    std::string host;         // lower-case ASCII (punycode); an address in canonical text
    std::string registrable;  // the registrable domain; "" for an address
    UrlHostForm form = UrlHostForm::Name;
    std::string url;  // the first URL seen with this host, as written (cut, printable)
    // Facts of any URL seen with this host:
    bool redirect_target = false;  // it was carried inside another URL
    bool userinfo_host = false;    // after a user-info that looks like a host: "bank.example@"
    std::string userinfo;          // that user-info
    bool defanged = false;         // written "hxxp://" or with "[.]"
    bool encoded = false;          // host bytes percent-encoded
    bool international = false;    // Unicode or punycode labels
    bool mixed_scripts = false;    // a label mixing letters of several scripts ("pаypal")
};

struct UrlLimits {
    std::size_t max_hosts = 200;           // distinct hosts kept; later ones only counted
    std::size_t max_url_bytes = 4096;      // of one URL, read for a host and inner URLs
    std::size_t max_nesting = 2;           // URLs inside URLs inside URLs
    std::size_t max_text_bytes = 1 << 24;  // read of one text
};

struct ExtractedUrls {
    std::vector<UrlHost> hosts;  // distinct hosts, in the order first seen
    std::size_t urls = 0;        // URLs read, including repeats and those not kept
    bool hosts_truncated = false;
};

class UrlExtractor {
  public:
    explicit UrlExtractor(UrlLimits limits = {}) : limits_(limits) {}

    // URLs written in text (plain text, or the text an HTML part reduces to).
    void addText(std::string_view text);
    // One link or image target of an HTML part (href, src): a URL or a relative path.
    void addLink(std::string_view target);
    // Every text part's text and every HTML part's links.
    void addMessage(const Message& message);

    const ExtractedUrls& result() const { return result_; }
    ExtractedUrls take() { return std::move(result_); }

  private:
    struct UrlFacts;
    void scan(std::string_view text, std::size_t depth, bool schemesOnly);
    // Reads the URL whose host part starts at `at` (written from `start`, its scheme);
    // returns the bytes read from `at` to the URL's end.
    std::size_t readUrl(std::string_view text, std::size_t start, std::size_t at, std::size_t depth,
                        bool defanged, bool schemeless);
    void record(std::string_view rawHost, const UrlFacts& facts);

    UrlLimits limits_;
    ExtractedUrls result_;
    std::unordered_map<std::string, std::size_t> index_;  // host -> position in hosts
};

// Convenience: the hosts of a message's URLs.
ExtractedUrls extractUrls(const Message& message, const UrlLimits& limits = {});

// An IPv4 address written as inet_aton(3) reads it ("3232235777", "0xc0.0xa8.0x1.0x1",
// "0300.0250.1.1", "192.168.257"): the dotted quad, or "" if it is not one.
std::string numericIpv4Address(std::string_view host);

// True when a label of the (UTF-8) host mixes letters of scripts no real name mixes
// ("pаypal" with a Cyrillic "а"); Latin with Chinese, Japanese or Korean is allowed.
bool hostMixesScripts(std::string_view unicodeHost);

}  // namespace mailgate
