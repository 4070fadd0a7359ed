// mailgatectl learn: teaches the statistical filter (C10, docs/bayes.md) messages the
// postmaster knows to be spam or ham, or forgets them. Paths are message files or
// directories of them (read recursively; --suffix picks files by name ending). Learning a
// message twice does nothing; learning it as the other class moves it. Prints a summary
// (and progress on stderr after each batch of 500 messages). Exit 0 done, 1 Redis unusable or a
// file unreadable, 2 bad usage. Also `mailgatectl bayes stats`: what has been learned.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <thread>

#include "gateway/checks/bayes/BayesLearning.hpp"
#include "gateway/util/RunBlocking.hpp"
#include "tools/mailgatectl/CommandSetup.hpp"

namespace mailgate {
namespace {

const char* const kLearnUsage =
    "usage: mailgatectl learn --spam|--ham|--forget [--suffix TEXT] PATH...\n"
    "  PATH: a message file, or a directory of them (read recursively; with --suffix only\n"
    "  the files whose names end with TEXT).\n";

const char* const kBayesUsage = "usage: mailgatectl bayes stats\n";

struct LearnOptions {
    BayesLesson lesson = BayesLesson::Spam;
    std::string suffix;
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

std::optional<std::string> readMessage(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

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
    return withRedis(config, [&](const std::shared_ptr<RedisClient>& redis) {
        BayesStore store(redis, config.bayes.token_expire_after_s);
        std::map<std::string, std::size_t> results;
        std::size_t done = 0;
        // Batches of messages: two waits on Redis per batch, the counts of a token summed
        // over the batch.
        constexpr std::size_t kBatch = 500;
        for (std::size_t first = 0; first < files.size(); first += kBatch) {
            std::vector<std::string> raws;
            for (std::size_t i = first; i < std::min(files.size(), first + kBatch); ++i) {
                auto raw = readMessage(files[i]);
                if (!raw) {
                    std::cerr << "mailgatectl learn: cannot read " << files[i].string() << "\n";
                    missing = true;
                    continue;
                }
                raws.push_back(std::move(*raw));
            }
            auto learned = runBlocking(learnMessages(store, config, raws, start->options.lesson));
            if (!learned) {
                std::cerr << "mailgatectl learn: " << learned.error()
                          << "\nmailgatectl learn: stopped after " << done
                          << " messages; run it again: those already learned are skipped\n";
                return 1;
            }
            for (auto result : *learned) {
                ++results[bayesLearnResultName(result)];
            }
            done += raws.size();
            if (files.size() > kBatch) {
                std::cerr << "mailgatectl learn: " << done << " of " << files.size() << "\n";
            }
        }
        std::cout << "messages=" << done;
        for (const auto& [name, count] : results) {
            std::cout << " " << name << "=" << count;
        }
        std::cout << "\n";
        return missing ? 1 : 0;
    });
}

int runBayes(const CommandLine& line) {
    int status = 0;
    std::optional<bool> options;
    if (line.arguments.size() == 1 && line.arguments[0] == "stats") {
        options = true;
    }
    auto start = startCommand(line, "bayes", kBayesUsage, options, false, status);
    if (!start) {
        return status;
    }
    const Config& config = start->config;
    return withRedis(config, [&](const std::shared_ptr<RedisClient>& redis) {
        BayesStore store(redis, config.bayes.token_expire_after_s);
        auto counts = runBlocking(store.read({}));
        if (!counts) {
            std::cerr << "mailgatectl bayes: " << counts.error() << "\n";
            return 1;
        }
        auto least = static_cast<std::uint64_t>(config.bayes.min_learned);
        bool active = config.bayes.enabled && counts->totals.spam_messages >= least &&
                      counts->totals.ham_messages >= least;
        std::cout << "spam_learned=" << counts->totals.spam_messages
                  << " ham_learned=" << counts->totals.ham_messages << " min_learned=" << least
                  << " enabled=" << (config.bayes.enabled ? "yes" : "no")
                  << " classifying=" << (active ? "yes" : "no") << "\n";
        return 0;
    });
}

}  // namespace mailgate
