#include "sync/client/http_client.hpp"

#include <cctype>
#include <ctime>
#include <curl/curl.h>
#include <mutex>

namespace doorpost::sync::client {
namespace {

// Where libcurl's callbacks write, with the limits of HttpClientOptions. Returning less than
// they were given makes libcurl abort the transfer (CURLE_WRITE_ERROR).
struct AnswerSink {
    HttpAnswer* answer;
    std::size_t maxBody;
    std::size_t maxHeaders;
    std::size_t headerBytes = 0;
    bool tooLarge = false;
};

std::size_t appendBody(char* data, std::size_t size, std::size_t count, void* target) {
    auto& sink = *static_cast<AnswerSink*>(target);
    if (size * count > sink.maxBody - sink.answer->body.size()) {
        sink.tooLarge = true;
        return 0;
    }
    sink.answer->body.append(data, size * count);
    return size * count;
}

std::size_t appendHeader(char* data, std::size_t size, std::size_t count, void* target) {
    auto& sink = *static_cast<AnswerSink*>(target);
    sink.headerBytes += size * count;
    if (sink.headerBytes > sink.maxHeaders) {
        sink.tooLarge = true;
        return 0;
    }
    auto& headers = sink.answer->headers;
    const std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0)
        headers.clear(); // a new response (after a redirect or 100)
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
            value.erase(value.begin());
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
            value.pop_back();
        headers[name] = value;
    }
    return size * count;
}

// curl_global_init is not thread-safe; every client goes through this once.
void initCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

HttpClient::HttpClient(HttpClientOptions options) : m_options(std::move(options)) {
    initCurlOnce();
    m_curl = curl_easy_init();
}

HttpClient::~HttpClient() {
    curl_easy_cleanup(static_cast<CURL*>(m_curl));
}

HttpOutcome HttpClient::get(const std::string& path, const std::string& ifNoneMatch,
                            const std::vector<std::string>& extraHeaders) {
    return perform(path, nullptr, ifNoneMatch, extraHeaders);
}

HttpOutcome HttpClient::post(const std::string& path, const std::string& jsonBody,
                             const std::vector<std::string>& extraHeaders) {
    return perform(path, &jsonBody, "", extraHeaders);
}

HttpOutcome HttpClient::perform(const std::string& path, const std::string* body,
                                const std::string& ifNoneMatch,
                                const std::vector<std::string>& extraHeaders) {
    HttpOutcome outcome;
    CURL* curl = static_cast<CURL*>(m_curl);
    if (!curl) {
        outcome.transportError = "libcurl failed to initialise";
        return outcome;
    }
    curl_easy_reset(curl);
    const std::string url = m_options.baseUrl + path;
    curl_slist* headers = nullptr;
    const std::string auth = "Authorization: Bearer " + m_options.token;
    if (!m_options.token.empty())
        headers = curl_slist_append(headers, auth.c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    const std::string now =
        "Doorpost-Time: " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    headers = curl_slist_append(headers, now.c_str());
    for (const std::string& line : extraHeaders)
        headers = curl_slist_append(headers, line.c_str());
    if (body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    std::string etag;
    if (!ifNoneMatch.empty()) {
        etag = "If-None-Match: " + ifNoneMatch;
        headers = curl_slist_append(headers, etag.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, m_options.userAgent.c_str());
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_options.connectTimeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.requestTimeout.count()));
    AnswerSink sink{&outcome.answer, m_options.maxAnswerBytes, m_options.maxHeaderBytes};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, appendHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
    if (!m_options.caFile.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, m_options.caFile.c_str());
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr); // `detail` ends with this call
    if (code != CURLE_OK) {
        // Reset, refused, timed out, or an answer cut short: nothing reliable was answered.
        outcome.answered = false;
        outcome.tlsRefused = code == CURLE_PEER_FAILED_VERIFICATION ||
                             code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CONNECT_ERROR;
        if (sink.tooLarge)
            outcome.transportError =
                "the answer is larger than " + std::to_string(m_options.maxAnswerBytes >> 10) +
                " KiB of body or " + std::to_string(m_options.maxHeaderBytes >> 10) +
                " KiB of headers; cut off";
        else if (outcome.tlsRefused)
            // curl's own words name what failed (expired, unknown issuer, wrong host name).
            outcome.transportError = "TLS: cannot verify the central's certificate (" +
                                     std::string(*detail ? detail : curl_easy_strerror(code)) +
                                     "); check --ca and the central's certificate";
        else
            outcome.transportError = *detail ? detail : curl_easy_strerror(code);
        outcome.answer = {};
        return outcome;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &outcome.answer.status);
    outcome.answered = true;
    return outcome;
}

long retryAfterSeconds(const std::string& value) {
    if (value.empty())
        return -1;
    bool digits = true;
    for (const char c : value)
        digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits)
        return value.size() > 9 ? -1 : std::stol(value);
    const long long at = httpDateMs(value);
    if (at < 0)
        return -1;
    const long long delta = at / 1000 - static_cast<long long>(std::time(nullptr));
    return delta > 0 ? static_cast<long>(delta) : 0;
}

long long httpDateMs(const std::string& value) {
    if (value.empty())
        return -1;
    const time_t seconds = curl_getdate(value.c_str(), nullptr);
    return seconds < 0 ? -1 : static_cast<long long>(seconds) * 1000;
}

} // namespace doorpost::sync::client
