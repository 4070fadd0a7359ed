// Unit tests of the quarantine spool's operations on one entry, in a temporary directory:
// store, load, body and remove; one message file however many recipients; a failed write
// leaves no entry and no temporary file; IDs that could name other files are refused;
// recipient updates are atomic and serialised between writers.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <thread>

#include "gateway/quarantine/QuarantineSpool.hpp"
#include "tests/unit/quarantine/QuarantineTestEntries.hpp"

using namespace mailgate;
using mailgate::testing::sampleEntry;
using mailgate::testing::sampleId;
using mailgate::testing::TemporaryDirectory;

namespace {

constexpr std::string_view kMessage =
    "From: Sender <bounce@sender.example>\r\nSubject: hello\r\n\r\nBuy now.\r\n";

std::unique_ptr<QuarantineSpool> openSpool(const std::filesystem::path& root,
                                           QuarantineSpoolSettings settings = {}) {
    auto spool = QuarantineSpool::open(root, settings);
    EXPECT_TRUE(spool.ok()) << spool.error();
    return spool.ok() ? std::move(spool).value() : nullptr;
}

// Every file below `root`, as paths relative to it.
std::vector<std::string> filesBelow(const std::filesystem::path& root) {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files.push_back(std::filesystem::relative(entry.path(), root).string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

unsigned modeOf(const std::filesystem::path& path) {
    struct stat status {};
    ::stat(path.c_str(), &status);
    return status.st_mode & 07777;
}

// Lowers the largest file this process may write, so a write past it fails (EFBIG), for
// the length of a test.
class FileSizeLimit {
  public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        previous_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = saved_;
        lowered.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &lowered);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previous_);
    }

  private:
    rlimit saved_{};
    void (*previous_)(int) = nullptr;
};

}  // namespace

TEST(QuarantineSpool, StoredEntryLoadsWithItsMessageAndIsRemoved) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path() / "spool");
    ASSERT_TRUE(spool);
    auto stored = spool->store(sampleEntry(), kMessage);
    ASSERT_TRUE(stored.ok()) << stored.error();
    EXPECT_EQ(stored->body_size, kMessage.size());
    EXPECT_EQ(stored->body_sha256.size(), 64u);

    auto id = sampleId();
    EXPECT_EQ(filesBelow(spool->root()),
              (std::vector<std::string>{"20240301/" + id + ".eml", "20240301/" + id + ".toml"}));
    EXPECT_EQ(modeOf(spool->root() / "20240301" / (id + ".eml")), 0600u);
    EXPECT_EQ(modeOf(spool->root() / "20240301" / (id + ".toml")), 0600u);
    EXPECT_EQ(modeOf(spool->root()), 0700u);

    auto loaded = spool->load(id);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_EQ(loaded->recipients, sampleEntry().recipients);
    EXPECT_EQ(loaded->subject, sampleEntry().subject);
    EXPECT_EQ(loaded->body_sha256, stored->body_sha256);
    auto body = spool->body(id);
    ASSERT_TRUE(body.ok()) << body.error();
    EXPECT_EQ(body.value(), kMessage);

    ASSERT_TRUE(spool->remove(id).ok());
    EXPECT_EQ(spool->load(id).errorKind(), SpoolErrorKind::NotFound);
    EXPECT_EQ(spool->remove(id).errorKind(), SpoolErrorKind::NotFound);
    EXPECT_TRUE(filesBelow(spool->root()).empty());
}

TEST(QuarantineSpool, MessageIsStoredOnceWhateverTheRecipientsAndOnlyOnce) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    ASSERT_TRUE(spool->store(sampleEntry(), kMessage).ok());
    EXPECT_EQ(filesBelow(directory.path()).size(), 2u);  // four recipients, one message
    auto again = spool->store(sampleEntry(), "another message");
    EXPECT_EQ(again.errorKind(), SpoolErrorKind::Exists);
    EXPECT_EQ(spool->body(sampleId()).value(), kMessage);
}

