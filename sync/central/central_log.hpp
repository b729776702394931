#pragma once
// The central's log: one line per event, levelled, journal-friendly. Each line is `key=value`
// pairs after a word saying what happened (`access method=POST route=push status=200 ...`), so
// journalctl, grep and log shippers read it alike. Under systemd (JOURNAL_STREAM set) a line
// starts with the syslog priority (`<6>`), which journald turns into the entry's level.
//
// Threads meet here: the HTTP server's polling threads and workers write concurrently; each line
// goes out in one write() under a mutex, so lines never interleave.

#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace doorpost::sync::central {

enum class LogLevel { Error = 3, Warning = 4, Info = 6, Debug = 7 };

std::string_view logLevelName(LogLevel level);
// "error", "warning", "info" or "debug"; nothing for anything else.
bool parseLogLevel(std::string_view text, LogLevel& level);

// One key=value pair; the value is quoted when it holds a space, a quote or is empty.
struct LogField {
    std::string_view key;
    std::string value;
    LogField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
    LogField(std::string_view k, const char* v) : key(k), value(v) {}
    LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
    LogField(std::string_view k, long long v) : key(k), value(std::to_string(v)) {}
    LogField(std::string_view k, long v) : key(k), value(std::to_string(v)) {}
    LogField(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
    LogField(std::string_view k, double v);
};

class CentralLog {
public:
    // Receives each finished line (without its newline) and its level.
    using Sink = std::function<void(LogLevel, const std::string&)>;

    explicit CentralLog(LogLevel threshold = LogLevel::Info, Sink sink = {});

    bool enabled(LogLevel level) const {
        return static_cast<int>(level) <= static_cast<int>(m_threshold);
    }
    void write(LogLevel level, std::string_view what, std::initializer_list<LogField> fields = {});
    void error(std::string_view what, std::initializer_list<LogField> fields = {}) {
        write(LogLevel::Error, what, fields);
    }
    void warning(std::string_view what, std::initializer_list<LogField> fields = {}) {
        write(LogLevel::Warning, what, fields);
    }
    void info(std::string_view what, std::initializer_list<LogField> fields = {}) {
        write(LogLevel::Info, what, fields);
    }

    // The line write() would produce, without level prefix (tests and sinks share it).
    static std::string format(std::string_view what, std::initializer_list<LogField> fields);

private:
    LogLevel m_threshold;
    Sink m_sink; // empty: stderr
    bool m_journal;
    std::mutex m_mutex;
};

} // namespace doorpost::sync::central
