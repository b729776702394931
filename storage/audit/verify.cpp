#include "storage/audit/verify.hpp"

#include "storage/audit/format.hpp"
#include "storage/audit/manifest.hpp"
#include "storage/device_key.hpp"
#include "storage/event.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <span>
#include <sstream>

namespace doorpost::storage::audit {

namespace fs = std::filesystem;

namespace {

// Reads a file in large chunks, hashing every byte as it goes, and hands out lines or exact
// byte counts. Files of a million events are streamed, never held whole.
class InFile {
public:
    explicit InFile(const std::string& path) : m_path(path) {
        m_file = std::fopen(path.c_str(), "rb");
        if (m_file == nullptr) {
            m_error = errno;
        }
    }
    ~InFile() {
        if (m_file != nullptr) {
            std::fclose(m_file);
        }
    }
    InFile(const InFile&) = delete;
    InFile& operator=(const InFile&) = delete;

    bool opened() const { return m_file != nullptr; }
    int error() const { return m_error; }

    // The next line without its '\n'; `complete` is false for a last line with no newline.
    bool nextLine(std::string& line, bool& complete) {
        for (;;) {
            const auto newline = m_buffer.find('\n', m_pos);
            if (newline != std::string::npos) {
                line.assign(m_buffer, m_pos, newline - m_pos);
                m_pos = newline + 1;
                complete = true;
                return true;
            }
            if (!fill()) {
                if (m_pos < m_buffer.size()) {
                    line.assign(m_buffer, m_pos, std::string::npos);
                    m_pos = m_buffer.size();
                    complete = false;
                    return true;
                }
                return false;
            }
        }
    }

    // True when the next bytes are exactly `expected` (consumed either way, up to its size).
    bool expect(std::string_view expected) {
        while (m_buffer.size() - m_pos < expected.size() && fill()) {
        }
        const std::size_t available = std::min(expected.size(), m_buffer.size() - m_pos);
        const bool same = available == expected.size() &&
                          std::string_view(m_buffer).substr(m_pos, available) == expected;
        m_pos += available;
        return same;
    }

    bool atEnd() {
        while (m_pos == m_buffer.size()) {
            if (!fill()) {
                return true;
            }
        }
        return false;
    }

    // Reads what is left (for the SHA-256 and size) and returns them.
    ExportedFile drain() {
        while (fill()) {
            m_pos = m_buffer.size();
        }
        return {m_sha.finishHex(), m_bytes};
    }

private:
    bool fill() {
        if (m_file == nullptr) {
            return false;
        }
        if (m_pos > 0) {
            m_buffer.erase(0, m_pos);
            m_pos = 0;
        }
        char chunk[1 << 16];
        const std::size_t n = std::fread(chunk, 1, sizeof chunk, m_file);
        if (n == 0) {
            if (std::ferror(m_file)) {
                m_error = errno != 0 ? errno : EIO;
            }
            return false;
        }
        m_sha.update(std::string_view(chunk, n));
        m_bytes += static_cast<std::int64_t>(n);
        m_buffer.append(chunk, n);
        return true;
    }