TEST(QuarantineSpool, IdsThatAreNotMailgateIdsAreRefusedBeforeAnyFileIsTouched) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path() / "spool");
    std::ofstream(directory.path() / "victim.toml") << "format = 1\n";
    const std::vector<std::string> ids = {"../victim",
                                          "../../etc/passwd",
                                          "",
                                          "/etc/passwd",
                                          "0000000000/0000000",
                                          "01hqz5v7g000000001",
                                          std::string("01HQZ5V7G0\0000000001", 18),
                                          "01HQZ5V7G000000001.",
                                          "ZZZZZZZZZZ00000001"};
    for (const auto& id : ids) {
        SCOPED_TRACE(id);
        EXPECT_EQ(spool->load(id).errorKind(), SpoolErrorKind::InvalidId);
        EXPECT_EQ(spool->body(id).errorKind(), SpoolErrorKind::InvalidId);
        EXPECT_EQ(spool->remove(id).errorKind(), SpoolErrorKind::InvalidId);
        auto update = spool->updateRecipients(id, [](auto&) { return Result<void>(); });
        EXPECT_EQ(update.errorKind(), SpoolErrorKind::InvalidId);
        EXPECT_EQ(spool->store(sampleEntry(id), kMessage).errorKind(), SpoolErrorKind::InvalidId);
    }
    EXPECT_TRUE(std::filesystem::exists(directory.path() / "victim.toml"));
    EXPECT_TRUE(filesBelow(spool->root()).empty());
}

TEST(QuarantineSpool, FailedMessageWriteLeavesNoEntryAndNoTemporaryFile) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    std::string large(64 * 1024, 'x');
    SpoolResult<QuarantineEntry> stored = SpoolError{SpoolErrorKind::None, ""};
    {
        FileSizeLimit limit(4096);
        stored = spool->store(sampleEntry(), large);
    }
    ASSERT_FALSE(stored.ok());
    EXPECT_EQ(stored.errorKind(), SpoolErrorKind::Io);
    EXPECT_NE(stored.error().find("cannot write"), std::string::npos) << stored.error();
    EXPECT_TRUE(filesBelow(directory.path()).empty());
    EXPECT_EQ(spool->load(sampleId()).errorKind(), SpoolErrorKind::NotFound);
}

TEST(QuarantineSpool, FailedMetadataWriteTakesTheMessageFileAwayToo) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    auto entry = sampleEntry();
    entry.subject = std::string(4000, 's');
    entry.symbols.assign(20, Symbol{"LONG_DETAIL", 1.0, std::string(1000, 'd')});
    SpoolResult<QuarantineEntry> stored = SpoolError{SpoolErrorKind::None, ""};
    {
        FileSizeLimit limit(8192);  // the message fits, its metadata does not
        stored = spool->store(entry, kMessage);
    }
    ASSERT_FALSE(stored.ok());
    EXPECT_TRUE(filesBelow(directory.path()).empty());
}

// A day directory the daemon may not write to. Root writes anywhere, so as root the
// store runs in a child process that has become nobody (65534).
TEST(QuarantineSpool, UnwritableDirectoryIsAnErrorAndLeavesNothing) {
    TemporaryDirectory directory;
    auto root = directory.path() / "spool";
    auto spool = openSpool(root);
    auto day = root / "20240301";
    std::filesystem::create_directory(day);
    std::filesystem::permissions(
        day, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                 std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
    auto storeFails = [&] {
        auto stored = spool->store(sampleEntry(), kMessage);
        return stored.errorKind() == SpoolErrorKind::Io &&
               stored.error().find("Permission denied") != std::string::npos;
    };
    if (::geteuid() != 0) {
        EXPECT_TRUE(storeFails());
    } else {
        std::filesystem::permissions(directory.path(), std::filesystem::perms::others_exec,
                                     std::filesystem::perm_options::add);
        ASSERT_EQ(::chown(root.c_str(), 65534, 65534), 0);
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            bool failed = ::setgid(65534) == 0 && ::setuid(65534) == 0 && storeFails();
            ::_exit(failed ? 0 : 1);
        }
        int status = -1;
        ::waitpid(child, &status, 0);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
    std::filesystem::permissions(day, std::filesystem::perms::owner_all);
    EXPECT_TRUE(filesBelow(root).empty());
}

TEST(QuarantineSpool, DamagedMessageOrMisplacedMetadataIsMalformed) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    ASSERT_TRUE(spool->store(sampleEntry(), kMessage).ok());
    auto day = directory.path() / "20240301";
    std::ofstream(day / (sampleId() + ".eml"), std::ios::binary) << "tampered";
    EXPECT_EQ(spool->body(sampleId()).errorKind(), SpoolErrorKind::Malformed);

    std::filesystem::copy_file(day / (sampleId() + ".toml"), day / (sampleId(2) + ".toml"));
    auto misplaced = spool->load(sampleId(2));
    EXPECT_EQ(misplaced.errorKind(), SpoolErrorKind::Malformed);
    EXPECT_NE(misplaced.error().find("holds the entry"), std::string::npos);
}

