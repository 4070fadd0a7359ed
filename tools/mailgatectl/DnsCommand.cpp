// mailgatectl dns: looks names up through mailgate's own resolver (libunbound, the
// servers of dns.servers or --dns), all at once, and prints each answer as the checks
// see it: status (ok, nodata, nxdomain, temporary_error, invalid_name), TTL, records.
// Exit status 0 when every name got an answer, 1 when any lookup failed temporarily.
#include <iostream>
#include <map>

#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

const std::map<std::string, DnsType> kTypes = {{"A", DnsType::A},
                                               {"AAAA", DnsType::Aaaa},
                                               {"MX", DnsType::Mx},
                                               {"TXT", DnsType::Txt},
                                               {"PTR", DnsType::Ptr}};

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\%03u", c);
            out += escape;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

void printAnswer(const std::string& name, DnsType type, const DnsAnswer& answer) {
    std::cout << name << " " << dnsTypeName(type) << " " << dnsStatusName(answer.status)
              << " ttl=" << answer.ttl;
    if (!answer.error.empty()) {
        std::cout << " error=" << quoted(answer.error);
    }
    std::cout << "\n";
    for (const auto& record : answer.records) {
        std::cout << "  ";
        if (type == DnsType::Mx) {
            std::cout << record.preference << " " << record.text;
        } else if (type == DnsType::Txt) {
            for (std::size_t i = 0; i < record.strings.size(); ++i) {
                std::cout << (i ? " " : "") << quoted(record.strings[i]);
            }
        } else {
            std::cout << record.text;
        }
        std::cout << "\n";
    }
}

}  // namespace

int runDns(const CommandLine& line) {
    ResolverChoice choice;
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < line.arguments.size(); ++i) {
        if (!takeResolverOption(line.arguments, i, choice)) {
            positional.push_back(line.arguments[i]);
        }
    }
    auto type = positional.empty() ? kTypes.end() : kTypes.find(positional[0]);
    if (positional.size() < 2 || type == kTypes.end()) {
        std::cerr << "usage: mailgatectl dns [--dns IP:PORT]... [--timeout-ms N] "
                     "A|AAAA|MX|TXT|PTR NAME [NAME...]\n";
        return 2;
    }
    auto config = loadCommandConfig(line);
    if (!config) {
        std::cerr << config.error();
        return 1;
    }
    boost::asio::io_context io;
    auto resolver = makeCommandResolver(io, *config, choice);
    if (!resolver) {
        std::cerr << "mailgatectl dns: " << resolver.error() << "\n";
        return 1;
    }
    std::vector<std::string> names(positional.begin() + 1, positional.end());
    std::vector<DnsAnswer> answers(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        (*resolver)->lookup(names[i], type->second,
                            [&answers, i](DnsAnswer answer) { answers[i] = std::move(answer); });
    }
    io.run();
    int status = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
        printAnswer(names[i], type->second, answers[i]);
        if (answers[i].temporaryError() || answers[i].status == DnsStatus::InvalidName) {
            status = 1;
        }
    }
    return status;
}

}  // namespace mailgate
