// Log destinations: syslog, stderr and files (see Logger.hpp).
#include "gateway/log/Logger.hpp"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace mailgate {
namespace {

int syslogFacility(const std::string& name) {
    if (name == "daemon") {
        return LOG_DAEMON;
    }
    static const int locals[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                 LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
    if (name.size() == 6 && name.compare(0, 5, "local") == 0 && name[5] >= '0' && name[5] <= '7') {
        return locals[name[5] - '0'];
    }
    return LOG_MAIL;
}

int syslogPriority(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return LOG_ERR;
        case LogLevel::Warning:
            return LOG_WARNING;
        case LogLevel::Info:
            return LOG_INFO;
        case LogLevel::Debug:
            return LOG_DEBUG;
    }
    return LOG_INFO;
}

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<int>(millis.count()));
    return text;
}

}  // namespace

const char* logLevelName(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "info";
}

Logger::Logger(std::string program) : program_(std::move(program)) {}

Logger::~Logger() {
    closeDestination();
}

void Logger::closeDestination() {
    if (file_ != nullptr) {
        std::fclose(file_);
        file_ = nullptr;
    }
    if (syslogOpen_) {
        closelog();
        syslogOpen_ = false;
    }
}

void Logger::configure(const LogSettings& settings) {
    std::string failure;
    {
        std::lock_guard lock(mutex_);
        closeDestination();
        destination_ = settings.destination;
        if (destination_ == LogDestination::Syslog) {
            openlog(program_.c_str(), LOG_PID | LOG_NDELAY,
                    syslogFacility(settings.syslog_facility));
            syslogOpen_ = true;
        } else if (destination_ == LogDestination::File) {
            file_ = std::fopen(settings.file.c_str(), "a");
            if (file_ == nullptr) {
                failure = std::strerror(errno);
                destination_ = LogDestination::Stderr;
            }
        }
        level_.store(static_cast<int>(settings.level), std::memory_order_relaxed);
    }
    if (!failure.empty()) {
        error(LogLine("log_file_unusable")
                  .add("file", settings.file)
                  .add("error", failure)
                  .add("fallback", "stderr"));
    }
}

void Logger::write(LogLevel level, const LogLine& line) {
    if (!enabled(level)) {
        return;
    }
    std::lock_guard lock(mutex_);
    if (destination_ == LogDestination::Syslog) {
        syslog(syslogPriority(level), "level=%s %s", logLevelName(level), line.text().c_str());
        return;
    }
    std::FILE* out = destination_ == LogDestination::File ? file_ : stderr;
    std::fprintf(out, "%s %s[%d]: level=%s %s\n", timestamp().c_str(), program_.c_str(),
                 static_cast<int>(getpid()), logLevelName(level), line.text().c_str());
    std::fflush(out);
}

}  // namespace mailgate
