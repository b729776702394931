#include "storage/audit_format.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <ctime>


namespace doorpost::storage {

namespace {

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection). Text
// from detail (names typed at registration) gets a leading apostrophe, which Excel and WPS
// show as text.
bool looksLikeFormula(std::string_view text) {
    return !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                             text[0] == '@' || text[0] == '\t' || text[0] == '\r');
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
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
    if ((pos > 0 && isAlnum(text[pos - 1])) || (pos + 18 < text.size() && isAlnum(text[pos + 18]))) {
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
    std::string safe = maskResidentIds(text);
    if (looksLikeFormula(safe)) {
        safe.insert(0, 1, '\'');
    }
    appendCsvField(out, safe);
}

} // namespace

std::string csvHeader() {
    return "seq,time_utc,device_id,kind,credential_type,masked_id,name,room,seat,verdict,reasons,"
           "operator,event_id,hash\r\n";
}

std::string csvRow(const Event& event) {
    const DetailColumns detail = detailColumns(event.detail);
    std::string row;
    row.reserve(256);
    char number[24];
    const auto [end, ignored] = std::to_chars(number, number + sizeof number, event.seq);
    (void)ignored;
    row.append(number, static_cast<std::size_t>(end - number));
    row.push_back(',');
    row.append(isoUtcMs(event.wallTimeMs));
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
    appendCsvField(row, joinReasons(event.reasons));
    row.push_back(',');
    appendCsvText(row, event.operatorId);
    row.push_back(',');
    row.append(event.eventId);
    row.push_back(',');
    row.append(event.hash);
    row.append("\r\n");
    return row;
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
    std::int64_t seconds = ms / 1000;
    std::int64_t millis = ms % 1000;
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    const std::time_t time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    return buffer;
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

} // namespace doorpost::storage
