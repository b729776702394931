#include "sync/central/status_page.hpp"

#include "storage/base/html.hpp"
#include "storage/base/iso_time.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

namespace doorpost::sync::central {
namespace {

// Every word on the page in both languages.
struct Words {
    const char* title;
    const char* doors;
    const char* online;
    const char* quiet;
    const char* behind;
    const char* revoked;
    const char* door;
    const char* state;
    const char* waiting;
    const char* lastSync;
    const char* held;
    const char* quarantined;
    const char* findings;
    const char* conflicts;
    const char* version;
    const char* clock;
    const char* never;
    const char* sets;
    const char* set;
    const char* setVersion;
    const char* items;
    const char* validUntil;
    const char* refreshes;
    const char* ago;
    const char* none;
    const char* eventsWaiting;
};

constexpr Words kEnglish{"Doorpost central",
                         "Doors",
                         "online",
                         "quiet",
                         "behind",
                         "revoked",
                         "Door",
                         "State",
                         "Events waiting",
                         "Last contact",
                         "Events held",
                         "Quarantined",
                         "Findings",
                         "Conflicts",
                         "Software",
                         "Clock offset",
                         "never",
                         "Published sets",
                         "Set",
                         "Version",
                         "Items",
                         "Valid until",
                         "Refreshes every",
                         "ago",
                         "none yet",
                         "events waiting"};
constexpr Words kChinese{"Doorpost 中心服务",
                         "闸机",
                         "在线",
                         "静默",
                         "滞后",
                         "已吊销",
                         "闸机",
                         "状态",
                         "待同步事件",
                         "最后联系",
                         "已收事件",
                         "隔离记录",
                         "核查发现",
                         "冲突",
                         "软件版本",
                         "时钟偏差",
                         "从未",
                         "已发布数据集",
                         "数据集",
                         "版本",
                         "条目",
                         "有效期至",
                         "自动刷新间隔",
                         "前",
                         "暂无",
                         "条待同步"};

std::string isoUtc(std::int64_t ms) {
    return formatUtc(ms / 1000, "%Y-%m-%d %H:%M:%SZ");
}

std::string age(std::int64_t ms, const Words& w, PageLanguage language) {
    const std::int64_t s = ms / 1000;
    std::string amount =
        s < 120 ? std::to_string(s) + (language == PageLanguage::English ? " s" : " 秒")
        : s < 7200
            ? std::to_string(s / 60) + (language == PageLanguage::English ? " min" : " 分钟")
            : std::to_string(s / 3600) + (language == PageLanguage::English ? " h" : " 小时");
    return amount + (language == PageLanguage::English ? " " : "") + w.ago;
}

const char* stateWord(const std::string& state, const Words& w) {
    if (state == "revoked")
        return w.revoked;
    if (state == "quiet")
        return w.quiet;
    if (state == "behind")
        return w.behind;
    return w.online;
}

// Colour is never the only signal: each state also has its word and a symbol.
const char* stateSymbol(const std::string& state) {
    if (state == "revoked")
        return "&#x2716;"; // heavy X
    if (state == "quiet")
        return "&#x25CB;"; // circle
    if (state == "behind")
        return "&#x25B2;"; // triangle
    return "&#x25CF;";     // filled circle
}

constexpr const char* kStyle = R"CSS(
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:1.5em;color:#1a1a1a;background:#fafafa}
h1{font-size:1.5em;margin:0 0 .2em}
.meta{color:#555;margin-bottom:1em}
.summary span{display:inline-block;margin-right:1.2em;padding:.3em .7em;border-radius:.3em;background:#eee}
table{border-collapse:collapse;margin:1em 0;min-width:60%}
th,td{border-bottom:1px solid #ddd;padding:.35em .7em;text-align:left}
th{background:#f0f0f0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.state{font-weight:bold;padding:.1em .5em;border-radius:.3em}
.online{background:#d8f3dc;color:#1b4332}
.behind{background:#fff3bf;color:#7c5e00}
.quiet{background:#e9ecef;color:#495057}
.revoked{background:#ffd6d6;color:#8b0000}
nav a{margin-left:.7em}
)CSS";

} // namespace

PageLanguage pageLanguage(const std::string& langParam, const std::string& acceptLanguage) {
    auto match = [](std::string tag) -> int {
        for (char& c : tag)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (tag.rfind("en", 0) == 0)
            return 1;
        if (tag.rfind("zh", 0) == 0)
            return 2;
        return 0;
    };
    if (const int chosen = match(langParam))
        return chosen == 1 ? PageLanguage::English : PageLanguage::Chinese;
    std::istringstream tags(acceptLanguage);
    std::string tag;
    while (std::getline(tags, tag, ',')) {
        while (!tag.empty() && tag.front() == ' ')
            tag.erase(tag.begin());
        if (const int chosen = match(tag.substr(0, tag.find(';'))))
            return chosen == 1 ? PageLanguage::English : PageLanguage::Chinese;
    }
    return PageLanguage::Chinese;
}

std::string doorState(const DoorView& door, std::int64_t nowMs, std::int64_t quietAfterS) {
    if (door.revoked)
        return "revoked";
    if (door.lastContactMs == 0 || nowMs - door.lastContactMs > quietAfterS * 1000)
        return "quiet";
    if (door.ackedLag > 0)
        return "behind";
    return "online";
}

std::string renderStatusPage(const StatusPage& page, PageLanguage language) {
    const Words& w = language == PageLanguage::English ? kEnglish : kChinese;
    const bool en = language == PageLanguage::English;
    std::map<std::string, int> counts;
    std::int64_t waiting = 0;
    std::int64_t findings = 0;
    std::int64_t conflicts = 0;
    for (const DoorView& door : page.doors) {
        if (door.role != "door")
            continue;
        counts[doorState(door, page.nowMs, page.quietAfterS)] += 1;
        waiting += door.ackedLag;
        findings += door.findings;
        conflicts += door.alerts;
    }
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"" << (en ? "en" : "zh-CN") << "\">\n<head>\n"
        << "<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"" << page.refreshS
        << "\">\n<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
        << "<title>" << w.title << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n"
        << "<h1>" << w.title << "</h1>\n<div class=\"meta\">" << htmlEscape(isoUtc(page.nowMs))
        << " &middot; " << htmlEscape(page.version) << " &middot; " << w.refreshes << ' '
        << page.refreshS << (en ? " s" : " 秒")
        << " <nav><a href=\"?lang=zh-CN\" lang=\"zh-CN\">中文</a><a href=\"?lang=en\" "
           "lang=\"en\">English</a></nav></div>\n";
    out << "<div class=\"summary\" id=\"summary\" data-online=\"" << counts["online"]
        << "\" data-quiet=\"" << counts["quiet"] << "\" data-behind=\"" << counts["behind"]
        << "\" data-revoked=\"" << counts["revoked"] << "\" data-waiting=\"" << waiting
        << "\" data-findings=\"" << findings << "\" data-conflicts=\"" << conflicts << "\">"
        << "<span class=\"online\">" << stateSymbol("online") << ' ' << w.online << ' '
        << counts["online"] << "</span><span class=\"behind\">" << stateSymbol("behind") << ' '
        << w.behind << ' ' << counts["behind"] << "</span><span class=\"quiet\">"
        << stateSymbol("quiet") << ' ' << w.quiet << ' ' << counts["quiet"]
        << "</span><span class=\"revoked\">" << stateSymbol("revoked") << ' ' << w.revoked << ' '
        << counts["revoked"] << "</span><span>" << waiting << ' ' << w.eventsWaiting
        << "</span><span>" << w.findings << ' ' << findings << "</span><span>" << w.conflicts << ' '
        << conflicts << "</span></div>\n";

    out << "<h2>" << w.doors << "</h2>\n<table id=\"doors\">\n<tr><th>" << w.door << "</th><th>"
        << w.state << "</th><th>" << w.waiting << "</th><th>" << w.lastSync << "</th><th>" << w.held
        << "</th><th>" << w.quarantined << "</th><th>" << w.findings << "</th><th>" << w.conflicts
        << "</th><th>" << w.version << "</th><th>" << w.clock << "</th></tr>\n";
    for (const DoorView& door : page.doors) {
        if (door.role != "door")
            continue;
        const std::string state = doorState(door, page.nowMs, page.quietAfterS);
        out << "<tr data-door=\"" << htmlEscape(door.name) << "\" data-state=\"" << state
            << "\" data-waiting=\"" << door.ackedLag << "\" data-events=\"" << door.events
            << "\" data-acked=\"" << door.ackedThrough << "\" data-quarantined=\""
            << door.quarantined << "\" data-findings=\"" << door.findings << "\" data-conflicts=\""
            << door.alerts << "\" data-last-contact-ms=\"" << door.lastContactMs << "\">";
        out << "<td>" << htmlEscape(door.name) << "</td><td><span class=\"state " << state << "\">"
            << stateSymbol(state) << ' ' << stateWord(state, w) << "</span>";
        if (door.revoked && !door.revokeReason.empty())
            out << " <small>" << htmlEscape(door.revokeReason) << "</small>";
        out << "</td><td class=\"n\">" << door.ackedLag << "</td><td>";
        if (door.lastContactMs > 0)
            out << "<span title=\"" << htmlEscape(isoUtc(door.lastContactMs)) << "\">"
                << htmlEscape(age(page.nowMs - door.lastContactMs, w, language)) << "</span>";
        else
            out << w.never;
        out << "</td><td class=\"n\">" << door.events << "</td><td class=\"n\">" << door.quarantined
            << "</td><td class=\"n\">" << door.findings << "</td><td class=\"n\">" << door.alerts
            << "</td><td>" << htmlEscape(door.softwareVersion) << "</td><td class=\"n\">";
        if (door.clockOffsetMs) {
            const double seconds = static_cast<double>(*door.clockOffsetMs) / 1000.0;
            char text[32];
            std::snprintf(text, sizeof text, "%+.1f s", seconds);
            out << text;
        }
        out << "</td></tr>\n";
    }
    out << "</table>\n<h2>" << w.sets << "</h2>\n<table id=\"sets\">\n<tr><th>" << w.set
        << "</th><th>" << w.setVersion << "</th><th>" << w.items << "</th><th>" << w.validUntil
        << "</th></tr>\n";
    if (page.sets.empty())
        out << "<tr><td colspan=\"4\">" << w.none << "</td></tr>\n";
    for (const SetVersion& set : page.sets)
        out << "<tr data-set=\"" << htmlEscape(set.name) << "\" data-version=\"" << set.version
            << "\"><td>" << htmlEscape(set.name) << "</td><td class=\"n\">" << set.version
            << "</td><td class=\"n\">" << set.items << "</td><td>" << htmlEscape(set.validUntil)
            << "</td></tr>\n";
    out << "</table>\n</body>\n</html>\n";
    return out.str();
}

} // namespace doorpost::sync::central
