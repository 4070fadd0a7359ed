// mailgatectl learn: teaches the statistical filter (C10, docs/bayes.md) messages the
// postmaster knows to be spam or ham, or forgets them. Paths are message files, mbox files
// (recognised by their first "From " line) or directories of either (read recursively;
// --suffix picks files by name ending). Learning a message twice does nothing; learning it
// as the other class moves it. Prints a summary (and progress on stderr after each batch of
// 500 messages). Exit 0 done, 1 Redis unusable or a file unreadable, 2 bad usage. Also
// `mailgatectl bayes stats`: what has been learned.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <thread>

#include "gateway/checks/bayes/BayesLearning.hpp"
#include "gateway/message/MboxReader.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

const char* const kLearnUsage =
    "usage: mailgatectl learn --spam|--ham|--forget [--suffix TEXT] [--recipient ADDRESS] PATH...\n"
    "  PATH: a message file, an mbox file, or a directory of them (read recursively; with\n"
    "  --suffix only the files whose names end with TEXT). --recipient: that recipient's\n"
    "  own store (bayes.per_recipient) instead of the global one.\n";

const char* const kBayesUsage = "usage: mailgatectl bayes stats [--recipient ADDRESS]\n";

struct LearnOptions {
    BayesLesson lesson = BayesLesson::Spam;
    std::string suffix;
    std::string recipient;
    std::vector<std::string> paths;
};

std::optional<LearnOptions> parseLearnOptions(const std::vector<std::string>& arguments) {
    LearnOptions options;
    int lessons = 0;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const auto& argument = arguments[i];
        if (argument == "--spam" || argument == "--ham" || argument == "--forget") {
            options.lesson = argument == "--spam"  ? BayesLesson::Spam
                             : argument == "--ham" ? BayesLesson::Ham
                                                   : BayesLesson::Forget;
            ++lessons;
        } else if (argument == "--suffix" && i + 1 < arguments.size()) {
            options.suffix = arguments[++i];
        } else if (argument == "--recipient" && i + 1 < arguments.size() &&
                   !arguments[i + 1].empty()) {
            options.recipient = arguments[++i];
        } else if (argument.rfind("--", 0) == 0) {
            return std::nullopt;
        } else {
            options.paths.push_back(argument);
        }
    }
    if (lessons != 1 || options.paths.empty()) {
        return std::nullopt;
    }
    return options;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The files named: each file as given, each directory's regular files in name order.
std::vector<std::filesystem::path> messageFiles(const LearnOptions& options, bool& missing) {
    std::vector<std::filesystem::path> files;
    for (const auto& path : options.paths) {
        std::error_code error;
        if (std::filesystem::is_directory(path, error)) {
            std::vector<std::filesystem::path> found;
            for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error)) {
                if (entry.is_regular_file() &&
                    endsWith(entry.path().filename().string(), options.suffix)) {
                    found.push_back(entry.path());
                }
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (std::filesystem::is_regular_file(path, error)) {
            files.emplace_back(path);
        } else {
            std::cerr << "mailgatectl learn: no such file or directory: " << path << "\n";
            missing = true;
        }
    }
    return files;
}

// The messages of the files, in order, handed to `batch` a few hundred at a time: a
// message file is one message, an mbox file as many as it holds (read as a stream).
class MessageBatches {
  public:
    MessageBatches(std::vector<std::filesystem::path> files, std::size_t batchSize,
                   std::size_t maxMessageBytes)
        : files_(std::move(files)), batch_size_(batchSize), max_message_bytes_(maxMessageBytes) {}

    // Calls batch(raws) for each batch; stops at the first false it returns.
    template <class Batch>
    bool each(Batch batch) {
        std::vector<std::string> raws;
        auto flush = [&]() {
            bool more = raws.empty() || batch(raws);
            raws.clear();
            return more;
        };
        for (const auto& file : files_) {
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                std::cerr << "mailgatectl learn: cannot read " << file.string() << "\n";
                unreadable_ = true;
                continue;
            }
            char start[5] = {};
            in.read(start, sizeof start);
            std::string_view head(start, static_cast<std::size_t>(in.gcount()));
            in.clear();
            in.seekg(0);
            if (MboxReader::looksLikeMbox(head)) {
                MboxReader mbox(in, max_message_bytes_);
                while (auto message = mbox.next()) {
                    raws.push_back(std::move(*message));
                    if (raws.size() >= batch_size_ && !flush()) {
                        return false;
                    }
                }
                too_large_ += mbox.skippedTooLarge();
            } else {
                raws.emplace_back(std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>());
            }
            if (raws.size() >= batch_size_ && !flush()) {
                return false;
            }
        }
        return flush();
    }

    bool unreadable() const { return unreadable_; }
    std::size_t tooLarge() const { return too_large_; }

  private:
    std::vector<std::filesystem::path> files_;
    std::size_t batch_size_;
    std::size_t max_message_bytes_;
    bool unreadable_ = false;
    std::size_t too_large_ = 0;
};

