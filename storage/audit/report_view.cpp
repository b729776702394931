#include "storage/audit/format.hpp"
#include "storage/audit/views.hpp"
#include "storage/base/html.hpp"
#include "storage/base/iso_time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace doorpost::storage::audit {
namespace {

constexpr std::int64_t kSlotSeconds = 600; // 10 minutes

enum class Shown { Clock, DayClock, Date, DateSeconds };

std::string localText(std::int64_t unixSeconds, Shown shown) {
    const auto t = static_cast<std::time_t>(unixSeconds);
    std::tm local{};
    localtime_r(&t, &local);
    char text[64];
    switch (shown) {
    case Shown::Clock:
        std::strftime(text, sizeof text, "%H:%M", &local);
        break;
    case Shown::DayClock:
        std::strftime(text, sizeof text, "%m-%d %H:%M", &local);
        break;
    case Shown::Date:
        std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
        break;
    case Shown::DateSeconds:
        std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
        break;
    }
    return text;
}

// The local 10-minute slot an instant falls in (its start, in seconds since 1970).
std::int64_t localSlot(std::int64_t unixMs) {
    const auto t = static_cast<std::time_t>(unixMs / 1000);
    std::tm local{};
    localtime_r(&t, &local);
    const std::int64_t seconds = unixMs / 1000;
    const std::int64_t intoSlot = (local.tm_min % 10) * 60 + local.tm_sec;
    return seconds - intoSlot;
}

std::string detailText(const nlohmann::json& detail, const char* key) {
    if (!detail.is_object() || !detail.contains(key) || !detail[key].is_string())
        return {};
    return detail[key].get<std::string>();
}

// When the event happened, in ms: the decision clock the gate was given (`doorpost scan|register
// --at`: a registration entered after the fact, from a paper list) when there was one, which
// the gate records as detail.decided_at; else when it was recorded. The log's wall_time_ms is
// always the recording time (the chain's order), so a backdated registration counted at it
// would land in the slot of whoever typed it in later.
std::int64_t decidedAtMs(const Event& event, const nlohmann::json& detail) {
    const std::string given = detailText(detail, "decided_at");
    if (given.empty())
        return event.wallTimeMs;
    auto seconds = parseIsoTime(given);
    return seconds ? *seconds * 1000 : event.wallTimeMs;
}

} // namespace

Result<std::pair<std::string, std::int64_t>> fingerprintFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return environmentFault("cannot read " + path + ": " + std::strerror(errno));
    Sha256Stream sha;
    std::int64_t bytes = 0;
    std::string buffer(1 << 16, '\0');
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            return environmentFault("cannot read " + path + ": " + std::strerror(error));
        }
        if (n == 0)
            break;
        sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        bytes += n;
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced)
        return environmentFault("cannot sync " + path);
    return std::pair{sha.finishHex(), bytes};
}

std::string eventDoor(const Event& event) {
    const auto detail = nlohmann::json::parse(event.detail, nullptr, false);
    std::string door = detailText(detail, "door");
    return door.empty() ? event.deviceId : door;
}

