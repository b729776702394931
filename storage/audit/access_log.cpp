#include "storage/audit/access_log.hpp"

#include "storage/audit/format.hpp"
#include "storage/audit/signed_folder.hpp"
#include "storage/base/hex.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace doorpost::storage::audit {
namespace {

using Json = nlohmann::json;

void appendBe(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((value >> shift) & 0xff));
}

void appendLp(std::string& out, std::string_view text) {
    appendBe(out, text.size(), 4);
    out.append(text);
}

constexpr const char* kFields[] = {
    "seq",    "at_ms",     "auditor",           "from",      "to",  "doors", "opened",
    "reason", "seal_kids", "export_created_at", "prev_hash", "hash"};

std::string readWhole(const std::filesystem::path& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = static_cast<bool>(in);
    std::stringstream text;
    if (ok)
        text << in.rdbuf();
    return text.str();
}

} // namespace

std::string accessEntryHash(const AccessEntry& e) {
    std::string input = "doorpost-access-v1";
    appendBe(input, static_cast<std::uint64_t>(e.seq), 8);
    appendBe(input, static_cast<std::uint64_t>(e.atMs), 8);
    appendLp(input, e.auditor);
    appendLp(input, e.from);
    appendLp(input, e.to);
    appendLp(input, e.doors);
    appendBe(input, static_cast<std::uint64_t>(e.opened), 8);
    appendLp(input, e.reason);
    appendLp(input, e.sealKids);
    appendLp(input, e.exportCreatedAt);
    std::array<std::uint8_t, 32> prev{};
    if (!fromHex(e.prevHash, prev))
        prev.fill(0xff); // a malformed link never matches a real chain
    input.append(reinterpret_cast<const char*>(prev.data()), prev.size());
    Sha256Stream sha;
    sha.update(input);
    return sha.finishHex();
}

std::string accessEntryToJsonLine(const AccessEntry& e) {
    // Fields in a fixed order, as in events.jsonl.
    std::string out = "{";
    const auto add = [&out](const char* key, const Json& value) {
        if (out.size() > 1)
            out += ",";
        out += Json(key).dump() + ":" + value.dump(-1, ' ', false, Json::error_handler_t::replace);
    };
    add("seq", e.seq);
    add("at_ms", e.atMs);
    add("auditor", e.auditor);
    add("from", e.from);
    add("to", e.to);
    add("doors", e.doors);
    add("opened", e.opened);
    add("reason", e.reason);
    add("seal_kids", e.sealKids);
    add("export_created_at", e.exportCreatedAt);
    add("prev_hash", e.prevHash);
    add("hash", e.hash);
    return out + "}";
}

Result<AccessEntry> accessEntryFromJsonLine(std::string_view line) {
    const Json json = Json::parse(line, nullptr, false);
    if (!json.is_object())
        return badInput("not a JSON object");
    if (json.size() != std::size(kFields))
        return badInput("expected exactly the fields of an access entry");
    AccessEntry e;
    const auto text = [&json](const char* key, std::string& out) -> bool {
        if (!json.contains(key) || !json[key].is_string())
            return false;
        out = json[key].get<std::string>();
        return true;
    };
    const auto integer = [&json](const char* key, std::int64_t& out) -> bool {
        if (!json.contains(key) || !json[key].is_number_integer())
            return false;
        out = json[key].get<std::int64_t>();
        return true;
    };
    if (!integer("seq", e.seq) || !integer("at_ms", e.atMs) || !integer("opened", e.opened) ||
        !text("auditor", e.auditor) || !text("from", e.from) || !text("to", e.to) ||
        !text("doors", e.doors) || !text("reason", e.reason) || !text("seal_kids", e.sealKids) ||
        !text("export_created_at", e.exportCreatedAt) || !text("prev_hash", e.prevHash) ||
        !text("hash", e.hash))
        return badInput("a field is missing or of the wrong type");
    return e;
}

std::optional<AccessChainProblem> checkAccessChain(const std::vector<AccessEntry>& entries) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const AccessEntry& e = entries[i];
        const auto at = static_cast<std::int64_t>(i);
        if (i == 0 && e.seq == 1 && e.prevHash != kZeroHashHex)
            return AccessChainProblem{at, "the first entry's prev_hash is not zeros"};
        if (i > 0 && e.seq != entries[i - 1].seq + 1)
            return AccessChainProblem{at, "seq " + std::to_string(e.seq) + " where seq " +
                                              std::to_string(entries[i - 1].seq + 1) +
                                              " was expected (an entry removed or inserted)"};
        if (i > 0 && e.prevHash != entries[i - 1].hash)
            return AccessChainProblem{at, "prev_hash does not link to the entry before"};
        if (accessEntryHash(e) != e.hash)
            return AccessChainProblem{at, "content does not match its hash (a field was edited)"};
    }
    return std::nullopt;
}