// Runs `body` with the config's Redis client on an I/O thread of its own.
template <class Body>
int withRedis(const Config& config, Body body) {
    Logger logger("mailgatectl");
    logger.configure(quietLogSettings());
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    auto redis = RedisClient::create(io, config.redis, logger);
    std::thread ioThread([&io] { io.run(); });
    int status = body(redis);
    redis->stop();
    work.reset();
    ioThread.join();
    return status;
}

}  // namespace

int runLearn(const CommandLine& line) {
    int status = 0;
    auto start =
        startCommand(line, "learn", kLearnUsage, parseLearnOptions(line.arguments), false, status);
    if (!start) {
        return status;
    }
    const Config& config = start->config;
    bool missing = false;
    auto files = messageFiles(start->options, missing);
    // Batches of messages: three waits on Redis per batch, the counts of a token summed over
    // the batch. An mbox message over content.max_message_size is skipped, as the milter
    // would not scan it either.
    MessageBatches batches(std::move(files), 500,
                           static_cast<std::size_t>(config.content.max_message_size));
    return withRedis(config, [&](const std::shared_ptr<RedisClient>& redis) {
        BayesStore store(redis, config.bayes.token_expire_after_s,
                         BayesStore::recipientScope(start->options.recipient));
        std::map<std::string, std::size_t> results;
        std::size_t done = 0;
        bool finished = batches.each([&](const std::vector<std::string>& raws) {
            auto learned = runBlocking(learnMessages(store, config, raws, start->options.lesson));
            if (!learned) {
                std::cerr << "mailgatectl learn: " << learned.error()
                          << "\nmailgatectl learn: stopped after " << done
                          << " messages; run it again: those already learned are skipped\n";
                return false;
            }
            for (auto result : *learned) {
                ++results[bayesLearnResultName(result)];
            }
            done += raws.size();
            if (done > raws.size() || raws.size() >= 500) {
                std::cerr << "mailgatectl learn: " << done << " messages so far\n";
            }
            return true;
        });
        if (!finished) {
            return 1;
        }
        std::cout << "messages=" << done;
        for (const auto& [name, count] : results) {
            std::cout << " " << name << "=" << count;
        }
        if (batches.tooLarge() > 0) {
            std::cout << " too_large=" << batches.tooLarge();
        }
        std::cout << "\n";
        return missing || batches.unreadable() ? 1 : 0;
    });
}

int runBayes(const CommandLine& line) {
    int status = 0;
    std::optional<std::string> recipient;  // "" for the global store
    const auto& arguments = line.arguments;
    if (arguments.size() == 1 && arguments[0] == "stats") {
        recipient = "";
    } else if (arguments.size() == 3 && arguments[0] == "stats" && arguments[1] == "--recipient" &&
               !arguments[2].empty()) {
        recipient = arguments[2];
    }
    auto start = startCommand(line, "bayes", kBayesUsage, recipient, false, status);
    if (!start) {
        return status;
    }
    const Config& config = start->config;
    return withRedis(config, [&](const std::shared_ptr<RedisClient>& redis) {
        BayesStore store(redis, config.bayes.token_expire_after_s,
                         BayesStore::recipientScope(start->options));
        auto counts = runBlocking(store.read({}));
        if (!counts) {
            std::cerr << "mailgatectl bayes: " << counts.error() << "\n";
            return 1;
        }
        auto least = static_cast<std::uint64_t>(config.bayes.min_learned);
        // A recipient's own store is used only with bayes.per_recipient.
        bool used = config.bayes.enabled && (start->options.empty() || config.bayes.per_recipient);
        bool active =
            used && counts->totals.spam_messages >= least && counts->totals.ham_messages >= least;
        std::cout << "spam_learned=" << counts->totals.spam_messages
                  << " ham_learned=" << counts->totals.ham_messages << " min_learned=" << least
                  << " enabled=" << (config.bayes.enabled ? "yes" : "no")
                  << " classifying=" << (active ? "yes" : "no") << "\n";
        return 0;
    });
}

}  // namespace mailgate