TEST(QuarantineSpool, UpdateRecipientsChangesOnlyWhatTheChangeSays) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    ASSERT_TRUE(spool->store(sampleEntry(), kMessage).ok());
    auto updated = spool->updateRecipients(sampleId(), [](std::vector<QuarantineRecipient>& all) {
        all[0].status = RecipientDeleted{1709300000, "postmaster"};
        return Result<void>();
    });
    ASSERT_TRUE(updated.ok()) << updated.error();
    auto loaded = spool->load(sampleId());
    EXPECT_EQ(loaded->recipients[0].status,
              RecipientStatus(RecipientDeleted{1709300000, "postmaster"}));
    EXPECT_EQ(loaded->recipients[1], sampleEntry().recipients[1]);
    EXPECT_EQ(loaded->body_sha256, updated->body_sha256);

    auto refused = spool->updateRecipients(sampleId(), [](std::vector<QuarantineRecipient>& all) {
        all[1].status = RecipientQuarantined{};
        return Result<void>(makeError("bob is being released"));
    });
    EXPECT_EQ(refused.errorKind(), SpoolErrorKind::Refused);
    EXPECT_EQ(refused.error(), "bob is being released");
    auto added = spool->updateRecipients(sampleId(), [](std::vector<QuarantineRecipient>& all) {
        all.push_back({"mallory@example.org", RecipientQuarantined{}});
        return Result<void>();
    });
    EXPECT_EQ(added.errorKind(), SpoolErrorKind::Refused);
    EXPECT_EQ(spool->load(sampleId())->recipients, loaded->recipients);
    EXPECT_EQ(filesBelow(directory.path()).size(), 2u);
    auto missing = spool->updateRecipients(sampleId(9), [](auto&) { return Result<void>(); });
    EXPECT_EQ(missing.errorKind(), SpoolErrorKind::NotFound);
}

// Readers never see half a file while writers rewrite it, and writers take turns: of
// many threads each claiming the recipient only if it is still quarantined, one wins.
TEST(QuarantineSpool, UpdateRecipientsIsAtomicAndOneAtATime) {
    TemporaryDirectory directory;
    auto spool = openSpool(directory.path());
    auto entry = sampleEntry();
    entry.recipients = {{"alice@example.org", RecipientQuarantined{}},
                        {"bob@example.org", RecipientQuarantined{}}};
    ASSERT_TRUE(spool->store(entry, kMessage).ok());

    std::atomic<bool> writing{true};
    std::atomic<int> badReads{0};
    std::thread reader([&] {
        while (writing) {
            auto loaded = spool->load(sampleId());
            if (!loaded.ok() || loaded->recipients.size() != 2) {
                ++badReads;
            }
        }
    });
    std::atomic<int> claims{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&, t] {
            for (int round = 0; round < 50; ++round) {
                auto result = spool->updateRecipients(
                    sampleId(), [&](std::vector<QuarantineRecipient>& all) -> Result<void> {
                        if (!std::holds_alternative<RecipientQuarantined>(all[0].status)) {
                            return makeError("claimed already");
                        }
                        all[0].status = RecipientReleasing{"token-" + std::to_string(t), 1};
                        return {};
                    });
                claims += result.ok() ? 1 : 0;
                (void)spool->updateRecipients(
                    sampleId(), [&](std::vector<QuarantineRecipient>& all) {
                        all[1].status = RecipientDeleted{round, "thread-" + std::to_string(t)};
                        return Result<void>();
                    });
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
    writing = false;
    reader.join();
    EXPECT_EQ(claims, 1);
    EXPECT_EQ(badReads, 0);
    EXPECT_EQ(filesBelow(directory.path()).size(), 2u);  // no temporary file left
}
