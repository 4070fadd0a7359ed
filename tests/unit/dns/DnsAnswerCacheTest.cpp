// Unit tests of the resolver's in-process answer cache: positive and negative answers
// live exactly their TTL (with the remaining TTL reported), temporary errors and TTL 0
// are never kept, names match case-insensitively with or without the final dot, the
// type is part of the key, and the entry bound holds.
#include <gtest/gtest.h>

#include "gateway/dns/DnsAnswerCache.hpp"

namespace mailgate {
namespace {

using Clock = DnsAnswerCache::Clock;
using std::chrono::seconds;

DnsAnswer answerWith(DnsStatus status, std::uint32_t ttl, const std::string& text = "") {
    DnsAnswer answer;
    answer.status = status;
    answer.ttl = ttl;
    if (!text.empty()) {
        answer.records.push_back(DnsRecord{text, 0, {}});
    }
    return answer;
}

TEST(DnsAnswerCacheTest, PositiveAnswerLivesForItsTtl) {
    DnsAnswerCache cache(10);
    auto start = Clock::now();
    cache.store("mx.example.com", DnsType::A, answerWith(DnsStatus::Ok, 300, "192.0.2.1"), start);
    auto hit = cache.find("MX.Example.COM.", DnsType::A, start + seconds(100));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->records.at(0).text, "192.0.2.1");
    EXPECT_EQ(hit->ttl, 200u);
    EXPECT_FALSE(cache.find("mx.example.com", DnsType::Aaaa, start));
    EXPECT_FALSE(cache.find("mx.example.com", DnsType::A, start + seconds(300)));
    EXPECT_EQ(cache.size(), 0u);  // the expired entry was dropped when found stale
}

TEST(DnsAnswerCacheTest, NegativeAnswersAreCachedForTheirTtl) {
    DnsAnswerCache cache(10);
    auto start = Clock::now();
    cache.store("nx.example.com", DnsType::Txt, answerWith(DnsStatus::NxDomain, 60), start);
    cache.store("example.com", DnsType::Mx, answerWith(DnsStatus::NoData, 30), start);
    EXPECT_EQ(cache.find("nx.example.com", DnsType::Txt, start + seconds(59))->status,
              DnsStatus::NxDomain);
    EXPECT_FALSE(cache.find("nx.example.com", DnsType::Txt, start + seconds(61)));
    EXPECT_EQ(cache.find("example.com", DnsType::Mx, start + seconds(29))->status,
              DnsStatus::NoData);
    EXPECT_FALSE(cache.find("example.com", DnsType::Mx, start + seconds(31)));
}

TEST(DnsAnswerCacheTest, TemporaryErrorsAndZeroTtlAreNeverKept) {
    DnsAnswerCache cache(10);
    auto start = Clock::now();
    cache.store("a.example.com", DnsType::A, answerWith(DnsStatus::TemporaryError, 300), start);
    cache.store("b.example.com", DnsType::A, answerWith(DnsStatus::Ok, 0, "192.0.2.2"), start);
    cache.store("c", DnsType::A, answerWith(DnsStatus::InvalidName, 300), start);
    EXPECT_EQ(cache.size(), 0u);
}

TEST(DnsAnswerCacheTest, HugeTtlIsCapped) {
    DnsAnswerCache cache(10);
    auto start = Clock::now();
    cache.store("example.com", DnsType::Txt, answerWith(DnsStatus::Ok, 0x7fffffff, "v=spf1"),
                start);
    EXPECT_TRUE(cache.find("example.com", DnsType::Txt,
                           start + seconds(DnsAnswerCache::kMaxTtlSeconds - 1)));
    EXPECT_FALSE(
        cache.find("example.com", DnsType::Txt, start + seconds(DnsAnswerCache::kMaxTtlSeconds)));
}

TEST(DnsAnswerCacheTest, StaysWithinItsBound) {
    DnsAnswerCache cache(3);
    auto start = Clock::now();
    for (int i = 0; i < 10; ++i) {
        cache.store("h" + std::to_string(i) + ".example.com", DnsType::A,
                    answerWith(DnsStatus::Ok, 300, "192.0.2.1"), start);
        EXPECT_LE(cache.size(), 3u);
    }
    EXPECT_TRUE(cache.find("h9.example.com", DnsType::A, start));
}

}  // namespace
}  // namespace mailgate
