// report.html counts an event at the time it was decided: a registration entered after the fact
// with `doorpost register --at` (detail.decided_at) belongs to the 10-minute slot of its
// decision, not to the slot of whoever typed it in later, and the manual list shows both times.

#include "storage/audit/views.hpp"
#include "storage/base/iso_time.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::storage::audit;

namespace {

// The report speaks the site's local time; UTC here so the expected texts are fixed.
class UtcZone {
public:
    UtcZone() {
        if (const char* tz = std::getenv("TZ"))
            m_old = tz;
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
    ~UtcZone() {
        if (m_old)
            ::setenv("TZ", m_old->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

private:
    std::optional<std::string> m_old;
};

Event event(std::int64_t seq, EventKind kind, const char* recordedAt, std::string detail) {
    Event e;
    e.seq = seq;
    e.deviceId = "kiosk-1";
    e.kind = kind;
    e.wallTimeMs = *parseIsoTime(recordedAt) * 1000;
    e.verdict = Verdict::Admit;
    e.maskedId = "44**************93";
    e.reasons = {kind == EventKind::Manual ? "manual_registration" : "credential_valid"};
    e.operatorId = kind == EventKind::Manual ? "op-7" : "";
    e.detail = std::move(detail);
    return e;
}

// The row of the per-10-minute table for `slot` ("2026-12-07 08:10"), or "".
std::string slotRow(const std::string& html, const std::string& slot) {
    const auto at = html.find("<tr><td>" + slot + "</td>");
    return at == std::string::npos ? std::string() : html.substr(at, html.find("</tr>", at) - at);
}

} // namespace

TEST_CASE("report.html counts a registration entered with --at at its decision time",
          "[audit][report]") {
    UtcZone utc;
    ReportView report;
    // Registered at 17:05 from the paper list of the morning: decided at 08:12.
    report.add(
        event(1, EventKind::Manual, "2026-12-07T17:05:30Z",
              R"({"door":"door-1","decided_at":"2026-12-07T08:12:00Z","reason":"no_phone"})"));
    // A scan at 17:05, decided then.
    report.add(event(2, EventKind::Scan, "2026-12-07T17:05:40Z", R"({"door":"door-1"})"));
    // A scan with --at the same minute as its recording: not "after the fact".
    report.add(event(3, EventKind::Scan, "2026-12-07T17:06:10Z",
                     R"({"door":"door-1","decided_at":"2026-12-07T17:06:10Z"})"));
    ReportHeader header;
    header.title = "kiosk-1";
    header.verification = "intact";
    const std::string html = report.html(header);

    // admit, deny, refer, manual
    CHECK(slotRow(html, "2026-12-07 08:10") ==
          "<tr><td>2026-12-07 08:10</td><td>1</td><td>0</td><td>0</td><td>1</td>");
    CHECK(slotRow(html, "2026-12-07 17:00") ==
          "<tr><td>2026-12-07 17:00</td><td>2</td><td>0</td><td>0</td><td>0</td>");
    // The manual list: when it was decided, and when it was recorded.
    CHECK(html.find("<tr><td>2026-12-07 08:12:00<br><small>登记于 recorded 2026-12-07 "
                    "17:05:30</small></td><td>door-1</td><td>1</td>") != std::string::npos);
    CHECK(html.find("1 events were registered after the fact") != std::string::npos);
}

TEST_CASE("report.html without decision times counts events when they were recorded",
          "[audit][report]") {
    UtcZone utc;
    ReportView report;
    report.add(event(1, EventKind::Manual, "2026-12-07T08:12:00Z",
                     R"({"door":"door-1","reason":"no_phone"})"));
    // A decided_at that is not a time is not trusted over the recording time.
    report.add(event(2, EventKind::Scan, "2026-12-07T08:14:00Z",
                     R"({"door":"door-1","decided_at":"yesterday"})"));
    const std::string html = report.html(ReportHeader{});
    CHECK(slotRow(html, "2026-12-07 08:10") ==
          "<tr><td>2026-12-07 08:10</td><td>2</td><td>0</td><td>0</td><td>1</td>");
    CHECK(html.find("<tr><td>2026-12-07 08:12:00</td><td>door-1</td>") != std::string::npos);
    CHECK(html.find("after the fact") == std::string::npos);
}