void ReportView::add(const Event& event, const OpenedId* opened) {
    ++m_events;
    const auto detail = nlohmann::json::parse(event.detail, nullptr, false);
    std::string door = detailText(detail, "door");
    if (door.empty())
        door = event.deviceId;
    const std::int64_t at = decidedAtMs(event, detail);
    // Set apart from the recording by more than a minute: a registration entered after the fact.
    const bool backdated = std::abs(at - event.wallTimeMs) >= 60'000;
    if (backdated)
        ++m_backdated;
    Bucket& bucket = m_doors[door][localSlot(at)];
    switch (event.verdict) {
    case Verdict::Admit:
        ++bucket.admit;
        break;
    case Verdict::Deny:
        ++bucket.deny;
        break;
    case Verdict::Refer:
        ++bucket.refer;
        break;
    default:
        break;
    }
    for (const auto& reason : event.reasons)
        ++m_reasons[reason];
    // Clock jumps, seen two ways: against the event before it in this export, and as the gate
    // recorded it (detail.clock.wall_back_ms, against the latest wall time in the whole log).
    const nlohmann::json* clock =
        detail.is_object() && detail.contains("clock") && detail["clock"].is_object()
            ? &detail["clock"]
            : nullptr;
    std::int64_t back =
        m_events > 1 && event.wallTimeMs < m_lastWallMs ? m_lastWallMs - event.wallTimeMs : 0;
    if (clock != nullptr && clock->contains("wall_back_ms") && (*clock)["wall_back_ms"].is_number())
        back = std::max(back, (*clock)["wall_back_ms"].get<std::int64_t>());
    if (back > 0)
        m_clockNotes.push_back({event.seq, event.wallTimeMs, "wall time back 时间倒退",
                                std::to_string(back / 1000) + " s"});
    m_lastWallMs = std::max(m_lastWallMs, event.wallTimeMs);
    const std::string action = detailText(detail, "action");
    if (action == "clock_set" || action == "clock_confirmed") {
        m_clockNotes.push_back({event.seq, event.wallTimeMs, action + " (" + event.operatorId + ")",
                                detailText(detail, "set_to")});
    } else if (clock != nullptr && detailText(*clock, "state") != "ok" &&
               !detailText(*clock, "state").empty()) {
        ++m_clockNotOk;
        if (m_clockNotOk <= 50 || back > 0)
            m_clockNotes.push_back({event.seq, event.wallTimeMs,
                                    "clock " + detailText(*clock, "state"),
                                    "estimate " + detailText(*clock, "estimate")});
    }
    if (event.kind == EventKind::Manual) {
        ++bucket.manual;
        Manual manual;
        manual.decidedAtMs = at;
        if (backdated)
            manual.recordedAtMs = event.wallTimeMs;
        manual.door = door;
        manual.id = opened != nullptr && !opened->idNumber.empty()
                        ? opened->idNumber
                        : maskResidentIds(event.maskedId);
        manual.name = opened != nullptr ? opened->name : std::string();
        manual.reason = detailText(detail, "reason");
        manual.operatorId = event.operatorId;
        manual.verdict = std::string(toString(event.verdict));
        manual.seq = event.seq;
        m_manual.push_back(std::move(manual));
    }
}

