// Unit tests of the quarantine spool as a whole, in a temporary directory: the walk for
// reindex reports damaged files and goes on; leftovers of a crash are cleaned (unless a
// live writer holds them) and never listed; retention by the time in the ID; the quota by
// bytes and by entries, across two spool objects as across two processes; a writer killed
// in the middle of stores leaves whole entries or none.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "gateway/quarantine/QuarantineSpool.hpp"
#include "tests/unit/quarantine/QuarantineTestEntries.hpp"

using namespace mailgate;
using mailgate::testing::kSampleMilliseconds;
using mailgate::testing::sampleEntry;
using mailgate::testing::sampleId;
using mailgate::testing::TemporaryDirectory;

namespace {

constexpr std::string_view kMessage = "Subject: hello\r\n\r\nBuy now.\r\n";
constexpr std::uint64_t kDay = 24 * 3600 * 1000;

std::unique_ptr<QuarantineSpool> openSpool(const std::filesystem::path& root,
                                           QuarantineSpoolSettings settings = {}) {
    auto spool = QuarantineSpool::open(root, settings);
    EXPECT_TRUE(spool.ok()) << spool.error();
    return spool.ok() ? std::move(spool).value() : nullptr;
}

struct Walk {
    std::vector<std::string> ids;
    std::vector<SpoolProblem> problems;
};

Walk walk(const QuarantineSpool& spool) {
    Walk seen;
    auto walked = spool.forEachEntry(
        [&](const QuarantineEntry& entry) {
            seen.ids.push_back(entry.mailgate_id);
            return true;
        },
        [&](const SpoolProblem& problem) { seen.problems.push_back(problem); });
    EXPECT_TRUE(walked.ok()) << walked.error();
    return seen;
}

void writeFile(const std::filesystem::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST(QuarantineSpoolMaintenance, WalkListsEntriesOldestFirstAndReportsDamage) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    std::vector<std::string> ids = {sampleId(3, kSampleMilliseconds - kDay), sampleId(1),
                                    sampleId(2), sampleId(4)};
    for (const auto& id : ids) {
        ASSERT_TRUE(spool->store(sampleEntry(id), kMessage).ok());
    }
    auto day = directory.path() / "20240301";
    writeFile(day / (sampleId(2) + ".toml"), "format = 1\nsubject = [unterminated\n");
    std::filesystem::remove(day / (sampleId(4) + ".eml"));
    writeFile(day / "notes.txt", "hello");

    auto seen = walk(*spool);
    EXPECT_EQ(seen.ids, (std::vector<std::string>{ids[0], ids[1], ids[3]}));
    ASSERT_EQ(seen.problems.size(), 3u);
    std::sort(seen.problems.begin(), seen.problems.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    EXPECT_EQ(seen.problems[0].path, day / (sampleId(2) + ".toml"));
    EXPECT_NE(seen.problems[0].message.find("line 2"), std::string::npos)
        << seen.problems[0].message;
    EXPECT_EQ(seen.problems[1].path, day / (sampleId(4) + ".eml"));
    EXPECT_EQ(seen.problems[2].path, day / "notes.txt");

    int visited = 0;
    ASSERT_TRUE(spool
                    ->forEachEntry([&](const QuarantineEntry&) { return ++visited < 2; },
                                   [](const SpoolProblem&) {})
                    .ok());
    EXPECT_EQ(visited, 2);
}

TEST(QuarantineSpoolMaintenance, LeftoversAreRemovedUnlessHeldAndNeverListed) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    ASSERT_TRUE(spool->store(sampleEntry(), kMessage).ok());
    auto day = directory.path() / "20240301";
    writeFile(day / (".tmp-" + sampleId(2) + ".eml.Ab12Cd"), "half a mess");
    writeFile(day / (".tmp-" + sampleId(2) + ".toml.Ef34Gh"), "format = 1\nmailgate_id = ");
    writeFile(day / (sampleId(3) + ".eml"), "a message whose metadata never came");
    writeFile(day / (".tmp-" + sampleId(5) + ".eml.Ij56Kl"), "a live writer's");
    int held = ::open((day / (".tmp-" + sampleId(5) + ".eml.Ij56Kl")).c_str(), O_RDONLY);
    ASSERT_EQ(::flock(held, LOCK_EX), 0);
    std::filesystem::create_directory(directory.path() / "20200101");  // empty and old

    auto seen = walk(*spool);
    EXPECT_EQ(seen.ids, std::vector<std::string>{sampleId()});
    ASSERT_EQ(seen.problems.size(), 1u);  // the orphan message file
    EXPECT_EQ(seen.problems[0].path, day / (sampleId(3) + ".eml"));

    auto cleanup = spool->removeLeftovers();
    ::close(held);
    ASSERT_TRUE(cleanup.ok()) << cleanup.error();
    EXPECT_EQ(cleanup->temporary_files, 2u);
    EXPECT_EQ(cleanup->orphan_bodies, 1u);
    EXPECT_EQ(cleanup->empty_days, 1u);
    EXPECT_TRUE(cleanup->problems.empty());
    EXPECT_TRUE(std::filesystem::exists(day / (".tmp-" + sampleId(5) + ".eml.Ij56Kl")));
    EXPECT_FALSE(std::filesystem::exists(day / (sampleId(3) + ".eml")));
    EXPECT_FALSE(std::filesystem::exists(directory.path() / "20200101"));
    EXPECT_TRUE(spool->body(sampleId()).ok());
    EXPECT_TRUE(walk(*spool).problems.empty());
}

TEST(QuarantineSpoolMaintenance, EntriesOlderThanGoesByTheIdsTime) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    auto old = sampleId(1, kSampleMilliseconds - 10 * kDay);
    auto recent = sampleId(2, kSampleMilliseconds - 1000);
    auto now = sampleId(3, kSampleMilliseconds);
    for (const auto& id : {now, old, recent}) {
        ASSERT_TRUE(spool->store(sampleEntry(id), kMessage).ok());
    }
    std::int64_t cutoff = kSampleMilliseconds / 1000;
    EXPECT_EQ(spool->entriesOlderThan(cutoff).value(), (std::vector<std::string>{old, recent}));
    EXPECT_EQ(spool->entriesOlderThan(cutoff - 5 * 24 * 3600).value(),
              std::vector<std::string>{old});
    EXPECT_TRUE(spool->entriesOlderThan(0).value().empty());
}

