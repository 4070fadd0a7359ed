// Registrable domains through libpsl, IDNs through libidn2 (see PublicSuffix.hpp).
#include "gateway/net/PublicSuffix.hpp"

#include <idn2.h>
#include <libpsl.h>

#include <filesystem>
#include <memory>

#include "gateway/net/HostNameSyntax.hpp"

namespace mailgate {
namespace {

constexpr const char* kDebianListFile = "/usr/share/publicsuffix/public_suffix_list.dafsa";

struct LoadedList {
    // psl_builtin() is static data of libpsl's own; a loaded file is ours to free.
    std::unique_ptr<psl_ctx_t, void (*)(psl_ctx_t*)> owned{nullptr, psl_free};
    const psl_ctx_t* list = nullptr;
    std::string source;
};

LoadedList loadList() {
    LoadedList loaded;
    if (std::filesystem::exists(kDebianListFile)) {
        loaded.owned.reset(psl_load_file(kDebianListFile));
        if (loaded.owned) {
            loaded.list = loaded.owned.get();
            loaded.source = kDebianListFile;
            return loaded;
        }
    }
    loaded.list = psl_builtin();
    loaded.source = loaded.list != nullptr ? "libpsl built-in" : "";
    return loaded;
}

// Read once, on first use, by whichever thread comes first (a function-local static is
// initialised exactly once); immutable after, so every thread may read it.
const LoadedList& publicSuffixList() {
    static const LoadedList loaded = loadList();
    return loaded;
}

bool isHostByte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Labels of 1-63 host bytes, at most 253 bytes in all.
bool isAsciiHostName(std::string_view host) {
    if (host.empty() || host.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (char c : host) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
            continue;
        }
        if (!isHostByte(c) || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

std::string idnToAscii(const std::string& host) {
    char* converted = nullptr;
    int status = idn2_to_ascii_8z(host.c_str(), &converted, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (status != IDN2_OK) {
        // Symbols IDNA2008 refuses but browsers map (UTS #46 transitional processing).
        idn2_free(converted);
        converted = nullptr;
        status = idn2_to_ascii_8z(host.c_str(), &converted, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    }
    std::string ascii = status == IDN2_OK && converted != nullptr ? converted : "";
    idn2_free(converted);
    return ascii;
}

}  // namespace

std::string asciiHostName(std::string_view host) {
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    if (host.empty() || host.size() > 1024 || host.find('\0') != std::string_view::npos) {
        return {};
    }
    bool ascii = true;
    for (char c : host) {
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    }
    std::string lower = lowerAscii(host);
    if (!ascii) {
        lower = idnToAscii(lower);
    }
    return isAsciiHostName(lower) ? lower : std::string();
}

std::string unicodeHostName(std::string_view asciiHost) {
    std::string lower = lowerAscii(asciiHost);
    if (lower.find("xn--") == std::string::npos || lower.find('\0') != std::string::npos) {
        return lower;
    }
    char* converted = nullptr;
    int status = idn2_to_unicode_8z8z(lower.c_str(), &converted, 0);
    std::string unicode = status == IDN2_OK && converted != nullptr ? converted : lower;
    idn2_free(converted);
    return unicode;
}

std::string registrableDomain(std::string_view host) {
    if (looksLikeAddressLiteral(host) || isBareIpAddress(host)) {
        return {};
    }
    std::string ascii = asciiHostName(host);
    if (ascii.empty() || ascii.find('.') == std::string::npos || isBareIpAddress(ascii)) {
        return {};
    }
    const psl_ctx_t* list = publicSuffixList().list;
    if (list == nullptr) {
        // No list at all: the last two labels, the best a list-less guess can do.
        auto last = ascii.rfind('.');
        auto previous = ascii.rfind('.', last - 1);
        return previous == std::string::npos ? ascii : ascii.substr(previous + 1);
    }
    const char* registrable = psl_registrable_domain(list, ascii.c_str());
    return registrable != nullptr ? std::string(registrable) : std::string();
}

std::string registrableDomainOrHost(std::string_view host) {
    std::string registrable = registrableDomain(host);
    if (!registrable.empty()) {
        return registrable;
    }
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    return lowerAscii(host);
}

std::string publicSuffixSource() {
    return publicSuffixList().source;
}

}  // namespace mailgate
