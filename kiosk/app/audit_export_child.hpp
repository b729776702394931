#pragma once
// The audit export as the staff screen runs it: in a child process (`doorpost --db DB export
// ... --json`), because the export maps the database file and a disk error under a mapping is
// SIGBUS; in a child that ends the export, not the kiosk. Here also: where the folder goes (an
// operator-given folder, else the first writable removable-media mount) and the period.
// Everything here blocks (filesystem, waiting for the child): call it from a worker thread only.

#include "storage/base/result.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::kiosk::app {

// The period staff export: from local midnight today (the kiosk's time zone) to now, inclusive
// of this second. As UTC unix seconds, [from, to).
struct ExportPeriod {
    std::int64_t fromUnix = 0;
    std::int64_t toUnix = 0;
};
ExportPeriod todaySoFar(std::int64_t nowUnix);

// Where the export folder is created: `configured` if given (it must be a writable folder), else
// the first writable mount point under /media/*/* or /run/media/*/* (removable media as desktop
// automounters place it), in name order. `mediaRoots` is for tests.
Result<std::string> findExportDestination(const std::string& configured,
                                          const std::vector<std::string>& mediaRoots = {
                                              "/media", "/run/media"});

// Creates a new, empty folder "doorpost-audit-<device>-<YYYYMMDDTHHMMSSZ>" (or with "-2", "-3"
// ... when that exists) under `parent`. mkdir fails on an existing name, so nothing is ever
// overwritten, even by two exports in the same second.
Result<std::string> createExportFolder(const std::string& parent, const std::string& device,
                                       std::int64_t nowUnix);

struct ChildExport {
    std::string outDir;
    std::int64_t count = 0;
    std::int64_t firstBrokenSeq = 0;
};

// Spawns `exe --db DB export --from F --to T --out DIR --json` (posix_spawn: no code of ours runs
// in the child before exec), reads its output and waits for it. The child's one-line error
// becomes the error's message. `childPid` is set while it runs, so a stopping kiosk can end it.
Result<ChildExport> runExportChild(const std::string& exe, const std::string& dbPath,
                                   const ExportPeriod& period, const std::string& outDir,
                                   std::atomic<int>* childPid = nullptr);

} // namespace doorpost::kiosk::app
