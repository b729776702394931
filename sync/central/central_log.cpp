#include "sync/central/central_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace doorpost::sync::central {
namespace {

bool needsQuotes(std::string_view value) {
    if (value.empty())
        return true;
    for (const char c : value)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            return true;
    return false;
}

void appendValue(std::string& line, std::string_view value) {
    if (!needsQuotes(value)) {
        line += value;
        return;
    }
    line += '"';
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            line += '\\';
            line += c;
        } else if (c == '\n') {
            line += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            line += ' ';
        } else {
            line += c;
        }
    }
    line += '"';
}

} // namespace

LogField::LogField(std::string_view k, double v) : key(k) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    value = text;
}

std::string_view logLevelName(LogLevel level) {
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

bool parseLogLevel(std::string_view text, LogLevel& level) {
    for (const LogLevel candidate :
         {LogLevel::Error, LogLevel::Warning, LogLevel::Info, LogLevel::Debug})
        if (text == logLevelName(candidate)) {
            level = candidate;
            return true;
        }
    return false;
}

CentralLog::CentralLog(LogLevel threshold, Sink sink)
    : m_threshold(threshold), m_sink(std::move(sink)),
      m_journal(std::getenv("JOURNAL_STREAM") != nullptr) {}

std::string CentralLog::format(std::string_view what, std::initializer_list<LogField> fields) {
    std::string line(what);
    for (const LogField& field : fields) {
        line += ' ';
        line += field.key;
        line += '=';
        appendValue(line, field.value);
    }
    return line;
}

void CentralLog::write(LogLevel level, std::string_view what,
                       std::initializer_list<LogField> fields) {
    if (!enabled(level))
        return;
    const std::string line = format(what, fields);
    if (m_sink) {
        std::lock_guard lock(m_mutex);
        m_sink(level, line);
        return;
    }
    // journald reads "<N>" as the priority; a terminal gets the level's name instead.
    std::string out = m_journal ? "<" + std::to_string(static_cast<int>(level)) + ">"
                                : std::string(logLevelName(level)) + " ";
    out += line;
    out += '\n';
    std::lock_guard lock(m_mutex);
    std::size_t written = 0;
    while (written < out.size()) {
        const ssize_t n = ::write(STDERR_FILENO, out.data() + written, out.size() - written);
        if (n <= 0)
            break;
        written += static_cast<std::size_t>(n);
    }
}

} // namespace doorpost::sync::central
