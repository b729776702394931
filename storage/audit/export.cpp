#include "storage/audit/export.hpp"

#include "storage/audit/format.hpp"
#include "storage/audit/manifest.hpp"
#include "storage/database.hpp"
#include "storage/device_key.hpp"
#include "storage/event_log.hpp"
#include "storage/read_snapshot.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdlib.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace doorpost::storage::audit {

namespace fs = std::filesystem;

namespace {

Error writeFault(const std::string& path, int error) {
    return environmentFault("cannot write " + path + ": " + std::strerror(error));
}

// One output file: buffered writes, a running SHA-256 and byte count, fsync at the end. The
// first write error is kept (errno at that moment) and reported by finish().
class OutFile {
public:
    // `shown` is the name errors give: the file as it will be in --out, not the partial folder.
    OutFile(std::string path, std::string shown)
        : m_path(std::move(path)), m_shown(std::move(shown)) {
        m_file = std::fopen(m_path.c_str(), "wbx");
        if (m_file == nullptr) {
            m_error = errno;
        } else {
            std::setvbuf(m_file, nullptr, _IOFBF, 1 << 20);
        }
    }
    ~OutFile() {
        if (m_file != nullptr) {
            std::fclose(m_file);
        }
    }
    OutFile(const OutFile&) = delete;
    OutFile& operator=(const OutFile&) = delete;

    bool write(std::string_view bytes) {
        if (m_error != 0) {
            return false;
        }
        if (std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
            m_error = errno != 0 ? errno : EIO;
            return false;
        }
        m_sha.update(bytes);
        m_bytes += static_cast<std::int64_t>(bytes.size());
        return true;
    }

    Result<ExportedFile> finish() {
        if (m_error == 0 && (std::fflush(m_file) != 0 || ::fsync(fileno(m_file)) != 0)) {
            m_error = errno;
        }
        if (m_file != nullptr && std::fclose(m_file) != 0 && m_error == 0) {
            m_error = errno;
        }
        m_file = nullptr;
        if (m_error != 0) {
            return writeFault(m_shown, m_error);
        }
        return ExportedFile{m_sha.finishHex(), m_bytes};
    }

    int error() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    std::string m_shown;
    std::FILE* m_file = nullptr;
    int m_error = 0;
    Sha256Stream m_sha;
    std::int64_t m_bytes = 0;
};

// Writes (and hashes) both files on a thread of its own, so the reading thread only reads rows
// and formats them: the write() copies and SHA-256 were a third of the export's main thread.
// Threads meet here: the reading thread fills the current chunk, and hands it over through
// m_queue under m_mutex (bounded: a few MB in flight; it waits when the writer is behind); only
// the writer thread touches the OutFiles until close() has joined it. m_failed tells the reading
// thread to stop early after a write error; the error itself is read from the OutFiles after
// close().
class ChunkWriter {
public:
    ChunkWriter(OutFile& jsonl, OutFile& csv) : m_jsonl(jsonl), m_csv(csv) {
        m_thread = std::thread([this] { run(); });
    }
    ~ChunkWriter() { close(); }
    ChunkWriter(const ChunkWriter&) = delete;
    ChunkWriter& operator=(const ChunkWriter&) = delete;

    std::string& jsonl() { return m_current.jsonl; }
    std::string& csv() { return m_current.csv; }

    // Hands the current chunk over once it is large; false once a write has failed.
    bool flushIfFull() {
        if (m_current.jsonl.size() + m_current.csv.size() >= kChunkBytes) {
            handOver();
        }
        return !m_failed.load();
    }

    // Hands over what is left, waits until everything is written, and ends the thread.
    void close() {
        if (!m_thread.joinable()) {
            return;
        }
        handOver();
        {
            std::lock_guard lock(m_mutex);
            m_closing = true;
        }
        m_changed.notify_all();
        m_thread.join();
    }

private:
    static constexpr std::size_t kChunkBytes = 1 << 20;
    static constexpr std::size_t kMaxQueued = 4;
    struct Chunk {
        std::string jsonl;
        std::string csv;
    };

    void handOver() {
        if (m_current.jsonl.empty() && m_current.csv.empty()) {
            return;
        }
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_queue.size() < kMaxQueued; });
        m_queue.push_back(std::move(m_current));
        m_current = Chunk{};
        if (!m_spare.empty()) { // a written chunk's buffers, capacity kept
            m_current = std::move(m_spare.back());
            m_spare.pop_back();
        }
        lock.unlock();
        m_changed.notify_all();
    }

    void run() {
        for (;;) {
            Chunk chunk;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return !m_queue.empty() || m_closing; });
                if (m_queue.empty()) {
                    return; // closing, and everything handed over is written
                }
                chunk = std::move(m_queue.front());
                m_queue.pop_front();
            }
            m_changed.notify_all();
            if (!m_jsonl.write(chunk.jsonl) || !m_csv.write(chunk.csv)) {
                m_failed.store(true);
            }
            chunk.jsonl.clear();
            chunk.csv.clear();
            std::lock_guard lock(m_mutex);
            m_spare.push_back(std::move(chunk));
        }
    }

    OutFile& m_jsonl;
    OutFile& m_csv;
    Chunk m_current; // the reading thread's only
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Chunk> m_queue;
    std::vector<Chunk> m_spare;
    bool m_closing = false;
    std::atomic<bool> m_failed{false};
    std::thread m_thread; // last: starts once every member above exists
};

