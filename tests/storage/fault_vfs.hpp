#pragma once
// A SQLite VFS for tests that wraps the default unix VFS and injects the faults of issue 2:
// power loss (unsynced writes thrown away), disk full (a byte quota) and I/O errors.
//
// The power-loss model (FaultPlan::bufferUnsynced), and why it is honest:
// - Content: xWrite and xTruncate change only an in-memory image of the file (which xRead and
//   xFileSize answer from); the real file on disk receives them, in order, only at xSync of
//   that file. So the real file always holds exactly what was synced, as a disk would after
//   losing its volatile cache.
// - At the power cut (before the I/O operation numbered FaultPlan::cutAtOp), each 512-byte piece
//   of each write still pending reaches the disk or not, at random (a disk cache flushes pieces
//   in any order and may be cut mid-write; the unix VFS reports POWERSAFE_OVERWRITE, which this
//   respects: a piece never disturbs bytes outside it). Pending truncates are lost.
// - Directory entries: a file this VFS created is kept at the cut only if it was synced at least
//   once — the unix VFS fsyncs the directory on the first sync of a new WAL or journal
//   (UNIXFILE_DIRSYNC); before that its name may not be on disk, so the file is deleted.
//   (The main database file is created by the test's setup, outside this VFS, and its directory
//   synced by Database::open.)
// - The -shm (wal-index) lives in shared memory and is never synced; the cut deletes it, and
//   SQLite rebuilds it from the WAL at the next open, as after a reboot.
// - The cut ends the process at once (_exit), so no destructor or close can flush anything.
//
// Single-threaded by design: the test (or its forked child) is the only user.

#include <cstdint>
#include <string>

namespace doorpost::storage::test {

struct FaultPlan {
    bool bufferUnsynced = false;        // the power-loss model above
    std::int64_t cutAtOp = -1;          // power cut before this operation (-1: never)
    int cutExitCode = 77;               // the process's exit code at the cut
    std::uint32_t seed = 1;             // which pending pieces survive the cut
    std::int64_t failWritesFromOp = -1; // writes from this operation on fail (SQLITE_IOERR_WRITE)
    bool failSyncs = false;             // every xSync fails (SQLITE_IOERR_FSYNC)
    std::int64_t quotaBytes = -1;       // disk full: growth beyond this many bytes in total fails
};

// The plan read by the VFS at each operation; tests change it between steps.
FaultPlan& faultPlan();
// Write, truncate and sync operations seen so far (the clock of cutAtOp and failWritesFromOp).
std::int64_t faultOpCount();
// Registers the VFS once (not as the default) and returns its name for OpenOptions::vfs.
const char* registerFaultVfs();

} // namespace doorpost::storage::test
