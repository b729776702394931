#include "storage/audit/central_verify.hpp"

#include "storage/audit/access_log.hpp"
#include "storage/audit/format.hpp"
#include "storage/audit/signed_folder.hpp"
#include "storage/audit/verify.hpp"
#include "storage/base/id_number.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace doorpost::storage::audit {
namespace fs = std::filesystem;
namespace {

using Json = nlohmann::json;

bool readWhole(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::stringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

// The fields of one CSV line (RFC 4180, as appendCsvField writes them), without its CRLF.
std::vector<std::string> csvFields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back().push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back().push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back().push_back(c);
        }
    }
    return fields;
}

std::string fileSha(const std::string& content) {
    Sha256Stream sha;
    sha.update(content);
    return sha.finishHex();
}

} // namespace

std::string exportKind(const std::string& dir) {
    std::string text;
    if (!readWhole(fs::path(dir) / kManifestFile, text))
        return {};
    const Json json = Json::parse(text, nullptr, false);
    if (!json.is_object() || !json.contains("format") || !json["format"].is_string())
        return {};
    const std::string format = json["format"].get<std::string>();
    if (isKioskExportFormat(format))
        return "kiosk";
    if (format == kCentralExportFormat)
        return "central";
    if (format == kAccessLogFormat)
        return "access-log";
    return {};
}

std::string unmaskedIdsHeader() {
    return "device,epoch,seq,event_id,time_utc,masked_id,id_number,name\r\n";
}

bool idFitsMask(std::string_view idNumber, std::string_view masked) {
    const std::string normalised = normaliseIdNumber(idNumber);
    if (maskIdNumber(normalised) == masked)
        return true;
    // Kiosks before the two-and-two mask showed the first and last four of long numbers.
    if (normalised.size() >= 12)
        return normalised.substr(0, 4) + std::string(normalised.size() - 8, '*') +
                   normalised.substr(normalised.size() - 4) ==
               masked;
    return false;
}

