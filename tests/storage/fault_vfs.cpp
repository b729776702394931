#include "tests/storage/fault_vfs.hpp"

#include <cstring>
#include <memory>
#include <random>
#include <set>
#include <sqlite3.h>
#include <unistd.h>
#include <variant>
#include <vector>

namespace doorpost::storage::test {

namespace {

constexpr const char* kVfsName = "doorpost-fault";
constexpr std::size_t kPiece = 512;

struct PendingWrite {
    std::int64_t offset;
    std::string bytes;
};
struct PendingTruncate {
    std::int64_t size;
};
using PendingOp = std::variant<PendingWrite, PendingTruncate>;

struct FileState {
    std::unique_ptr<char[]> realStorage; // the unix VFS's sqlite3_file
    sqlite3_file* real = nullptr;
    std::string path; // empty for temp files
    bool buffered = false;
    bool mainDb = false;
    bool createdHere = false;
    bool everSynced = false;
    std::string image; // buffered: the file as SQLite sees it
    std::vector<PendingOp> pending;
};

struct FaultFile {
    sqlite3_file base; // first: SQLite sees a FaultFile as a sqlite3_file
    FileState* state;
};

FaultPlan g_plan;
std::int64_t g_ops = 0;
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
std::set<FileState*> g_open; // every open file, for the cut and the quota

FileState& stateOf(sqlite3_file* file) {
    return *reinterpret_cast<FaultFile*>(file)->state;
}

std::int64_t realSize(FileState& s) {
    sqlite3_int64 size = 0;
    s.real->pMethods->xFileSize(s.real, &size);
    return size;
}

[[noreturn]] void powerCut() {
    std::mt19937 random(g_plan.seed);
    for (FileState* s : g_open) {
        if (!s->buffered) {
            continue;
        }
        if (s->createdHere && !s->everSynced) {
            ::unlink(s->path.c_str());
            continue;
        }
        for (const auto& op : s->pending) {
            const auto* write = std::get_if<PendingWrite>(&op);
            if (write == nullptr) {
                continue; // a pending truncate is lost
            }
            for (std::size_t at = 0; at < write->bytes.size(); at += kPiece) {
                if (random() % 2 == 0) {
                    const auto size = std::min(kPiece, write->bytes.size() - at);
                    s->real->pMethods->xWrite(s->real, write->bytes.data() + at,
                                              static_cast<int>(size),
                                              write->offset + static_cast<std::int64_t>(at));
                }
            }
        }
        s->real->pMethods->xSync(s->real, SQLITE_SYNC_NORMAL); // what reached the platter
        if (s->mainDb) {
            ::unlink((s->path + "-shm").c_str());
        }
    }
    ::_exit(g_plan.cutExitCode);
}

// Counts an operation and performs the cut when its moment has come.
void tick() {
    if (g_plan.cutAtOp >= 0 && g_ops >= g_plan.cutAtOp) {
        powerCut();
    }
    ++g_ops;
}

int xClose(sqlite3_file* file) {
    FileState* s = &stateOf(file);
    const int rc = s->real->pMethods->xClose(s->real);
    g_open.erase(s);
    delete s;
    return rc;
}

int xRead(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
    FileState& s = stateOf(file);
    if (!s.buffered) {
        return s.real->pMethods->xRead(s.real, out, amount, offset);
    }
    const auto size = static_cast<sqlite3_int64>(s.image.size());
    const auto available = offset >= size ? 0 : std::min<sqlite3_int64>(amount, size - offset);
    if (available > 0) {
        std::memcpy(out, s.image.data() + offset, static_cast<std::size_t>(available));
    }
    if (available < amount) {
        std::memset(static_cast<char*>(out) + available, 0,
                    static_cast<std::size_t>(amount - available));
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

int xWrite(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    FileState& s = stateOf(file);
    tick();
    if (g_plan.failWritesFromOp >= 0 && g_ops > g_plan.failWritesFromOp) {
        return SQLITE_IOERR_WRITE;
    }
    if (g_plan.quotaBytes >= 0) {
        std::int64_t total = 0;
        for (FileState* open : g_open) {
            if (!open->path.empty()) {
                total += open->buffered ? static_cast<std::int64_t>(open->image.size())
                                        : realSize(*open);
            }
        }
        const std::int64_t current =
            s.buffered ? static_cast<std::int64_t>(s.image.size()) : realSize(s);
        const std::int64_t growth = std::max<std::int64_t>(0, offset + amount - current);
        if (total + growth > g_plan.quotaBytes) {
            return SQLITE_FULL;
        }
    }
    if (!s.buffered) {
        return s.real->pMethods->xWrite(s.real, data, amount, offset);
    }
    const auto end = static_cast<std::size_t>(offset + amount);
    if (s.image.size() < end) {
        s.image.resize(end, '\0');
    }
    std::memcpy(s.image.data() + offset, data, static_cast<std::size_t>(amount));
    s.pending.push_back(PendingWrite{
        offset, std::string(static_cast<const char*>(data), static_cast<std::size_t>(amount))});
    return SQLITE_OK;
}

int xTruncate(sqlite3_file* file, sqlite3_int64 size) {
    FileState& s = stateOf(file);
    tick();
    if (!s.buffered) {
        return s.real->pMethods->xTruncate(s.real, size);
    }
    s.image.resize(static_cast<std::size_t>(size));
    s.pending.push_back(PendingTruncate{size});
    return SQLITE_OK;
}

int xSync(sqlite3_file* file, int flags) {
    FileState& s = stateOf(file);
    tick();
    if (g_plan.failSyncs) {
        return SQLITE_IOERR_FSYNC;
    }
    if (s.buffered) {
        for (const auto& op : s.pending) {
            int rc = SQLITE_OK;
            if (const auto* write = std::get_if<PendingWrite>(&op)) {
                rc = s.real->pMethods->xWrite(s.real, write->bytes.data(),
                                              static_cast<int>(write->bytes.size()), write->offset);
            } else {
                rc = s.real->pMethods->xTruncate(s.real, std::get<PendingTruncate>(op).size);
            }
            if (rc != SQLITE_OK) {
                return rc;
            }
        }
        s.pending.clear();
    }
    const int rc = s.real->pMethods->xSync(s.real, flags);
    if (rc == SQLITE_OK) {
        s.everSynced = true;
    }
    return rc;
}

int xFileSize(sqlite3_file* file, sqlite3_int64* size) {
    FileState& s = stateOf(file);
    if (!s.buffered) {
        return s.real->pMethods->xFileSize(s.real, size);
    }
    *size = static_cast<sqlite3_int64>(s.image.size());
    return SQLITE_OK;
}

int xLock(sqlite3_file* f, int level) {
    return stateOf(f).real->pMethods->xLock(stateOf(f).real, level);
}
int xUnlock(sqlite3_file* f, int level) {
    return stateOf(f).real->pMethods->xUnlock(stateOf(f).real, level);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
    return stateOf(f).real->pMethods->xCheckReservedLock(stateOf(f).real, out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
    FileState& s = stateOf(f);
    // Size hints would grow the real file behind the model's back.
    if (s.buffered && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE)) {
        return SQLITE_NOTFOUND;
    }
    return s.real->pMethods->xFileControl(s.real, op, arg);
}
int xSectorSize(sqlite3_file* f) {
    return stateOf(f).real->pMethods->xSectorSize(stateOf(f).real);
}
int xDeviceCharacteristics(sqlite3_file* f) {
    return stateOf(f).real->pMethods->xDeviceCharacteristics(stateOf(f).real);
}
// The wal-index is shared memory: passed through untouched (see the model above).
int xShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return stateOf(f).real->pMethods->xShmMap(stateOf(f).real, page, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return stateOf(f).real->pMethods->xShmLock(stateOf(f).real, offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
    stateOf(f).real->pMethods->xShmBarrier(stateOf(f).real);
}
int xShmUnmap(sqlite3_file* f, int deleteFlag) {
    return stateOf(f).real->pMethods->xShmUnmap(stateOf(f).real, deleteFlag);
}

// Version 2: no xFetch/xUnfetch, so SQLite never memory-maps around the model.
const sqlite3_io_methods kMethods = {
    2,
    xClose,
    xRead,
    xWrite,
    xTruncate,
    xSync,
    xFileSize,
    xLock,
    xUnlock,
    xCheckReservedLock,
    xFileControl,
    xSectorSize,
    xDeviceCharacteristics,
    xShmMap,
    xShmLock,
    xShmBarrier,
    xShmUnmap,
    nullptr,
    nullptr,
};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
    auto* state = new FileState;
    state->realStorage = std::make_unique<char[]>(static_cast<std::size_t>(g_real->szOsFile));
    state->real = reinterpret_cast<sqlite3_file*>(state->realStorage.get());
    if (name != nullptr) {
        state->path = name;
        state->createdHere = ::access(name, F_OK) != 0;
    }
    const int rc = g_real->xOpen(g_real, name, state->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        delete state;
        file->pMethods = nullptr;
        return rc;
    }
    const bool persistent =
        (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
    state->buffered = g_plan.bufferUnsynced && persistent && name != nullptr;
    state->mainDb = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    if (state->buffered) {
        state->image.resize(static_cast<std::size_t>(realSize(*state)));
        if (!state->image.empty()) {
            state->real->pMethods->xRead(state->real, state->image.data(),
                                         static_cast<int>(state->image.size()), 0);
        }
    }
    auto* wrapper = reinterpret_cast<FaultFile*>(file);
    wrapper->base.pMethods = &kMethods;
    wrapper->state = state;
    g_open.insert(state);
    return SQLITE_OK;
}

int xDelete(sqlite3_vfs*, const char* name, int syncDir) {
    return g_real->xDelete(g_real, name, syncDir);
}
int xAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    return g_real->xAccess(g_real, name, flags, out);
}
int xFullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return g_real->xFullPathname(g_real, name, size, out);
}
void* xDlOpen(sqlite3_vfs*, const char* name) {
    return g_real->xDlOpen(g_real, name);
}
void xDlError(sqlite3_vfs*, int size, char* out) {
    g_real->xDlError(g_real, size, out);
}
void (*xDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return g_real->xDlSym(g_real, handle, symbol);
}
void xDlClose(sqlite3_vfs*, void* handle) {
    g_real->xDlClose(g_real, handle);
}
int xRandomness(sqlite3_vfs*, int size, char* out) {
    return g_real->xRandomness(g_real, size, out);
}
int xSleep(sqlite3_vfs*, int us) {
    return g_real->xSleep(g_real, us);
}
int xCurrentTime(sqlite3_vfs*, double* out) {
    return g_real->xCurrentTime(g_real, out);
}
int xGetLastError(sqlite3_vfs*, int size, char* out) {
    return g_real->xGetLastError(g_real, size, out);
}
int xCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
    return g_real->xCurrentTimeInt64(g_real, out);
}

} // namespace

FaultPlan& faultPlan() {
    return g_plan;
}
std::int64_t faultOpCount() {
    return g_ops;
}

const char* registerFaultVfs() {
    if (g_real == nullptr) {
        g_real = sqlite3_vfs_find(nullptr);
        g_vfs = sqlite3_vfs{};
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile));
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = kVfsName;
        g_vfs.xOpen = xOpen;
        g_vfs.xDelete = xDelete;
        g_vfs.xAccess = xAccess;
        g_vfs.xFullPathname = xFullPathname;
        g_vfs.xDlOpen = xDlOpen;
        g_vfs.xDlError = xDlError;
        g_vfs.xDlSym = xDlSym;
        g_vfs.xDlClose = xDlClose;
        g_vfs.xRandomness = xRandomness;
        g_vfs.xSleep = xSleep;
        g_vfs.xCurrentTime = xCurrentTime;
        g_vfs.xGetLastError = xGetLastError;
        g_vfs.xCurrentTimeInt64 = xCurrentTimeInt64;
        sqlite3_vfs_register(&g_vfs, 0);
    }
    return kVfsName;
}

} // namespace doorpost::storage::test