// The partial folder is removed unless release()d after the final rename.
class PartialDir {
public:
    ~PartialDir() {
        if (!m_path.empty()) {
            std::error_code ignored;
            fs::remove_all(m_path, ignored);
        }
    }
    Result<void> create(const fs::path& out) {
        const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
        std::string pattern = (parent / (out.filename().string() + ".partial-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            return writeFault(parent.string(), errno);
        }
        m_path = pattern;
        return {};
    }
    const std::string& path() const { return m_path; }
    void release() { m_path.clear(); }

private:
    std::string m_path;
};

Result<void> syncDirectory(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int error = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        return writeFault(path, error);
    }
    ::close(fd);
    return {};
}

std::string nowIso() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return isoUtcMs(static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
}

Result<void> checkOutDir(const fs::path& out) {
    std::error_code error;
    const auto status = fs::status(out, error);
    if (status.type() == fs::file_type::not_found) {
        return {};
    }
    if (status.type() != fs::file_type::directory || !fs::is_empty(out, error)) {
        return badInput("--out: " + out.string() + " exists and is not an empty folder");
    }
    return {};
}

// Both connections of an export read the whole database once. Through pread() every 4 KiB page
// is a system call and a copy (a fifth of the export's CPU time on a million events); mapped,
// SQLite reads the pages where they lie. The cost: an I/O error on a mapped page is a SIGBUS,
// not an error code, so only these short-lived read connections map, never the gate's.
// SQLite caps the size at SQLITE_MAX_MMAP_SIZE (2 GB by default); beyond it reads fall back.
Result<void> mapForReading(Database& db) {
    return db.exec("PRAGMA mmap_size = 2147418112");
}

// Thread CPU seconds (for the integrity check's own cost in the summary).
double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

} // namespace

