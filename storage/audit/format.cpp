#include "storage/audit/format.hpp"

#include "storage/base/hex.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <openssl/evp.h>

namespace doorpost::storage::audit {

namespace {

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). Text
// from detail (names typed at registration) gets a leading apostrophe, which Excel and WPS
// show as text.
bool looksLikeFormula(std::string_view text) {
    return !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                             text[0] == '\t' || text[0] == '\r');
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits.
bool isResidentIdAt(std::string_view text, std::size_t pos) {
    static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    if (pos + 18 > text.size()) {
        return false;
    }
    if ((pos > 0 && isAlnum(text[pos - 1])) ||
        (pos + 18 < text.size() && isAlnum(text[pos + 18]))) {
        return false;
    }
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        if (!isDigit(text[pos + i])) {
            return false;
        }
        sum += (text[pos + i] - '0') * kWeights[i];
    }
    const char last = text[pos + 17] == 'x' ? 'X' : text[pos + 17];
    return last == kCheck[sum % 11];
}

void appendCsvText(std::string& out, std::string_view text) {
    // Nearly every cell is short, plain and ID-free: appended as it is, without a copy.
    if (!looksLikeFormula(text) && !containsResidentId(text)) {
        appendCsvField(out, text);
        return;
    }
    std::string safe = maskResidentIds(text);
    if (looksLikeFormula(safe)) {
        safe.insert(0, 1, '\'');
    }
    appendCsvField(out, safe);
}

// An integer as JSON writes it ("-63072000000") is a number to a spreadsheet, not a formula:
// written as it is. Anything else is text, guarded as text is.
void appendCsvInteger(std::string& out, std::string_view text) {
    const std::size_t start = !text.empty() && text[0] == '-' ? 1 : 0;
    bool digits = text.size() > start && text.size() <= 20;
    for (std::size_t i = start; digits && i < text.size(); ++i)
        digits = isDigit(text[i]);
    if (digits) {
        out.append(text);
    } else {
        appendCsvText(out, text);
    }
}

void appendDigits(std::string& out, int value, int width) {
    char digits[12];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits, static_cast<std::size_t>(width));
}

// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm):
// no gmtime_r and snprintf per CSV row.
void civilFromDays(std::int64_t days, std::int64_t& year, int& month, int& day) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

} // namespace

CsvLayout csvLayoutOf(std::string_view exportFormat) {
    return exportFormat == kExportFormatV1 ? CsvLayout::V1 : CsvLayout::V2;
}

bool isKioskExportFormat(std::string_view exportFormat) {
    return exportFormat == kExportFormat || exportFormat == kExportFormatV1;
}

std::string csvHeader(CsvLayout layout) {
    std::string header =
        "seq,time_utc,device_id,kind,credential_type,masked_id,name,room,seat,verdict,reasons,"
        "operator,event_id,hash";
    if (layout == CsvLayout::V2)
        header += ",clock_state,clock_offset_ms,clock_floor,clock_wall_back_ms";
    return header + "\r\n";
}

std::string csvRow(const Event& event, CsvLayout layout) {
    std::string row;
    row.reserve(256);
    appendCsvRow(row, event, layout);
    return row;
}