std::string ReportView::html(const ReportHeader& header) const {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           // No network: nothing here is fetched (inline style, inline SVG, no scripts).
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src data:\">\n<title>";
    out += htmlEscape("Doorpost audit report · " + header.title);
    out += "</title>\n<style>\n"
           "body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;margin:24px;color:#222}\n"
           "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px "
           "solid #ccc}\n"
           "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px "
           "8px;text-align:left}\n"
           "th{background:#eef3fa}.ok{color:#17692b;font-weight:bold}.bad{color:#b00020;"
           "font-weight:bold}\n"
           ".mono{font-family:monospace;font-size:12px}.legend span{display:inline-block;"
           "margin-right:14px}\n"
           ".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:"
           "middle}\n</style></head><body>\n";
    out += "<h1>审计报告 Audit report · " + htmlEscape(header.title) + "</h1>\n";
    out += "<p>时段 Period: " + htmlEscape(header.from) + " — " + htmlEscape(header.to) +
           " (UTC) · 导出于 created " + htmlEscape(header.createdAt) + " · " +
           std::to_string(m_events) + " 条事件 events · " +
           (header.unmasked ? "<b>证件号已解封 ID numbers UNMASKED</b>"
                            : "证件号已脱敏 ID numbers masked") +
           "</p>\n";
    const bool verified = header.verification.rfind("intact", 0) == 0;
    out += "<p>校验 Verification: <span class=\"" + std::string(verified ? "ok" : "bad") + "\">" +
           htmlEscape(header.verification) + "</span></p>\n";

    out += "<h2>每 10 分钟 Per 10 minutes, per door</h2>\n<p class=\"legend\">"
           "<span><i class=\"sw\" style=\"background:#2e7d32\"></i>放行 admitted</span>"
           "<span><i class=\"sw\" style=\"background:#c62828\"></i>拒绝 denied</span>"
           "<span><i class=\"sw\" style=\"background:#f9a825\"></i>转人工 referred</span>"
           "<span><i class=\"sw\" style=\"background:#1565c0\"></i>手工登记 manual</span></p>\n";
    if (m_backdated > 0)
        out += "<p>" + std::to_string(m_backdated) +
               " 条事件为事后登记，按登记时给定的决定时间 (--at) 计入。 " +
               std::to_string(m_backdated) +
               " events were registered after the fact with their decision time (--at): they "
               "are counted at that time. events.csv's time_utc is when each was recorded; "
               "events.jsonl keeps the time given as detail.decided_at.</p>\n";
    for (const auto& [door, slots] : m_doors) {
        const std::int64_t first = slots.begin()->first;
        const std::int64_t last = slots.rbegin()->first;
        // Every slot from the first to the last, empty ones included, at most 288 (two days):
        // longer periods are drawn in wider slots.
        std::int64_t width = kSlotSeconds;
        while ((last - first) / width + 1 > 288)
            width *= 2;
        std::map<std::int64_t, Bucket> drawn;
        for (const auto& [slot, bucket] : slots) {
            Bucket& into = drawn[first + (slot - first) / width * width];
            into.admit += bucket.admit;
            into.deny += bucket.deny;
            into.refer += bucket.refer;
            into.manual += bucket.manual;
        }
        const std::int64_t count = (last - first) / width + 1;
        std::int64_t peak = 1;
        for (const auto& [slot, b] : drawn)
            peak = std::max({peak, b.admit + b.deny + b.refer, b.manual});
        const int bar = count > 72 ? 4 : 12;
        const int chartW = 60 + static_cast<int>(count) * (bar + 2);
        const int chartH = 150;
        const int manualH = 40;
        out += "<h3>" + htmlEscape(door) + "</h3>\n<svg width=\"" + std::to_string(chartW) +
               "\" height=\"" + std::to_string(chartH + manualH + 40) +
               "\" role=\"img\" aria-label=\"" + htmlEscape(door) + "\">\n";
        out += "<text x=\"0\" y=\"12\" font-size=\"11\">" + std::to_string(peak) + "</text>";
        out += "<line x1=\"50\" y1=\"" + std::to_string(chartH) + "\" x2=\"" +
               std::to_string(chartW) + "\" y2=\"" + std::to_string(chartH) +
               "\" stroke=\"#888\"/>\n";
        for (std::int64_t i = 0; i < count; ++i) {
            const std::int64_t slot = first + i * width;
            const int x = 52 + static_cast<int>(i) * (bar + 2);
            const auto found = drawn.find(slot);
            if (found != drawn.end()) {
                const Bucket& b = found->second;
                int y = chartH;
                for (const auto& [value, colour] :
                     {std::pair{b.admit, "#2e7d32"}, std::pair{b.deny, "#c62828"},
                      std::pair{b.refer, "#f9a825"}}) {
                    const int h = static_cast<int>(value * (chartH - 20) / peak);
                    if (h <= 0)
                        continue;
                    y -= h;
                    out += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
                           "\" width=\"" + std::to_string(bar) + "\" height=\"" +
                           std::to_string(h) + "\" fill=\"" + colour + "\"><title>" +
                           htmlEscape(localText(slot, Shown::Clock)) + " " + std::to_string(value) +
                           "</title></rect>";
                }
                if (b.manual > 0) {
                    const int h = std::max(2, static_cast<int>(b.manual * (manualH - 4) / peak));
                    out += "<rect x=\"" + std::to_string(x) + "\" y=\"" +
                           std::to_string(chartH + 4) + "\" width=\"" + std::to_string(bar) +
                           "\" height=\"" + std::to_string(h) +
                           "\" fill=\"#1565c0\"><title>manual " + std::to_string(b.manual) +
                           "</title></rect>";
                }
            }
            if (i % 6 == 0)
                out += "<text x=\"" + std::to_string(x) + "\" y=\"" +
                       std::to_string(chartH + manualH + 16) + "\" font-size=\"10\">" +
                       htmlEscape(localText(slot, count * width > 86400 ? Shown::DayClock
                                                                        : Shown::Clock)) +
                       "</text>";
        }
        out += "\n</svg>\n<table><tr><th>时间 local time</th><th>放行 admit</th><th>拒绝 "
               "deny</th><th>转人工 refer</th><th>手工 manual</th></tr>\n";
        for (const auto& [slot, b] : drawn)
            out += "<tr><td>" + htmlEscape(localText(slot, Shown::Date)) + "</td><td>" +
                   std::to_string(b.admit) + "</td><td>" + std::to_string(b.deny) + "</td><td>" +
                   std::to_string(b.refer) + "</td><td>" + std::to_string(b.manual) +
                   "</td></tr>\n";
        out += "</table>\n";
    }

    out += "<h2>原因 Reasons</h2>\n<table><tr><th>代码 code</th><th>次数 count</th></tr>\n";
    std::vector<std::pair<std::string, std::int64_t>> reasons(m_reasons.begin(), m_reasons.end());
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [code, count] : reasons)
        out += "<tr><td class=\"mono\">" + htmlEscape(code) + "</td><td>" + std::to_string(count) +
               "</td></tr>\n";
    out += "</table>\n";

    out += "<h2>手工登记 Manual registrations (" + std::to_string(m_manual.size()) + ")</h2>\n";
    out += "<table><tr><th>时间 local time</th><th>门 door</th><th>序号 seq</th><th>" +
           std::string(header.unmasked ? "证件号 ID number" : "脱敏证件号 masked ID") + "</th>" +
           (header.unmasked ? "<th>姓名 name</th>" : "") +
           "<th>原因 reason</th><th>操作员 operator</th><th>结论 verdict</th></tr>\n";
    for (const Manual& m : m_manual)
        out += "<tr><td>" + htmlEscape(localText(m.decidedAtMs / 1000, Shown::DateSeconds)) +
               (m.recordedAtMs
                    ? "<br><small>登记于 recorded " +
                          htmlEscape(localText(*m.recordedAtMs / 1000, Shown::DateSeconds)) +
                          "</small>"
                    : std::string()) +
               "</td><td>" + htmlEscape(m.door) + "</td><td>" + std::to_string(m.seq) +
               "</td><td class=\"mono\">" + htmlEscape(m.id) + "</td>" +
               (header.unmasked ? "<td>" + htmlEscape(m.name) + "</td>" : "") + "<td>" +
               htmlEscape(m.reason) + "</td><td>" + htmlEscape(m.operatorId) + "</td><td>" +
               htmlEscape(m.verdict) + "</td></tr>\n";
    out += "</table>\n";

    out += "<h2>设备时钟 Device clock</h2>\n<p>" + std::to_string(m_clockNotOk) +
           " 条事件在时钟可疑时记录 events recorded while the clock was not ok; " +
           std::to_string(std::count_if(
               m_clockNotes.begin(), m_clockNotes.end(),
               [](const ClockNote& n) { return n.what.rfind("wall time back", 0) == 0; })) +
           " 次时间倒退 wall-time jumps back</p>\n";
    if (!m_clockNotes.empty()) {
        out += "<table><tr><th>序号 seq</th><th>设备时间 device time</th><th>事项 what</th>"
               "<th>值 value</th></tr>\n";
        for (const ClockNote& note : m_clockNotes)
            out += "<tr><td>" + std::to_string(note.seq) + "</td><td>" +
                   htmlEscape(localText(note.wallTimeMs / 1000, Shown::DateSeconds)) +
                   "</td><td class=\"bad\">" + htmlEscape(note.what) + "</td><td>" +
                   htmlEscape(note.value) + "</td></tr>\n";
        out += "</table>\n";
    }

    out += "<h2>清单 Manifest hashes (SHA-256)</h2>\n<table><tr><th>文件 file</th><th>字节 "
           "bytes</th><th>SHA-256</th></tr>\n";
    for (const ReportFile& file : header.files)
        out += "<tr><td>" + htmlEscape(file.name) + "</td><td>" + std::to_string(file.bytes) +
               "</td><td class=\"mono\">" + htmlEscape(file.sha256) + "</td></tr>\n";
    out += "</table>\n<p>manifest.json (signed) lists these and this page; "
           "<code>doorpost verify-export DIR</code> checks them.</p>\n</body></html>\n";
    return out;
}

} // namespace doorpost::storage::audit
