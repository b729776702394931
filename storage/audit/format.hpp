#pragma once
// The audit export's file formats (docs/audit.md), shared by the writer and the verifier so the
// verifier rebuilds exactly what the writer wrote:
//   events.jsonl  one event per line, every stored field verbatim (detail as its stored text),
//                 so the chain hash can be recomputed with storage's own eventHash();
//   events.csv    the spreadsheet view: UTF-8 with a BOM, RFC 4180 quoting, CRLF line ends, a
//                 fixed set of columns derived from the event alone (so it can be rebuilt);
//   manifest.json what the export claims, signed with the device key. Its format names the
//                 CSV's columns: v1 the first 14, v2 (since issue 20) the same 14 and then the
//                 device clock each event recorded. The verifier reads both.

#include "storage/base/result.hpp"
#include "storage/event.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace doorpost::storage::audit {

// What exports are written as now, and the format before the clock columns (still verified).
inline constexpr std::string_view kExportFormat = "doorpost-audit-export-v2";
inline constexpr std::string_view kExportFormatV1 = "doorpost-audit-export-v1";
inline constexpr std::string_view kCsvFile = "events.csv";
inline constexpr std::string_view kJsonlFile = "events.jsonl";
inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kXlsxFile = "events.xlsx";
inline constexpr std::string_view kReportFile = "report.html";
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One line of events.jsonl, without the newline. Fails (BadInput, naming the field) when a
// stored text is not valid UTF-8 and so cannot be carried byte for byte in JSON.
Result<std::string> eventToJsonLine(const Event& event);
// The same, appended to `out` (a buffer reused row after row: no allocation per event at a
// million events); false, with `out` partly written, when a text is not valid UTF-8.
bool appendEventJsonLine(std::string& out, const Event& event);
// Parses one line back; every field must be present with its type, and no other field.
Result<Event> eventFromJsonLine(std::string_view line);
// The same, into `event`, whose strings keep their capacity from the last line parsed.
Result<void> eventFromJsonLine(std::string_view line, Event& event);

// The detail keys that go into the CSV (docs/audit.md "What leaves the kiosk"): strings as
// they are, other values as their JSON text; empty when absent, null, or detail is malformed.
// From detail.clock (docs/clock.md): state, offset_ms, floor and wall_back_ms.
struct DetailColumns {
    std::string name;
    std::string room;
    std::string seat;
    std::string clockState;
    std::string clockOffsetMs;
    std::string clockFloor;
    std::string clockWallBackMs;
};
DetailColumns detailColumns(std::string_view detail);

// The CSV's columns: V1 the 14 of doorpost-audit-export-v1; V2 (kExportFormat) the same 14 and
// then clock_state, clock_offset_ms, clock_floor, clock_wall_back_ms, appended so that a reader
// of the older file finds every column where it was.
enum class CsvLayout { V1, V2 };
// The layout of an export of this manifest format (kExportFormat or kExportFormatV1).
CsvLayout csvLayoutOf(std::string_view exportFormat);
bool isKioskExportFormat(std::string_view exportFormat);

// The CSV header line and one event's row, each ending in CRLF (BOM not included).
std::string csvHeader(CsvLayout layout = CsvLayout::V2);
std::string csvRow(const Event& event, CsvLayout layout = CsvLayout::V2);
void appendCsvRow(std::string& out, const Event& event, CsvLayout layout = CsvLayout::V2);
// RFC 4180: quoted when the field holds a comma, a quote, CR or LF; quotes doubled.
void appendCsvField(std::string& out, std::string_view field);
// One field as text for a spreadsheet: RFC 4180 quoting and the formula guard (a leading '),
// but no ID masking: for the unmasked central export's ID column.
std::string csvFieldText(std::string_view field);

// The text with every 18-character resident ID number (GB 11643, valid check character) masked
// as "1101**********1234". Applied to every CSV text taken from an event, as a second line of
// defence: events are meant to carry masked IDs only.
std::string maskResidentIds(std::string_view text);
bool containsResidentId(std::string_view text);

// "2026-11-27T08:00:00.123Z" from ms since 1970 UTC.
std::string isoUtcMs(std::int64_t ms);
void appendIsoUtcMs(std::string& out, std::int64_t ms);

// A running SHA-256 over a file as it is written or read. OpenSSL's, which uses the CPU's SHA
// instructions: libsodium's portable SHA-256 was the largest cost of exporting a million
// events (about 90 MB/s here against 1.6 GB/s).
class Sha256Stream {
public:
    Sha256Stream();
    ~Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    void update(std::string_view bytes);
    std::string finishHex();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace doorpost::storage::audit