    std::string m_path;
    std::FILE* m_file = nullptr;
    int m_error = 0;
    std::string m_buffer;
    std::size_t m_pos = 0;
    Sha256Stream m_sha;
    std::int64_t m_bytes = 0;
};

std::string shortHash(const std::string& hash) {
    return hash.substr(0, 16) + "...";
}

// Records per batch handed to the hashing thread.
constexpr std::size_t kBatch = 4096;

struct Located {
    std::string where;
    std::int64_t seq = 0;
    std::string problem;
};

} // namespace

Result<std::string> readPublicKeyFile(const std::string& path) {
    std::ifstream file(path);
    if (!file) {
        return badInput("--device-key: cannot read " + path);
    }
    std::string key;
    file >> key;
    std::uint8_t bytes[32];
    if (key.size() != 64 || !fromHex(key, bytes, sizeof bytes)) {
        return badInput("--device-key: " + path +
                        " does not hold a 64-hex-char Ed25519 public key");
    }
    for (auto& c : key) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return key;
}

Result<VerifyExportReport> verifyAuditExport(const VerifyExportOptions& options) {
    const fs::path dir(options.dir);
    std::error_code error;
    if (!fs::is_directory(dir, error)) {
        return badInput("DIR: " + options.dir + " is not a folder");
    }
    std::uint8_t keyBytes[32];
    if (options.trustedKeyHex && !fromHex(*options.trustedKeyHex, keyBytes, sizeof keyBytes)) {
        return badInput("--device-key: not a 64-hex-char Ed25519 public key");
    }

    VerifyExportReport report;
    std::vector<Located> found; // in the order of the checks (see the header)
    const auto note = [&found](std::string where, std::int64_t seq, std::string problem) {
        found.push_back({std::move(where), seq, std::move(problem)});
    };

    // 1. The manifest and its signature.
    std::optional<Manifest> manifest;
    {
        std::ifstream file(dir / kManifestFile, std::ios::binary);
        if (!file) {
            note("manifest.json", 0, "missing or unreadable");
        } else {
            std::stringstream text;
            text << file.rdbuf();
            auto parsed = manifestFromText(text.str());
            if (!parsed) {
                std::string message = parsed.error().message;
                const std::string prefix = "manifest.json: ";
                if (message.rfind(prefix, 0) == 0) {
                    message.erase(0, prefix.size());
                }
                note("manifest.json", 0, message);
            } else {
                manifest = std::move(*parsed);
            }
        }
    }
    if (manifest) {
        report.device = manifest->device;
        report.epoch = manifest->epoch;
        report.firstSeq = manifest->firstSeq;
        report.lastSeq = manifest->lastSeq;
        report.count = manifest->count;
        report.lastHash = manifest->lastHash;
        report.createdAt = manifest->createdAt;
        // A central export's door manifest is signed by the central (signed_by), a kiosk's by
        // the device.
        const std::string& signer =
            manifest->signedBy.empty() ? manifest->devicePublicKey : manifest->signedBy;
        report.signedByCentral = !manifest->signedBy.empty();
        report.trustedKey = options.trustedKeyHex.value_or(signer);
        report.keySource = options.trustedKeyHex ? "device-key-file" : "manifest";
        if (options.trustedKeyHex && *options.trustedKeyHex != signer) {
            note("manifest.json", 0,
                 "names " + std::string(report.signedByCentral ? "central" : "device") + " key " +
                     shortHash(signer) + ", not the trusted device key " +
                     shortHash(*options.trustedKeyHex) + " (signed by another key)");
        } else if (!verifyDetached(report.trustedKey, manifestSignedBytes(*manifest),
                                   manifest->signature)) {
            note("manifest.json", 0,
                 "signature does not verify against key " + shortHash(report.trustedKey) +
                     " (the manifest was edited or replaced)");
        }
    }

    // 2 and 3. The records, and the CSV rebuilt from them, read side by side.
    InFile jsonl((dir / kJsonlFile).string());
    InFile csv((dir / kCsvFile).string());
    if (!jsonl.opened()) {
        note("events.jsonl", 0, "missing or unreadable");
    }
    if (!csv.opened()) {
        note("events.csv", 0, "missing or unreadable");
    }
    std::vector<Located> csvFound;
    bool csvInStep = csv.opened();
    // The columns the signed manifest's format names: an export from before the clock columns
    // (v1) is rebuilt as it was written. Without a readable manifest, the current layout.
    const CsvLayout layout = manifest ? csvLayoutOf(manifest->format) : CsvLayout::V2;
    if (csvInStep && !csv.expect(std::string(kUtf8Bom) + csvHeader(layout))) {
        csvFound.push_back({"events.csv row 1", 0, "the BOM or header differs from the format"});
        csvInStep = false;
    }
    if (jsonl.opened()) {
        std::string line;
        bool complete = true;
        std::int64_t lineNumber = 0;
        std::int64_t expectedSeq = manifest ? manifest->firstSeq : 0;
        std::string expectedPrev = manifest ? manifest->hashBeforeFirst : std::string();
        bool recordsOk = true;
        bool done = false;
        struct Parsed {
            Event event;
            std::int64_t line = 0;
            bool complete = true;
        };
        // One batch, refilled and never shrunk: its events' strings keep their capacity, so
        // parsing a million lines allocates almost nothing.
        std::vector<Parsed> slots(kBatch);
        std::string row;
        while (!done && recordsOk) {
            std::size_t size = 0;
            std::optional<Located> unparsable;
            while (size < kBatch) {
                if (!jsonl.nextLine(line, complete)) {
                    done = true;
                    break;
                }
                ++lineNumber;
                Parsed& slot = slots[size];
                if (auto parsed = eventFromJsonLine(line, slot.event); !parsed) {
                    unparsable = Located{"events.jsonl line " + std::to_string(lineNumber), 0,
                                         parsed.error().message +
                                             (complete ? "" : " (the file is cut short)")};
                    done = true;
                    break;
                }
                slot.line = lineNumber;
                slot.complete = complete;
                ++size;
            }
            const std::span<const Parsed> batch(slots.data(), size);
            // Recomputing the hashes, the costliest check, runs on a second thread while this
            // one checks seqs, links and the CSV. Both only read `batch` until hashes.get().
            auto hashes = std::async(std::launch::async, [batch] {
                for (std::size_t i = 0; i < batch.size(); ++i) {
                    if (eventHash(batch[i].event) != batch[i].event.hash) {
                        return i;
                    }
                }
                return batch.size();
            });
            std::size_t structural = batch.size();
            std::string why;
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const Event& event = batch[i].event;
                if (batch[i].line == 1 && !manifest) {
                    expectedSeq = event.seq; // no manifest: check the links among the records only
                    expectedPrev = event.prevHash;
                }
                if (event.seq != expectedSeq) {
                    why = "seq " + std::to_string(event.seq) + " where seq " +
                          std::to_string(expectedSeq) +
                          " was expected (a record removed, inserted or moved)";
                } else if (manifest && event.epoch != manifest->epoch) {
                    why = "epoch differs from the manifest's";
                } else if (event.prevHash != expectedPrev) {
                    why = batch[i].line == 1 ? "prev_hash is not the manifest's hash_before_first"
                                             : "prev_hash does not link to the record before "
                                               "(a record removed, inserted or moved)";
                } else if (!batch[i].complete) {
                    why = "the last line has no newline (the file is cut short)";
                }
                if (!why.empty()) {
                    structural = i;
                    break;
                }
                row.clear();
                appendCsvRow(row, event, layout);
                if (csvInStep && !csv.expect(row)) {
                    csvFound.push_back({"events.csv row " + std::to_string(batch[i].line + 1) +
                                            " (seq " + std::to_string(event.seq) + ")",
                                        event.seq,
                                        "differs from record seq " + std::to_string(event.seq) +
                                            " of events.jsonl"});
                    csvInStep = false;
                }
                expectedPrev = event.hash;
                ++expectedSeq;
            }
            const std::size_t hashBad = hashes.get();
            const std::size_t firstBad = std::min(structural, hashBad);
            report.records += static_cast<std::int64_t>(firstBad);
            if (firstBad < batch.size()) {
                const Event& event = batch[firstBad].event;
                note("events.jsonl line " + std::to_string(batch[firstBad].line) + " (seq " +
                         std::to_string(event.seq) + ")",
                     event.seq,
                     hashBad < structural ? "content does not match its hash (a field was edited)"
                                          : why);
                recordsOk = false;
            } else if (unparsable) {
                note(unparsable->where, 0, unparsable->problem);
                recordsOk = false;
            }
        }
        if (jsonl.error() != 0) {
            return environmentFault("cannot read events.jsonl: " +
                                    std::string(std::strerror(jsonl.error())));
        }
        if (recordsOk && manifest) {
            if (report.records != manifest->count) {
                note("events.jsonl", 0,
                     "holds " + std::to_string(report.records) + " records, the manifest says " +
                         std::to_string(manifest->count) +
                         (report.records < manifest->count ? " (records cut off at the end)" : ""));
            } else if (expectedPrev != manifest->lastHash || expectedSeq - 1 != manifest->lastSeq) {
                note("events.jsonl", 0, "its last record is not the manifest's last_seq/last_hash");
            }
        }
        if (recordsOk && csvInStep && !csv.atEnd()) {
            csvFound.push_back({"events.csv row " + std::to_string(report.records + 2), 0,
                                "rows beyond the last record"});
        }
    }
    found.insert(found.end(), csvFound.begin(), csvFound.end());