Result<void> writeAccessLogExport(const std::string& outDir,
                                  const std::vector<AccessEntry>& entries,
                                  const std::string& centralSecretKey) {
    StagedFolder folder;
    if (auto created = folder.create(outDir); !created)
        return created;
    std::string lines;
    for (const auto& entry : entries)
        lines += accessEntryToJsonLine(entry) + "\n";
    auto file = folder.writeFile(std::string(kAccessLogFile), lines);
    if (!file)
        return file.error();
    Json manifest = {
        {"format", kAccessLogFormat},
        {"central_key", signingPublicKeyHex(centralSecretKey)},
        {"count", static_cast<std::int64_t>(entries.size())},
        {"last_seq", entries.empty() ? 0 : entries.back().seq},
        {"last_hash", entries.empty() ? std::string(kZeroHashHex) : entries.back().hash},
        {"files",
         {{std::string(kAccessLogFile), {{"sha256", file->first}, {"bytes", file->second}}}}},
        {"created_at", isoUtcMs(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count())}};
    signManifestJson(manifest, centralSecretKey);
    if (auto written = folder.writeFile(std::string(kManifestFile), manifest.dump(2) + "\n");
        !written)
        return written.error();
    return folder.commit();
}

Result<AccessLogReport> verifyAccessLogExport(const std::string& dir,
                                              const std::optional<std::string>& trustedKeyHex) {
    namespace fs = std::filesystem;
    bool readable = false;
    const std::string text = readWhole(fs::path(dir) / kManifestFile, readable);
    const Json manifest = Json::parse(text, nullptr, false);
    if (!readable || !manifest.is_object() ||
        manifest.value("format", "") != std::string(kAccessLogFormat))
        return badInput("DIR: " + dir + " is not an exported access log");
    AccessLogReport report;
    const auto note = [&report](std::string problem) {
        report.problems.push_back(std::move(problem));
    };
    const std::string centralKey = manifest.value("central_key", "");
    report.trustedKey = trustedKeyHex.value_or(centralKey);
    report.keySource = trustedKeyHex ? "central-key-file" : "manifest";
    static const std::vector<std::string> kKnown = {"format",     "central_key", "count",
                                                    "last_seq",   "last_hash",   "files",
                                                    "created_at", "signature"};
    for (const auto& item : manifest.items())
        if (std::find(kKnown.begin(), kKnown.end(), item.key()) == kKnown.end())
            note("manifest.json: unexpected field " + item.key() +
                 " (not covered by the signature)");
    if (trustedKeyHex && *trustedKeyHex != centralKey)
        note("manifest.json: names central key " + centralKey.substr(0, 16) +
             "..., not the trusted key (signed by another key)");
    else if (!manifestJsonVerifies(manifest, report.trustedKey))
        note("manifest.json: signature does not verify (the manifest was edited or replaced)");

    bool linesReadable = false;
    const std::string lines = readWhole(fs::path(dir) / kAccessLogFile, linesReadable);
    if (!linesReadable) {
        note("access-log.jsonl: missing or unreadable");
    } else {
        std::vector<AccessEntry> entries;
        std::istringstream in(lines);
        std::int64_t lineNumber = 0;
        bool parsed = true;
        for (std::string line; std::getline(in, line);) {
            ++lineNumber;
            auto entry = accessEntryFromJsonLine(line);
            if (!entry) {
                note("access-log.jsonl line " + std::to_string(lineNumber) + ": " +
                     entry.error().message);
                parsed = false;
                break;
            }
            entries.push_back(std::move(*entry));
        }
        if (parsed) {
            if (auto problem = checkAccessChain(entries))
                note("access-log.jsonl line " + std::to_string(problem->index + 1) + " (seq " +
                     std::to_string(entries[static_cast<std::size_t>(problem->index)].seq) +
                     "): " + problem->problem);
            else if (static_cast<std::int64_t>(entries.size()) != manifest.value("count", -1) ||
                     (entries.empty() ? std::string(kZeroHashHex) : entries.back().hash) !=
                         manifest.value("last_hash", ""))
                note("access-log.jsonl: holds " + std::to_string(entries.size()) +
                     " entries ending in another hash than the manifest's count/last_hash "
                     "(entries cut off or added at the end)");
            report.count = static_cast<std::int64_t>(entries.size());
            report.lastHash = entries.empty() ? std::string(kZeroHashHex) : entries.back().hash;
        }
        Sha256Stream sha;
        sha.update(lines);
        const Json claimed = manifest.contains("files") && manifest["files"].is_object()
                                 ? manifest["files"].value(std::string(kAccessLogFile), Json())
                                 : Json();
        if (!claimed.is_object() || claimed.value("sha256", "") != sha.finishHex() ||
            claimed.value("bytes", std::int64_t{-1}) != static_cast<std::int64_t>(lines.size()))
            note("access-log.jsonl: SHA-256 or size differs from the manifest");
    }
    report.ok = report.problems.empty();
    if (!report.ok)
        report.problem = report.problems.front();
    return report;
}

} // namespace doorpost::storage::audit
