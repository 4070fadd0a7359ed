// StaticDnsLookup: a DnsLookup for unit tests that answers from a table filled by the
// test ("example.com", TXT -> records), NXDOMAIN for names it does not know, NODATA for
// known names without records of the type, and TemporaryError where the test says so.
// It counts queries so tests can assert DNS limits. Integration tests use a real DNS
// server (NSD) instead; this only makes logic tests fast and exact.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gateway/dns/DnsLookup.hpp"

namespace mailgate::testing {

class StaticDnsLookup : public DnsLookup {
  public:
    void add(const std::string& name, DnsType type, DnsRecord record) {
        records_[{lower(name), type}].push_back(std::move(record));
        names_.insert(lower(name));
    }
    void addText(const std::string& name, DnsType type, std::string text) {
        DnsRecord record;
        record.text = text;
        if (type == DnsType::Txt) {
            record.strings = {text};
        }
        add(name, type, std::move(record));
    }
    void addMx(const std::string& name, std::uint16_t preference, std::string host) {
        DnsRecord record;
        record.text = std::move(host);
        record.preference = preference;
        add(name, DnsType::Mx, std::move(record));
    }
    // The name exists but has no records of any type asked (NODATA).
    void addName(const std::string& name) { names_.insert(lower(name)); }
    void failTemporarily(const std::string& name) { failing_.insert(lower(name)); }
    // Lookups of this name never answer (a server that went silent); pair with
    // runUntilComplete(), which stops waiting for them.
    void neverAnswer(const std::string& name) { silent_.insert(lower(name)); }

    boost::asio::awaitable<DnsAnswer> resolve(std::string name, DnsType type) override {
        ++queries;
        asked.emplace_back(name, type);
        DnsAnswer answer;
        auto key = lower(name);
        if (!key.empty() && key.back() == '.') {
            key.pop_back();
        }
        if (silent_.count(key)) {
            boost::asio::steady_timer forever(co_await boost::asio::this_coro::executor,
                                              std::chrono::steady_clock::time_point::max());
            boost::system::error_code ignored;
            co_await forever.async_wait(
                boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
        }
        if (failing_.count(key)) {
            answer.status = DnsStatus::TemporaryError;
            answer.error = "test: temporary failure";
        } else if (auto found = records_.find({key, type}); found != records_.end()) {
            answer.status = DnsStatus::Ok;
            answer.records = found->second;
            answer.ttl = 300;
        } else {
            answer.status = names_.count(key) ? DnsStatus::NoData : DnsStatus::NxDomain;
        }
        co_return answer;
    }

    int queries = 0;
    std::vector<std::pair<std::string, DnsType>> asked;

  private:
    static std::string lower(std::string text) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return text;
    }
    std::map<std::pair<std::string, DnsType>, std::vector<DnsRecord>> records_;
    std::set<std::string> names_;
    std::set<std::string> failing_;
    std::set<std::string> silent_;
};

// Runs a coroutine to completion on a fresh io_context and returns its value.
template <class T>
T runToCompletion(boost::asio::awaitable<T> work) {
    boost::asio::io_context io;
    T result{};
    boost::asio::co_spawn(io, std::move(work), [&result](std::exception_ptr error, T value) {
        if (error) {
            std::rethrow_exception(error);
        }
        result = std::move(value);
    });
    io.run();
    return result;
}

// Runs a coroutine until it completes and returns its value, then stops the io_context:
// work it left behind (a lookup that never answers) is dropped, not waited for.
template <class T>
T runUntilComplete(boost::asio::awaitable<T> work) {
    boost::asio::io_context io;
    T result{};
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr error, T value) {
        if (error) {
            std::rethrow_exception(error);
        }
        result = std::move(value);
        io.stop();
    });
    io.run();
    return result;
}

}  // namespace mailgate::testing
