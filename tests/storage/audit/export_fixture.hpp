#pragma once
// Shared by the audit export tests: a kiosk database with events like the door records, and
// small file helpers to read, tamper with and copy export folders.

#include "storage/audit/export.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace doorpost::storage::test {

// Names a spreadsheet must show intact: Chinese, commas, quotes, a line break, a formula.
inline const std::vector<std::string>& exportTestNames() {
    static const std::vector<std::string> names = {
        "张伟",   "李娜, Jr.",   "刘洋 \"小刘\"", "O'Brien, \"Annie\"",
        "多\n行", "=SUM(A1:A9)", "陈静",          "王芳"};
    return names;
}

// Appends `count` events (synchronous=NORMAL: these tests are about export, not durability).
inline void appendTestEvents(const std::string& dbPath, int count, int firstIndex = 0) {
    OpenOptions options;
    options.synchronous = Synchronous::Normal;
    auto db = Database::open(dbPath, options);
    if (!db) {
        throw std::runtime_error(db.error().message);
    }
    auto log = EventLog::open(*db);
    if (!log) {
        throw std::runtime_error(log.error().message);
    }
    const auto& names = exportTestNames();
    for (int i = firstIndex; i < firstIndex + count; ++i) {
        EventDraft draft;
        draft.kind = i % 4 == 3 ? EventKind::Manual : EventKind::Scan;
        draft.credentialType = i % 4 == 3 ? "id" : "dp1";
        draft.subjectKey = std::string(64, 'a');
        draft.maskedId = "1101**********" + std::to_string(1000 + i);
        draft.verdict = i % 5 == 4 ? Verdict::Deny : Verdict::Admit;
        draft.reasons = {i % 5 == 4 ? "roster.not_listed" : "pass.valid", "policy.exam"};
        draft.operatorId = "staff-" + std::to_string(i % 3);
        nlohmann::json detail = {
            {"name", names[static_cast<std::size_t>(i) % names.size()]},
            {"room", "A10" + std::to_string(i % 3)},
            {"seat", i + 1},
            {"sealed_id", "SEALED-BLOB-" + std::to_string(i)},
            {"raw", "DP1:RAW-CODE-CONTENT-" + std::to_string(i)},
        };
        draft.detail = detail.dump();
        draft.wallTimeMs = 1795000000000 + i * 1000; // 2026-11-17T...
        auto appended = log->append(draft);
        if (!appended) {
            throw std::runtime_error(appended.error().message);
        }
    }
}

inline std::string readText(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

inline void writeText(const std::filesystem::path& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
}

inline std::vector<std::string> readLines(const std::filesystem::path& path) {
    std::vector<std::string> lines;
    std::istringstream text(readText(path));
    for (std::string line; std::getline(text, line);) {
        lines.push_back(line);
    }
    return lines;
}

inline void writeLines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) {
        text += line + "\n";
    }
    writeText(path, text);
}

inline void copyFolder(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

inline audit::ExportRequest wholeLog(const std::string& dbPath, const std::string& out) {
    return {dbPath, out, 0, std::int64_t{4102444800000}}; // until 2100
}

} // namespace doorpost::storage::test