void appendCsvRow(std::string& row, const Event& event, CsvLayout layout) {
    const DetailColumns detail = detailColumns(event.detail);
    char number[24];
    const auto [end, ignored] = std::to_chars(number, number + sizeof number, event.seq);
    (void)ignored;
    row.append(number, static_cast<std::size_t>(end - number));
    row.push_back(',');
    appendIsoUtcMs(row, event.wallTimeMs);
    row.push_back(',');
    appendCsvText(row, event.deviceId);
    row.push_back(',');
    row.append(toString(event.kind));
    row.push_back(',');
    appendCsvText(row, event.credentialType);
    row.push_back(',');
    appendCsvText(row, event.maskedId);
    for (const std::string* field : {&detail.name, &detail.room, &detail.seat}) {
        row.push_back(',');
        appendCsvText(row, *field);
    }
    row.push_back(',');
    row.append(toString(event.verdict));
    row.push_back(',');
    // The codes joined by ',' (so quoted when there are several); codes are [a-z0-9_.-], but
    // a hand-made record may hold anything, so each is escaped as one field's text would be.
    if (event.reasons.size() == 1) {
        appendCsvField(row, event.reasons.front());
    } else {
        appendCsvField(row, joinReasons(event.reasons));
    }
    row.push_back(',');
    appendCsvText(row, event.operatorId);
    row.push_back(',');
    row.append(event.eventId);
    row.push_back(',');
    row.append(event.hash);
    if (layout == CsvLayout::V2) {
        // The clock the event recorded (empty for events from before issue 20). Numbers as
        // written; a hand-made record's odd value goes through the same guard as any text.
        row.push_back(',');
        appendCsvText(row, detail.clockState);
        row.push_back(',');
        appendCsvInteger(row, detail.clockOffsetMs);
        row.push_back(',');
        appendCsvText(row, detail.clockFloor);
        row.push_back(',');
        appendCsvInteger(row, detail.clockWallBackMs);
    }
    row.append("\r\n");
}

std::string csvFieldText(std::string_view field) {
    std::string safe(field);
    if (looksLikeFormula(safe)) {
        safe.insert(0, 1, '\'');
    }
    std::string out;
    appendCsvField(out, safe);
    return out;
}

void appendCsvField(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(field);
        return;
    }
    out.push_back('"');
    for (const char c : field) {
        if (c == '"') {
            out.push_back('"');
        }
        out.push_back(c);
    }
    out.push_back('"');
}

std::string maskResidentIds(std::string_view text) {
    std::string out(text);
    if (text.size() < 18) {
        return out;
    }
    for (std::size_t pos = 0; pos + 18 <= out.size(); ++pos) {
        if (isResidentIdAt(out, pos)) {
            out.replace(pos + 4, 10, 10, '*');
            pos += 17;
        }
    }
    return out;
}

bool containsResidentId(std::string_view text) {
    for (std::size_t pos = 0; pos + 18 <= text.size(); ++pos) {
        if (isResidentIdAt(text, pos)) {
            return true;
        }
    }
    return false;
}

std::string isoUtcMs(std::int64_t ms) {
    std::string out;
    appendIsoUtcMs(out, ms);
    return out;
}

void appendIsoUtcMs(std::string& out, std::int64_t ms) {
    std::int64_t seconds = ms / 1000;
    std::int64_t millis = ms % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t secondOfDay = seconds % 86400;
    if (secondOfDay < 0) {
        secondOfDay += 86400;
        days -= 1;
    }
    std::int64_t year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(days, year, month, day);
    if (year < 0 || year > 9999) { // outside ISO 8601's four digits: as gmtime would print it
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%04lld", static_cast<long long>(year));
        out.append(buffer);
    } else {
        appendDigits(out, static_cast<int>(year), 4);
    }
    out.push_back('-');
    appendDigits(out, month, 2);
    out.push_back('-');
    appendDigits(out, day, 2);
    out.push_back('T');
    appendDigits(out, static_cast<int>(secondOfDay / 3600), 2);
    out.push_back(':');
    appendDigits(out, static_cast<int>(secondOfDay / 60 % 60), 2);
    out.push_back(':');
    appendDigits(out, static_cast<int>(secondOfDay % 60), 2);
    out.push_back('.');
    appendDigits(out, static_cast<int>(millis), 3);
    out.push_back('Z');
}

struct Sha256Stream::State {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    ~State() { EVP_MD_CTX_free(context); }
};

Sha256Stream::Sha256Stream() : m_state(std::make_unique<State>()) {
    EVP_DigestInit_ex(m_state->context, EVP_sha256(), nullptr);
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::string_view bytes) {
    EVP_DigestUpdate(m_state->context, bytes.data(), bytes.size());
}

std::string Sha256Stream::finishHex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(m_state->context, digest, &size);
    return toHex(digest, size);
}

} // namespace doorpost::storage::audit
