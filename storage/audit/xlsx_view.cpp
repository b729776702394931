#include "storage/audit/format.hpp"
#include "storage/audit/views.hpp"

#include <ctime>
#include <nlohmann/json.hpp>
#include <xlsxwriter.h>

namespace doorpost::storage::audit {
namespace {

// Excel counts days from 1899-12-30; 1970-01-01 is day 25569.
double excelSerial(std::int64_t unixMs, std::int64_t offsetSeconds) {
    return static_cast<double>(unixMs + offsetSeconds * 1000) / 86400000.0 + 25569.0;
}

std::int64_t localOffsetSeconds(std::int64_t unixMs) {
    const auto t = static_cast<std::time_t>(unixMs / 1000);
    std::tm local{};
    localtime_r(&t, &local);
    return local.tm_gmtoff;
}

std::string offsetText(std::int64_t seconds) {
    char text[16];
    const std::int64_t magnitude = seconds < 0 ? -seconds : seconds;
    std::snprintf(text, sizeof text, "UTC%c%02d:%02d", seconds < 0 ? '-' : '+',
                  static_cast<int>(magnitude / 3600), static_cast<int>(magnitude / 60 % 60));
    return text;
}

struct Column {
    std::string header; // zh, then en on a second line
    double width;
};

// A sheet holds 1,048,576 rows: the header and this many events.
constexpr lxw_row_t kRowsPerSheet = 1048575;

} // namespace

struct XlsxView::State {
    lxw_workbook* workbook = nullptr;
    lxw_worksheet* sheet = nullptr;
    lxw_format* header = nullptr;
    lxw_format* text = nullptr;
    lxw_format* time = nullptr;
    std::vector<Column> columns;
    int sheets = 0;
    bool withId = false;
    lxw_row_t row = 0;
    lxw_col_t lastColumn = 0;
    lxw_error error = LXW_NO_ERROR;
    std::string path;
};

Result<std::unique_ptr<XlsxView>> XlsxView::create(const std::string& path, bool withIdColumn) {
    std::unique_ptr<XlsxView> view(new XlsxView());
    view->m_state = std::make_unique<State>();
    State& s = *view->m_state;
    s.path = path;
    s.withId = withIdColumn;
    // Constant memory: rows are written to a temporary file as they come (a million events
    // must not be held); the temporary file goes beside the workbook, in the partial folder.
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    const std::string tmpdir = path.substr(0, path.find_last_of('/'));
    options.tmpdir = const_cast<char*>(tmpdir.c_str());
    s.workbook = workbook_new_opt(path.c_str(), &options);
    if (s.workbook == nullptr)
        return environmentFault("cannot write " + path);
    lxw_format* header = workbook_add_format(s.workbook);
    s.header = header;
    format_set_bold(header);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(header, 0xDDEBF7);
    format_set_bottom(header, LXW_BORDER_THIN);
    s.text = workbook_add_format(s.workbook);
    format_set_num_format(s.text, "@"); // typed-in values stay text too
    s.time = workbook_add_format(s.workbook);
    format_set_num_format(s.time, "yyyy-mm-dd hh:mm:ss.000");

    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const std::string local =
        "本地时间\nlocal time (" +
        offsetText(localOffsetSeconds(static_cast<std::int64_t>(now.tv_sec) * 1000)) + ")";
    std::vector<Column> columns = {{"序号\nseq", 8},
                                   {local, 23},
                                   {"UTC 时间\ntime (UTC)", 23},
                                   {"门\ndoor", 14},
                                   {"设备\ndevice", 14},
                                   {"类型\nkind", 9},
                                   {"凭证\ncredential", 12},
                                   {"脱敏证件号\nmasked ID", 21}};
    if (s.withId)
        columns.push_back({"证件号\nID number", 21});
    for (const Column& column : std::vector<Column>{{"姓名\nname", 14},
                                                    {"考场\nroom", 8},
                                                    {"座位\nseat", 7},
                                                    {"准考证号\ncandidate", 16},
                                                    {"结论\nverdict", 9},
                                                    {"原因\nreasons", 30},
                                                    {"操作员\noperator", 12},
                                                    {"事件\nevent id", 34},
                                                    {"哈希\nhash", 66},
                                                    // The device clock the event recorded
                                                    // (docs/clock.md), after every older column.
                                                    {"时钟状态\nclock state", 12},
                                                    {"时钟偏差（毫秒）\nclock offset (ms)", 18},
                                                    {"估计为下限\nestimate is a floor", 14},
                                                    {"时间回退（毫秒）\nwall time back (ms)", 18}})
        columns.push_back(column);
    s.lastColumn = static_cast<lxw_col_t>(columns.size() - 1);
    s.columns = std::move(columns);
    view->startSheet();
    return view;
}

void XlsxView::startSheet() {
    State& s = *m_state;
    if (s.sheet != nullptr && s.row > 1)
        worksheet_autofilter(s.sheet, 0, 0, s.row - 1, s.lastColumn);
    ++s.sheets;
    const std::string name = s.sheets == 1 ? "events" : "events " + std::to_string(s.sheets);
    s.sheet = workbook_add_worksheet(s.workbook, name.c_str());
    // Column formats before any row (constant memory writes rows as they come).
    for (lxw_col_t c = 0; c <= s.lastColumn; ++c)
        worksheet_set_column(s.sheet, c, c, s.columns[c].width, nullptr);
    worksheet_set_row(s.sheet, 0, 32, nullptr);
    for (lxw_col_t c = 0; c <= s.lastColumn; ++c)
        worksheet_write_string(s.sheet, 0, c, s.columns[c].header.c_str(), s.header);
    worksheet_freeze_panes(s.sheet, 1, 0);
    s.row = 1;
}

XlsxView::~XlsxView() {
    if (m_state && m_state->workbook != nullptr)
        (void)close();
}

bool XlsxView::add(const Event& event, const OpenedId* opened) {
    State& s = *m_state;
    if (s.error != LXW_NO_ERROR)
        return false;
    if (s.row > kRowsPerSheet)
        startSheet();
    const auto detail = nlohmann::json::parse(event.detail, nullptr, false);
    const auto field = [&detail](const char* key) -> std::string {
        if (!detail.is_object() || !detail.contains(key) || detail[key].is_null())
            return {};
        const auto& value = detail[key];
        return value.is_string() ? value.get<std::string>() : value.dump();
    };
    lxw_col_t c = 0;
    const auto text = [&](const std::string& value) {
        // Defence in depth, as in the CSV: an unmasked-looking resident ID is masked.
        const std::string safe = maskResidentIds(value);
        if (!safe.empty()) {
            const lxw_error error = worksheet_write_string(s.sheet, s.row, c, safe.c_str(), s.text);
            if (error != LXW_NO_ERROR && s.error == LXW_NO_ERROR)
                s.error = error;
        }
        ++c;
    };
    worksheet_write_number(s.sheet, s.row, c++, static_cast<double>(event.seq), nullptr);
    worksheet_write_number(s.sheet, s.row, c++,
                           excelSerial(event.wallTimeMs, localOffsetSeconds(event.wallTimeMs)),
                           s.time);
    worksheet_write_number(s.sheet, s.row, c++, excelSerial(event.wallTimeMs, 0), s.time);
    text(eventDoor(event));
    text(event.deviceId);
    text(std::string(toString(event.kind)));
    text(event.credentialType);
    text(event.maskedId);
    if (s.withId) {
        // The one cell not masked: what the auditor asked the central to open.
        if (opened != nullptr && !opened->idNumber.empty())
            worksheet_write_string(s.sheet, s.row, c, opened->idNumber.c_str(), s.text);
        ++c;
    }
    text(opened != nullptr && !opened->name.empty() ? opened->name : field("name"));
    text(field("room"));
    text(field("seat"));
    text(field("candidate"));
    text(std::string(toString(event.verdict)));
    std::string reasons;
    for (const auto& reason : event.reasons)
        reasons += (reasons.empty() ? "" : ",") + reason;
    text(reasons);
    text(event.operatorId);
    text(event.eventId);
    text(event.hash);
    // detail.clock: the state as text, the offset and the jump back as numbers (ms).
    const nlohmann::json* clock =
        detail.is_object() && detail.contains("clock") && detail["clock"].is_object()
            ? &detail["clock"]
            : nullptr;
    const auto clockText = [&](const char* key) -> std::string {
        if (clock == nullptr || !clock->contains(key) || (*clock)[key].is_null())
            return {};
        const auto& value = (*clock)[key];
        return value.is_string() ? value.get<std::string>() : value.dump();
    };
    const auto clockNumber = [&](const char* key) {
        if (clock != nullptr && clock->contains(key) && (*clock)[key].is_number_integer()) {
            worksheet_write_number(s.sheet, s.row, c++,
                                   static_cast<double>((*clock)[key].get<std::int64_t>()), nullptr);
        } else {
            text(clockText(key));
        }
    };
    text(clockText("state"));
    clockNumber("offset_ms");
    text(clockText("floor"));
    clockNumber("wall_back_ms");
    ++s.row;
    return s.error == LXW_NO_ERROR;
}

Result<void> XlsxView::close() {
    State& s = *m_state;
    if (s.workbook == nullptr)
        return {};
    if (s.row > 1)
        worksheet_autofilter(s.sheet, 0, 0, s.row - 1, s.lastColumn);
    const lxw_error closed = workbook_close(s.workbook);
    s.workbook = nullptr;
    const lxw_error error = s.error != LXW_NO_ERROR ? s.error : closed;
    if (error != LXW_NO_ERROR)
        return environmentFault("cannot write " + s.path + ": " + lxw_strerror(error));
    return {};
}

} // namespace doorpost::storage::audit