Result<ExportSummary> writeAuditExport(const ExportRequest& request) {
    if (request.toMs <= request.fromMs) {
        return badInput("--to: must be later than --from");
    }
    const fs::path out = fs::path(request.outDir).lexically_normal();
    if (out.empty() || out.filename().empty()) {
        return badInput("--out: '" + request.outDir + "' is not a folder name");
    }
    if (auto checked = checkOutDir(out); !checked) {
        return checked.error();
    }

    OpenOptions options;
    options.quickCheck = false; // integrity_check below is the thorough one
    auto db = Database::open(request.dbPath, options);
    if (!db) {
        return db.error();
    }
    if (auto mapped = mapForReading(*db); !mapped) {
        return mapped.error();
    }
    auto key = loadOrCreateDeviceKey(*db);
    if (!key) {
        return key.error();
    }

    // Everything from here to the end of the loop reads one snapshot (see the top of the header).
    ReadSnapshot snapshot(*db);
    if (auto begun = snapshot.begin(); !begun) {
        return begun.error();
    }
    ExportSummary summary;
    summary.devicePublicKey = key->publicKeyHex;
    // PRAGMA integrity_check reads the whole file and took as long as the export itself on a
    // million events, so it runs on its own connection in a second thread while this one reads
    // and writes; the export is only renamed into place once it answered "ok" (otherwise the
    // partial folder is removed), which is what running it first would give, in half the time on
    // two cores. The thread shares nothing with this one but `integrity`, read after join().
    Result<std::string> integrity = std::string();
    double integrityS = 0;
    double integrityCpuS = 0;
    std::thread integrityWorker([&integrity, &integrityS, &integrityCpuS, path = request.dbPath] {
        const auto started = std::chrono::steady_clock::now();
        const double cpuStarted = threadCpuSeconds();
        OpenOptions checkOptions;
        checkOptions.quickCheck = false;
        auto checkDb = Database::open(path, checkOptions);
        if (checkDb) {
            auto mapped = mapForReading(*checkDb);
            integrity = mapped ? checkDb->integrityCheck() : Result<std::string>(mapped.error());
        } else {
            integrity = checkDb.error();
        }
        integrityS =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        integrityCpuS = threadCpuSeconds() - cpuStarted;
    });
    const auto joinIntegrity = [&integrityWorker]() {
        if (integrityWorker.joinable()) {
            integrityWorker.join();
        }
    };
    const std::shared_ptr<void> joinAtExit(nullptr, [&joinIntegrity](void*) { joinIntegrity(); });
    auto log = EventLog::open(*db);
    if (!log) {
        return log.error();
    }
    auto device = db->meta("device_id");
    if (!device) {
        return device.error();
    }
    summary.device = device->value_or("");
    summary.epoch = log->epoch();

    // The period selects seqs; the export is the contiguous seq range from the first to the last
    // event recorded in it, so the chain can be checked without gaps (an event whose wall clock
    // jumped out of the period but lies between them is included; docs/audit.md).
    auto span = log->seqSpanInWallTimeRange(request.fromMs, request.toMs);
    if (!span) {
        return span.error();
    }
    if (!*span) {
        return Error{ErrorKind::Negative, "no events recorded between " + isoUtcMs(request.fromMs) +
                                              " and " + isoUtcMs(request.toMs)};
    }
    summary.firstSeq = (*span)->first;
    summary.lastSeq = (*span)->last;

    PartialDir partial;
    if (auto made = partial.create(out); !made) {
        return made.error();
    }
    const auto shown = [&out](std::string_view name) { return (out / name).string(); };
    OutFile csv(partial.path() + "/" + std::string(kCsvFile), shown(kCsvFile));
    OutFile jsonl(partial.path() + "/" + std::string(kJsonlFile), shown(kJsonlFile));
    std::optional<Error> unexportable;
    ChunkWriter writer(jsonl, csv);
    writer.csv().append(kUtf8Bom);
    writer.csv().append(csvHeader());

    // The export copies what the database holds; it does not judge it. It checks only the
    // cheap things (consecutive seqs, prev_hash links) to warn at once; recomputing every hash
    // is verify-export's job, which then names an altered row as the record that does not fit.
    std::string lastHash;
    std::int64_t expectedSeq = summary.firstSeq;
    auto read = log->forEachInSeqRange(summary.firstSeq, summary.lastSeq, [&](const Event& event) {
        if (summary.count == 0) {
            summary.hashBeforeFirst = event.prevHash;
        } else if (event.prevHash != lastHash && summary.firstBrokenSeq == 0) {
            summary.firstBrokenSeq = event.seq;
        }
        if (event.seq != expectedSeq && summary.firstBrokenSeq == 0) {
            summary.firstBrokenSeq = event.seq;
        }
        // Formatted straight into the writer's chunk (no copy per row).
        if (!appendEventJsonLine(writer.jsonl(), event)) {
            unexportable = eventToJsonLine(event).error();
            return false;
        }
        writer.jsonl().push_back('\n');
        if (containsResidentId(event.detail)) {
            ++summary.idLikeInDetail;
        }
        appendCsvRow(writer.csv(), event);
        lastHash = event.hash;
        expectedSeq = event.seq + 1;
        ++summary.count;
        return writer.flushIfFull();
    });
    if (!read) {
        return read.error();
    }
    if (unexportable) {
        return *unexportable;
    }
    writer.close();
    summary.lastHash = lastHash;
    auto csvFile = csv.finish();
    auto jsonlFile = jsonl.finish();
    if (!csvFile || !jsonlFile) {
        return csvFile ? jsonlFile.error() : csvFile.error();
    }

    joinIntegrity();
    if (!integrity) {
        return integrity.error();
    }
    summary.integrity = *integrity;
    summary.integrityS = integrityS;
    summary.integrityCpuS = integrityCpuS;
    if (*integrity != "ok") {
        return Error{ErrorKind::Negative, "database integrity_check: " + *integrity};
    }

    Manifest manifest;
    manifest.format = std::string(kExportFormat);
    manifest.device = summary.device;
    manifest.devicePublicKey = key->publicKeyHex;
    manifest.epoch = summary.epoch;
    manifest.from = isoUtcMs(request.fromMs);
    manifest.to = isoUtcMs(request.toMs);
    manifest.firstSeq = summary.firstSeq;
    manifest.lastSeq = summary.lastSeq;
    manifest.count = summary.count;
    manifest.hashBeforeFirst = summary.hashBeforeFirst;
    manifest.lastHash = summary.lastHash;
    manifest.csv = *csvFile;
    manifest.jsonl = *jsonlFile;
    manifest.createdAt = nowIso();
    manifest.signature = signDetached(*key, manifestSignedBytes(manifest));
    summary.createdAt = manifest.createdAt;
    {
        OutFile manifestFile(partial.path() + "/" + std::string(kManifestFile),
                             shown(kManifestFile));
        manifestFile.write(manifestToText(manifest));
        if (auto done = manifestFile.finish(); !done) {
            return done.error();
        }
    }
    if (auto synced = syncDirectory(partial.path()); !synced) {
        return synced.error();
    }
    // rename() replaces an empty folder atomically; anything else there was refused above, and
    // a folder created there since is refused by rename itself (ENOTEMPTY).
    if (::rename(partial.path().c_str(), out.c_str()) != 0) {
        return writeFault(out.string(), errno);
    }
    partial.release();
    const fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    if (auto synced = syncDirectory(parent.string()); !synced) {
        return synced.error();
    }
    summary.outDir = out.string();
    return summary;
}

} // namespace doorpost::storage::audit
