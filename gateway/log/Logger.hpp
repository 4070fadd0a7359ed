// Logger: writes LogLines to syslog (facility mail by default), stderr or a file, at a
// configurable level. One Logger per process, passed to whoever logs; reconfigure() on
// reload changes level and destination and reopens the file (for logrotate). Thread-safe.
// It formats nothing itself beyond the level and a timestamp: fields come from LogLine.
#pragma once

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "gateway/config/Config.hpp"
#include "gateway/log/LogLine.hpp"

namespace mailgate {

class Logger {
  public:
    // Starts on stderr at level info, until configure() is called.
    explicit Logger(std::string program);
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void configure(const LogSettings& settings);

    bool enabled(LogLevel level) const {
        return static_cast<int>(level) <= level_.load(std::memory_order_relaxed);
    }
    void write(LogLevel level, const LogLine& line);
    void error(const LogLine& line) { write(LogLevel::Error, line); }
    void warning(const LogLine& line) { write(LogLevel::Warning, line); }
    void info(const LogLine& line) { write(LogLevel::Info, line); }
    void debug(const LogLine& line) { write(LogLevel::Debug, line); }

  private:
    void closeDestination();

    std::string program_;
    std::atomic<int> level_{static_cast<int>(LogLevel::Info)};
    std::mutex mutex_;
    LogDestination destination_ = LogDestination::Stderr;
    std::FILE* file_ = nullptr;
    bool syslogOpen_ = false;
};

const char* logLevelName(LogLevel level);

}  // namespace mailgate