    // 4. The files as the manifest fingerprints them.
    if (manifest) {
        struct Checked {
            std::string_view name;
            InFile* file;
            const ExportedFile* claimed;
        };
        for (const Checked& item : {Checked{kJsonlFile, &jsonl, &manifest->jsonl},
                                    Checked{kCsvFile, &csv, &manifest->csv}}) {
            if (!item.file->opened()) {
                continue;
            }
            const ExportedFile actual = item.file->drain();
            if (actual.sha256 != item.claimed->sha256 || actual.bytes != item.claimed->bytes) {
                note(std::string(item.name), 0,
                     "SHA-256 or size differs from the manifest (the file was changed, cut short "
                     "or comes from another export)");
            }
        }
        // The spreadsheet and the report are derived views: not rebuilt, but fingerprinted by
        // the signed manifest like the others.
        for (const auto& [name, claimed] : manifest->extraFiles) {
            InFile file((dir / name).string());
            if (!file.opened()) {
                note(name, 0, "missing or unreadable (the manifest lists it)");
                continue;
            }
            const ExportedFile actual = file.drain();
            if (actual.sha256 != claimed.sha256 || actual.bytes != claimed.bytes) {
                note(name, 0,
                     "SHA-256 or size differs from the manifest (the file was changed, cut short "
                     "or comes from another export)");
            }
        }
    }

    report.ok = found.empty();
    if (!found.empty()) {
        report.where = found.front().where;
        report.seq = found.front().seq;
        report.problem = found.front().where + ": " + found.front().problem;
        for (const auto& item : found) {
            report.problems.push_back(item.where + ": " + item.problem);
        }
    }
    return report;
}

} // namespace doorpost::storage::audit
