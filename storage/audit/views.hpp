#pragma once
// The two views an audit export writes beside its data files (docs/audit.md), fed event by
// event as the export streams them, in the kiosk's export and the central's alike:
//   events.xlsx  the spreadsheet: every text as text (seats "07", IDs, candidate numbers,
//                hashes), times as real date-times in the site's local time beside UTC, a
//                frozen bilingual header, filters and widths (libxlsxwriter, constant memory);
//   report.html  one self-contained page (inline CSS and SVG, no network): admissions, denials,
//                referrals and manual registrations per 10 minutes per door (at the decision
//                time: detail.decided_at for events registered after the fact), the reasons, the
//                manual registrations (masked, or full in an unmasked central export), the
//                verification result and the manifest's hashes.
// Neither is rebuilt by the verifier; both are fingerprinted by the signed manifest.

#include "storage/base/result.hpp"
#include "storage/event.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::storage::audit {

// What an unmasked central export adds to a manual registration: the number and name opened
// from its sealed box. Empty in every other export.
struct OpenedId {
    std::string idNumber;
    std::string name;
};

class XlsxView {
public:
    // `withIdColumn`: an unmasked central export (the ID number column).
    static Result<std::unique_ptr<XlsxView>> create(const std::string& path, bool withIdColumn);
    ~XlsxView();
    XlsxView(const XlsxView&) = delete;
    XlsxView& operator=(const XlsxView&) = delete;

    // False once a write failed (the error is close()'s to report).
    bool add(const Event& event, const OpenedId* opened = nullptr);
    Result<void> close();

private:
    XlsxView() = default;
    void startSheet(); // a sheet holds about a million rows; more go on the next
    struct State;
    std::unique_ptr<State> m_state;
};

struct ReportFile {
    std::string name;
    std::string sha256;
    std::int64_t bytes = 0;
};

struct ReportHeader {
    std::string title; // "kiosk-1" or "central export"
    std::string from;  // the period, ISO UTC
    std::string to;
    std::string createdAt;
    std::string verification; // one line: what was checked at export and its result
    bool unmasked = false;
    std::vector<ReportFile> files; // the manifest's hashes (every file but the report itself)
};

class ReportView {
public:
    void add(const Event& event, const OpenedId* opened = nullptr);
    std::string html(const ReportHeader& header) const;

private:
    struct Bucket {
        std::int64_t admit = 0;
        std::int64_t deny = 0;
        std::int64_t refer = 0;
        std::int64_t manual = 0;
    };
    struct Manual {
        std::int64_t decidedAtMs = 0;             // detail.decided_at when given, else recorded
        std::optional<std::int64_t> recordedAtMs; // set when far from decidedAtMs
        std::string door;
        std::string id; // masked, or full when opened
        std::string name;
        std::string reason;
        std::string operatorId;
        std::string verdict;
        std::int64_t seq = 0;
    };
    // door -> local 10-minute slot start (s) -> counts
    std::map<std::string, std::map<std::int64_t, Bucket>> m_doors;
    std::map<std::string, std::int64_t> m_reasons;
    std::vector<Manual> m_manual;
    // The device clock (docs/clock.md): a wall time earlier than the one before it, an event
    // decided while the clock was not ok, staff confirming or setting the time.
    struct ClockNote {
        std::int64_t seq = 0;
        std::int64_t wallTimeMs = 0;
        std::string what;  // "wall time back", "clock suspect", "clock_set", ...
        std::string value; // by how much, the estimate, the time staff gave
    };
    std::vector<ClockNote> m_clockNotes;
    std::int64_t m_clockNotOk = 0;
    std::int64_t m_lastWallMs = 0;
    std::int64_t m_events = 0;
    std::int64_t m_backdated = 0; // events whose decision time was given (--at), far from recording
};

// The door an event was recorded at: detail.door when set, else the device id.
std::string eventDoor(const Event& event);

// SHA-256 (hex) and size of a file written whole by someone else (libxlsxwriter), fsynced.
Result<std::pair<std::string, std::int64_t>> fingerprintFile(const std::string& path);

} // namespace doorpost::storage::audit