TEST(QuarantineSpoolMaintenance, QuotaByEntriesIsADistinctErrorAndFreesOnRemove) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path(), {.max_bytes = 0, .max_entries = 2});
    ASSERT_TRUE(spool->store(sampleEntry(sampleId(1)), kMessage).ok());
    ASSERT_TRUE(spool->store(sampleEntry(sampleId(2)), kMessage).ok());
    auto full = spool->store(sampleEntry(sampleId(3)), kMessage);
    EXPECT_EQ(full.errorKind(), SpoolErrorKind::OverQuota);
    EXPECT_NE(full.error().find("2 entries"), std::string::npos) << full.error();
    EXPECT_EQ(spool->load(sampleId(3)).errorKind(), SpoolErrorKind::NotFound);
    ASSERT_TRUE(spool->remove(sampleId(1)).ok());
    EXPECT_TRUE(spool->store(sampleEntry(sampleId(3)), kMessage).ok());
}

TEST(QuarantineSpoolMaintenance, QuotaByBytesCountsMessageAndMetadata) {
    TemporaryDirectory directory;
    std::string message(10000, 'm');
    auto spool = openSpool(directory.path(), {.max_bytes = 25000, .max_entries = 0});
    ASSERT_TRUE(spool->store(sampleEntry(sampleId(1)), message).ok());
    ASSERT_TRUE(spool->store(sampleEntry(sampleId(2)), message).ok());
    auto full = spool->store(sampleEntry(sampleId(3)), message);
    EXPECT_EQ(full.errorKind(), SpoolErrorKind::OverQuota);
    EXPECT_TRUE(spool->store(sampleEntry(sampleId(4)), "small").ok());

    // A spool opened later scans what is there.
    auto reopened = openSpool(directory.path(), {.max_bytes = 25000, .max_entries = 0});
    EXPECT_EQ(reopened->store(sampleEntry(sampleId(5)), message).errorKind(),
              SpoolErrorKind::OverQuota);
}

TEST(QuarantineSpoolMaintenance, QuotaSeesAnotherWritersEntriesOnceStale) {
    TemporaryDirectory directory;
    QuarantineSpoolSettings settings{.max_bytes = 0, .max_entries = 2};
    settings.usage_rescan_interval = std::chrono::seconds(3600);
    auto patient = openSpool(directory.path(), settings);
    settings.usage_rescan_interval = std::chrono::seconds(0);
    auto eager = openSpool(directory.path(), settings);
    auto other = openSpool(directory.path());
    ASSERT_TRUE(other->store(sampleEntry(sampleId(1)), kMessage).ok());
    ASSERT_TRUE(other->store(sampleEntry(sampleId(2)), kMessage).ok());
    EXPECT_EQ(eager->store(sampleEntry(sampleId(3)), kMessage).errorKind(),
              SpoolErrorKind::OverQuota);
    // Until its totals are stale, a spool knows only its own writes.
    EXPECT_TRUE(patient->store(sampleEntry(sampleId(4)), kMessage).ok());
}

// A child process stores entries until it is killed (SIGKILL, at some point of some
// write); afterwards every entry is whole, and the cleaning leaves no leftover.
TEST(QuarantineSpoolMaintenance, KilledWriterLeavesWholeEntriesOrNone) {
    TemporaryDirectory directory;
    std::string message(256 * 1024, 'b');
    for (int round = 0; round < 3; ++round) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            auto spool = QuarantineSpool::open(directory.path(), {});
            for (std::uint64_t i = 0; spool.ok(); ++i) {
                (void)spool.value()->store(sampleEntry(sampleId(1000 * round + i)), message);
            }
            ::_exit(1);
        }
        ::usleep(static_cast<useconds_t>(20000 + 15000 * round));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
    }
    auto spool = openSpool(directory.path());
    ASSERT_TRUE(spool->removeLeftovers().ok());
    auto seen = walk(*spool);
    EXPECT_TRUE(seen.problems.empty()) << seen.problems[0].path << ": " << seen.problems[0].message;
    EXPECT_FALSE(seen.ids.empty());
    for (const auto& id : seen.ids) {
        auto body = spool->body(id);
        ASSERT_TRUE(body.ok()) << body.error();
        EXPECT_EQ(body->size(), message.size());
    }
}