Result<CentralVerifyReport> verifyCentralExport(const std::string& dir,
                                                const std::optional<std::string>& trustedKeyHex) {
    std::string text;
    if (!readWhole(fs::path(dir) / kManifestFile, text))
        return badInput("DIR: " + dir + " has no readable manifest.json");
    const Json manifest = Json::parse(text, nullptr, false);
    if (!manifest.is_object() || manifest.value("format", "") != std::string(kCentralExportFormat))
        return badInput("DIR: " + dir + " is not a central export");
    CentralVerifyReport report;
    const auto note = [&report](std::string problem) {
        report.problems.push_back(std::move(problem));
    };

    // 1. The manifest: its fields, and the signature over them.
    static const std::set<std::string> kKnown = {
        "format",          "central_key", "from",   "to",       "device_filter",
        "created_at",      "unmasked",    "reason", "auditor",  "access_log_seq",
        "access_log_hash", "doors",       "files",  "signature"};
    for (const auto& item : manifest.items())
        if (kKnown.count(item.key()) == 0)
            note("manifest.json: unexpected field " + item.key() +
                 " (not covered by the signature)");
    const std::string centralKey = manifest.value("central_key", "");
    report.trustedKey = trustedKeyHex.value_or(centralKey);
    report.keySource = trustedKeyHex ? "central-key-file" : "manifest";
    report.from = manifest.value("from", "");
    report.to = manifest.value("to", "");
    report.createdAt = manifest.value("created_at", "");
    report.unmasked = manifest.value("unmasked", false);
    report.accessLogSeq = manifest.value("access_log_seq", std::int64_t{0});
    if (trustedKeyHex && *trustedKeyHex != centralKey)
        note("manifest.json: names central key " + centralKey.substr(0, 16) +
             "..., not the trusted central key " + trustedKeyHex->substr(0, 16) +
             "... (signed by another key)");
    else if (!manifestJsonVerifies(manifest, report.trustedKey))
        note("manifest.json: signature does not verify against key " +
             report.trustedKey.substr(0, 16) + "... (the manifest was edited or replaced)");
    if (!manifest.contains("doors") || !manifest["doors"].is_array() ||
        !manifest.contains("files") || !manifest["files"].is_object()) {
        note("manifest.json: field doors or files is missing or malformed");
        report.problem = report.problems.front();
        return report;
    }

    std::set<std::string> listed = {std::string(kManifestFile)};
    // Per chain, the events' masked IDs and kinds, for unmasked_ids.csv (read only if needed).
    std::map<std::string, std::string> chainPath; // "device\nepoch" -> path
    // 2. Each door folder, exactly as a kiosk export, signed by the same central key.
    for (const auto& door : manifest["doors"]) {
        CentralDoorReport doorReport;
        doorReport.path = door.value("path", "");
        doorReport.device = door.value("device", "");
        doorReport.epoch = door.value("epoch", "");
        doorReport.count = door.value("count", std::int64_t{0});
        const std::string where = doorReport.path + "/";
        if (doorReport.path.empty() || doorReport.path.find("..") != std::string::npos ||
            doorReport.path.front() == '/') {
            note("manifest.json: a door's path is malformed");
            continue;
        }
        chainPath[doorReport.device + "\n" + doorReport.epoch] = doorReport.path;
        for (const auto name : {kJsonlFile, kCsvFile, kManifestFile})
            listed.insert(doorReport.path + "/" + std::string(name));
        std::string doorManifest;
        const fs::path doorDir = fs::path(dir) / doorReport.path;
        if (!readWhole(doorDir / kManifestFile, doorManifest)) {
            note(where + "manifest.json: missing or unreadable");
            report.doors.push_back(doorReport);
            continue;
        }
        const Json claimed = door.value("manifest", Json());
        if (!claimed.is_object() || claimed.value("sha256", "") != fileSha(doorManifest) ||
            claimed.value("bytes", std::int64_t{-1}) !=
                static_cast<std::int64_t>(doorManifest.size()))
            note(where + "manifest.json: SHA-256 or size differs from the central manifest "
                         "(replaced or edited)");
        VerifyExportOptions options;
        options.dir = doorDir.string();
        options.trustedKeyHex = report.trustedKey;
        auto checked = verifyAuditExport(options);
        if (!checked)
            return checked.error();
        if (!checked->signedByCentral && checked->ok)
            note(where + "manifest.json: not signed by the central (signed_by missing)");
        for (const auto& problem : checked->problems)
            note(where + problem);
        if (checked->ok &&
            (checked->device != doorReport.device || checked->epoch != doorReport.epoch ||
             checked->count != doorReport.count ||
             checked->firstSeq != door.value("first_seq", std::int64_t{-1}) ||
             checked->lastSeq != door.value("last_seq", std::int64_t{-1}) ||
             checked->lastHash != door.value("last_hash", "")))
            note(where + "manifest.json: its device, epoch, seqs or hashes differ from the "
                         "central manifest's entry");
        doorReport.ok = checked->ok;
        report.events += checked->records;
        report.doors.push_back(doorReport);
    }

    // 3. The other files, as fingerprinted.
    for (const auto& item : manifest["files"].items()) {
        const std::string& name = item.key();
        listed.insert(name);
        std::string content;
        if (name.find('/') != std::string::npos || !readWhole(fs::path(dir) / name, content)) {
            note(name + ": missing or unreadable (the manifest lists it)");
            continue;
        }
        if (!item.value().is_object() || item.value().value("sha256", "") != fileSha(content) ||
            item.value().value("bytes", std::int64_t{-1}) !=
                static_cast<std::int64_t>(content.size()))
            note(name + ": SHA-256 or size differs from the manifest (the file was changed, cut "
                        "short or comes from another export)");
        else if (name == kUnmaskedIdsFile && !report.unmasked)
            note(name + ": present in an export whose manifest says unmasked is false");
    }
    if (report.unmasked && !manifest["files"].contains(std::string(kUnmaskedIdsFile)))
        note("manifest.json: unmasked, but unmasked_ids.csv is not listed");

    // 4. unmasked_ids.csv: each number belongs to a manual registration it fits.
    std::string ids;
    if (report.unmasked && readWhole(fs::path(dir) / kUnmaskedIdsFile, ids)) {
        const std::string head = std::string(kUtf8Bom) + unmaskedIdsHeader();
        if (ids.compare(0, head.size(), head) != 0) {
            note("unmasked_ids.csv row 1: the BOM or header differs from the format");
        } else {
            std::map<std::string, std::map<std::int64_t, Event>> events; // path -> seq -> event
            std::size_t pos = head.size();
            std::int64_t row = 1;
            while (pos < ids.size()) {
                ++row;
                const std::size_t end = ids.find("\r\n", pos);
                const std::string line =
                    ids.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
                pos = end == std::string::npos ? ids.size() : end + 2;
                const auto f = csvFields(line);
                const std::string where = "unmasked_ids.csv row " + std::to_string(row);
                if (f.size() != 8) {
                    note(where + ": expected 8 fields");
                    break;
                }
                const auto chain = chainPath.find(f[0] + "\n" + f[1]);
                if (chain == chainPath.end()) {
                    note(where + ": names a door and epoch the export does not hold");
                    break;
                }
                auto& byseq = events[chain->second];
                if (byseq.empty()) {
                    std::ifstream in(fs::path(dir) / chain->second / kJsonlFile);
                    for (std::string jsonLine; std::getline(in, jsonLine);)
                        if (auto event = eventFromJsonLine(jsonLine))
                            byseq[event->seq] = std::move(*event);
                }
                std::int64_t seq = 0;
                try {
                    seq = std::stoll(f[2]);
                } catch (...) {
                    seq = -1;
                }
                const auto event = byseq.find(seq);
                if (event == byseq.end() || event->second.eventId != f[3] ||
                    event->second.kind != EventKind::Manual) {
                    note(where + ": is not a manual registration of " + f[0]);
                    break;
                }
                if (event->second.maskedId != f[5] || !idFitsMask(f[6], event->second.maskedId)) {
                    note(where + " (seq " + f[2] + "): the number does not fit the masked ID " +
                         event->second.maskedId + " the door recorded");
                    break;
                }
                ++report.unmaskedRows;
            }
        }
    }

    // 5. Nothing in the folder that the manifest does not vouch for.
    std::error_code error;
    for (const auto& entry : fs::recursive_directory_iterator(dir, error)) {
        if (!entry.is_regular_file())
            continue;
        const std::string relative = fs::relative(entry.path(), dir).generic_string();
        if (listed.count(relative) == 0)
            note(relative + ": not listed in the manifest (added after signing)");
    }

    report.ok = report.problems.empty();
    if (!report.ok)
        report.problem = report.problems.front();
    return report;
}

} // namespace doorpost::storage::audit
