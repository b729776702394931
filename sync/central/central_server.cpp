#include "sync/central/central_server.hpp"

#include "storage/base/hex.hpp"
#include "storage/base/iso_time.hpp"
#include "sync/central/central_metrics.hpp"
#include "sync/central/chain_head_route.hpp"
#include "sync/central/http_server.hpp"
#include "sync/central/query_param.hpp"
#include "sync/central/set_signing_key.hpp"
#include "sync/central/status_page.hpp"
#include "sync/central/tls_credentials.hpp"
#include "sync/set_signature.hpp"

#include <condition_variable>
#include <ctime>
#include <sodium.h>

namespace doorpost::sync::central {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t wallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string isoUtc(std::int64_t ms) {
    return formatIsoTime(ms / 1000);
}

void replyJson(HttpResponse& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.contentType = "application/json";
    res.body = dumpJson(body);
}

void replyError(HttpResponse& res, int status, const std::string& message,
                const std::string& field = "", std::int64_t seq = 0) {
    replyJson(res, status, toJson(ErrorBody{message, field, seq}));
}

// A store fault is the central's own trouble: 503 and come back soon, never a 4xx that would
// make a kiosk quarantine a good record. The cause goes to the log with the request.
void replyStoreFault(HttpResponse& res, const Error& error) {
    res.setHeader("Retry-After", "1");
    res.cause = "store: " + error.message;
    replyError(res, 503, "store unavailable: " + error.message);
}

// The path's segments: "/v1/devices/a/events" -> {"v1", "devices", "a", "events"}.
std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = path.find('/', start);
        out.push_back(
            path.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

// The token of "Authorization: Bearer T", or of "Basic base64(name:T)" (a browser's login
// prompt: the status page), or nothing.
std::string tokenOf(const HttpRequest& req) {
    const std::string header = req.header("authorization");
    if (header.rfind("Bearer ", 0) == 0)
        return header.substr(7);
    if (header.rfind("Basic ", 0) == 0) {
        const std::string encoded = header.substr(6);
        std::string decoded(encoded.size(), '\0');
        std::size_t length = 0;
        if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                              encoded.data(), encoded.size(), nullptr, &length, nullptr,
                              sodium_base64_VARIANT_ORIGINAL) != 0)
            return {};
        decoded.resize(length);
        const auto colon = decoded.find(':');
        return colon == std::string::npos ? std::string() : decoded.substr(colon + 1);
    }
    return {};
}

} // namespace

struct CentralServer::Impl {
    std::vector<CentralStore*> stores;
    ServerOptions options;
    std::unique_ptr<CentralLog> ownLog;
    CentralLog* log;
    CentralMetrics metrics;
    std::unique_ptr<TlsCredentials> tls;
    std::unique_ptr<HttpServer> http;

    std::mutex runMutex;
    std::condition_variable runWake;
    bool stopped = false;

    Impl(std::vector<CentralStore*> s, ServerOptions o)
        : stores(std::move(s)), options(std::move(o)) {
        if (options.log) {
            log = options.log;
        } else {
            ownLog = std::make_unique<CentralLog>(LogLevel::Warning);
            log = ownLog.get();
        }
    }

    CentralStore& storeFor(int worker) {
        return *stores[static_cast<std::size_t>(worker < 0 ? 0 : worker) % stores.size()];
    }

    // Times a store call into the store-latency histogram.
    template <typename Call> auto timed(Call call) {
        const auto start = Clock::now();
        auto result = call();
        metrics.storeCall(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        return result;
    }

    static Lane classify(const std::string& method, const std::string& path) {
        if (method == "GET" && path == "/v1/health")
            return Lane::Inline;
        if (method == "GET" && (path == "/v1/ready" || path == "/metrics" || path == "/"))
            return Lane::Control;
        return Lane::Work;
    }

    // The principal a request's token belongs to, or an error already written to `res`.
    // Revoked tokens get 401 with the reason, which the door shows its staff.
    std::optional<std::string> authenticate(CentralStore& store, const HttpRequest& req,
                                            HttpResponse& res, bool browser = false) {
        const std::string token = tokenOf(req);
        if (token.empty()) {
            if (browser)
                res.setHeader("WWW-Authenticate",
                              R"(Basic realm="doorpost-central", charset="UTF-8")");
            replyError(res, 401, "missing bearer token", "Authorization");
            return std::nullopt;
        }
        auto check = timed([&] { return store.checkToken(token); });
        if (!check) {
            replyStoreFault(res, check.error());
            return std::nullopt;
        }
        if (!check->known) {
            if (browser)
                res.setHeader("WWW-Authenticate",
                              R"(Basic realm="doorpost-central", charset="UTF-8")");
            replyError(res, 401, "unknown device token", "Authorization");
            return std::nullopt;
        }
        res.principal = check->principal;
        if (check->revoked) {
            std::string message = "device " + check->principal +
                                  " was revoked by the operator at " + isoUtc(check->revokedMs);
            if (!check->reason.empty())
                message += " (" + check->reason + ")";
            message += ": this device may no longer sync; ask the operator";
            replyError(res, 401, message, "Authorization");
            return std::nullopt;
        }
        return check->principal;
    }

    void handle(const HttpRequest& req, HttpResponse& res, int worker) {
        const std::vector<std::string> parts = segments(req.path);
        CentralStore& store = storeFor(worker);
        const bool get = req.method == "GET";
        const bool post = req.method == "POST";
        if (get && req.path == "/v1/health") {
            res.route = "health";
            return replyJson(res, 200, {{"ok", true}});
        }
        if (get && req.path == "/v1/ready") {
            res.route = "ready";
            if (auto ping = timed([&] { return store.ping(); }); !ping)
                return replyStoreFault(res, ping.error());
            return replyJson(res, 200, {{"ready", true}});
        }
        if (get && (req.path == "/metrics" || req.path == "/")) {
            res.route = req.path == "/" ? "status_page" : "metrics";
            return operatorView(store, req, res);
        }
        if (post && req.path == "/v1/enrol") {
            res.route = "enrol";
            return enrol(store, req, res);
        }
        if (parts.size() == 4 && parts[0] == "v1" && parts[1] == "devices" && !parts[2].empty()) {
            if (post && parts[3] == "events") {
                res.route = "push";
                return push(store, req, res, parts[2]);
            }
            if (get && parts[3] == "chain-head") {
                res.route = "chain_head";
                return serveChainHead(store, req, res, parts[2]);
            }
        }
        if (get && parts.size() == 3 && parts[0] == "v1" && parts[1] == "sets") {
            res.route = "pull";
            return pull(store, req, res, parts[2]);
        }
        res.route = "unknown";
        replyError(res, 404, "no such endpoint");
    }

    // A door's request also tells when it was last heard from, its version and its clock.
    void noteContact(CentralStore& store, const HttpRequest& req, HttpResponse& res,
                     const std::string& device, DoorContact contact) {
        contact.atMs = wallMs();
        contact.softwareVersion = req.header("user-agent").substr(0, 64);
        contact.peer = req.peer;
        const std::string doorTime = req.header("doorpost-time");
        std::int64_t doorMs = 0;
        if (!doorTime.empty() && parseDecimalParam(doorTime, doorMs))
            contact.clockOffsetMs = doorMs - contact.atMs;
        if (auto saved = timed([&] { return store.recordContact(device, contact); }); !saved)
            log->warning(
                "contact_not_recorded",
                {{"device", device}, {"route", res.route}, {"cause", saved.error().message}});
    }

    bool refuseOperator(const std::string& principal, HttpResponse& res) {
        if (principalRole(principal) != "operator")
            return false;
        replyError(res, 403, "operator credentials do not sync", "Authorization");
        return true;
    }

    void enrol(CentralStore& store, const HttpRequest& req, HttpResponse& res) {
        const auto device = authenticate(store, req, res);
        if (!device || refuseOperator(*device, res))
            return;
        auto json = parseJson(req.body);
        auto request = json ? enrolRequestFromJson(*json) : Result<EnrolRequest>(json.error());
        if (!request)
            return replyError(res, 400, request.error().message);
        if (!request->deviceKey.empty())
            if (auto saved = timed([&] { return store.setDeviceKey(*device, request->deviceKey); });
                !saved) {
                // A full key history is the device's doing, not the store's: no retry helps.
                if (saved.error().kind == ErrorKind::Conflict)
                    return replyError(res, 409, saved.error().message, "device_key");
                return replyStoreFault(res, saved.error());
            }
        // The door's peers learn its (new) key from the site set.
        if (auto published = timed([&] { return store.publishSiteDoor(*device); }); !published)
            return replyStoreFault(res, published.error());
        auto secret = timed([&] { return store.setSigningSecretKey(); });
        if (!secret)
            return replyStoreFault(res, secret.error());
        auto subjectSecret = store.subjectSecret();
        if (!subjectSecret)
            return replyStoreFault(res, subjectSecret.error());
        noteContact(store, req, res, *device, {});
        // The one way the subject secret leaves the central: to an enrolled device's token.
        replyJson(res, 200,
                  toJson(EnrolResponse{*device, setSigningPublicKeyHex(*secret),
                                       toHex(*subjectSecret), pass::kSubjectKeyVersion}));
    }

    void push(CentralStore& store, const HttpRequest& req, HttpResponse& res,
              const std::string& path) {
        const auto device = authenticate(store, req, res);
        if (!device || refuseOperator(*device, res))
            return;
        if (path != *device)
            return replyError(res, 403, "token belongs to device " + *device, "device");
        if (req.body.size() > kMaxRequestBytes)
            return replyError(res, 413, "request body too large");
        auto json = parseJson(req.body);
        auto request =
            json ? pushRequestFromJson(std::move(*json)) : Result<PushRequest>(json.error());
        if (!request)
            return replyError(res, 400, request.error().message);
        auto outcome = timed([&] { return store.push(*device, *request); });
        if (!outcome)
            return replyStoreFault(res, outcome.error());
        metrics.push(outcome->inserted, outcome->status);
        if (outcome->status != 200) {
            res.cause = outcome->error.error;
            return replyJson(res, outcome->status, toJson(outcome->error));
        }
        DoorContact contact;
        contact.pushed = true;
        contact.epoch = request->epoch;
        if (!request->events.empty()) {
            contact.headSeq = request->events.back().seq;
            contact.headHash = request->events.back().hash;
        } else {
            contact.headSeq = outcome->response.ackedThrough;
            contact.headHash = outcome->response.headHash;
        }
        std::int64_t lastSeq = 0;
        const std::string reported = req.header("doorpost-log-last-seq");
        if (!reported.empty() && parseDecimalParam(reported, lastSeq))
            contact.doorLastSeq = lastSeq;
        noteContact(store, req, res, *device, contact);
        replyJson(res, 200, toJson(outcome->response));
    }

    void pull(CentralStore& store, const HttpRequest& req, HttpResponse& res,
              const std::string& set) {
        const auto device = authenticate(store, req, res);
        if (!device || refuseOperator(*device, res))
            return;
        if (!CentralStore::isKnownSet(set))
            return replyError(res, 404, "unknown set " + set, "set");
        std::int64_t cursor = 0;
        if (req.hasParam("cursor") && !parseDecimalParam(req.param("cursor"), cursor))
            return replyError(res, 400, "cursor must be a non-negative integer", "cursor");
        std::int64_t limit = 0;
        if (req.hasParam("limit") &&
            (!parseDecimalParam(req.param("limit"), limit) || limit < 1 || limit > 20000))
            return replyError(res, 400, "limit must be 1-20000", "limit");
        std::int64_t after = 0;
        std::int64_t base = 0;
        if ((req.hasParam("after") && !parseDecimalParam(req.param("after"), after)) ||
            (req.hasParam("base") && !parseDecimalParam(req.param("base"), base)))
            return replyError(res, 400, "after and base must be non-negative integers", "after");
        auto read = timed([&] {
            return store.readSet(set, cursor, static_cast<std::size_t>(limit), after, base);
        });
        if (!read)
            return replyStoreFault(res, read.error());
        noteContact(store, req, res, *device, {});
        if (read->gone)
            return replyError(res, 410, "cursor too old: take a full snapshot from cursor 0",
                              "cursor");
        const std::string etag = "\"" + set + ":" + std::to_string(cursor) + "\"";
        if (read->notModified) {
            res.status = 304;
            res.body.clear();
            res.setHeader("ETag", etag);
            return;
        }
        auto secret = timed([&] { return store.setSigningSecretKey(); });
        if (!secret)
            return replyStoreFault(res, secret.error());
        signSetPage(read->page, *secret);
        res.setHeader("ETag", "\"" + set + ":" + std::to_string(read->page.nextCursor) + "\"");
        replyJson(res, 200, toJson(read->page));
    }

    // /metrics and the status page: an operator's credential (`enroll operator-NAME`), as a
    // bearer token (Prometheus) or a browser's Basic login (any user name, the token as password).
    void operatorView(CentralStore& store, const HttpRequest& req, HttpResponse& res) {
        const auto principal = authenticate(store, req, res, true);
        if (!principal)
            return;
        if (principalRole(*principal) != "operator")
            return replyError(res, 403,
                              "the status page and metrics need an operator's credential"
                              " (enroll operator-NAME)",
                              "Authorization");
        auto doors = timed([&] { return store.doors(); });
        if (!doors)
            return replyStoreFault(res, doors.error());
        auto sets = timed([&] { return store.setVersions(); });
        if (!sets)
            return replyStoreFault(res, sets.error());
        res.status = 200;
        res.setHeader("Cache-Control", "no-store");
        if (req.path == "/metrics") {
            CentralMetrics::Scrape scrape{std::move(*doors), std::move(*sets),
                                          http ? http->counters() : HttpServerCounters{}, wallMs(),
                                          options.quietAfterS};
            res.contentType = "text/plain; version=0.0.4; charset=utf-8";
            res.body = metrics.render(scrape);
            return;
        }
        StatusPage page{std::move(*doors), std::move(*sets), wallMs(), options.quietAfterS, 15,
                        options.version};
        res.contentType = "text/html; charset=utf-8";
        res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        res.body =
            renderStatusPage(page, pageLanguage(req.param("lang"), req.header("accept-language")));
    }

    // The access log line of every request, and a warning or error naming the cause of every
    // refusal the central did not expect of a well-behaved door (5xx: always, with its cause).
    void observe(const HttpRequest& req, const HttpResponse& res, double ms) {
        metrics.request(res.route.empty() ? "unknown" : res.route, res.status, ms);
        const LogLevel level = res.status >= 500 ? LogLevel::Error : LogLevel::Info;
        if (!log->enabled(level))
            return;
        std::string cause = res.cause;
        if (res.status >= 500 && cause.empty())
            cause = "status " + std::to_string(res.status) + " without a recorded cause";
        if (res.status >= 500)
            log->write(level, "request_failed",
                       {{"method", req.method},
                        {"route", res.route},
                        {"path", req.path},
                        {"device", res.principal},
                        {"status", res.status},
                        {"cause", cause},
                        {"peer", req.peer}});
        log->write(LogLevel::Info, "access",
                   {{"method", req.method},
                    {"route", res.route},
                    {"device", res.principal},
                    {"status", res.status},
                    {"bytes", static_cast<long long>(res.body.size())},
                    {"ms", ms},
                    {"peer", req.peer}});
    }
};

CentralServer::CentralServer(CentralStore& store, ServerOptions options)
    : CentralServer(std::vector<CentralStore*>{&store}, std::move(options)) {}

CentralServer::CentralServer(std::vector<CentralStore*> stores, ServerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(stores), std::move(options))) {}

CentralServer::~CentralServer() {
    stop();
}

Result<int> CentralServer::bind() {
    Impl& impl = *m_impl;
    if (!impl.options.certFile.empty() && !impl.options.keyFile.empty()) {
        auto tls = TlsCredentials::load(impl.options.certFile, impl.options.keyFile);
        if (!tls)
            return environmentFault("cannot load TLS certificate or key: " + tls.error().message);
        impl.tls = std::move(*tls);
    }
    HttpServerOptions http;
    http.host = impl.options.host;
    http.port = impl.options.port;
    http.pollingThreads = impl.options.pollingThreads;
    http.workers = impl.options.threads;
    http.maxBodyBytes = kMaxRequestBytes;
    http.connectionLimit = impl.options.connectionLimit;
    http.perAddressLimit = impl.options.perAddressLimit;
    http.idleTimeoutS = impl.options.idleTimeoutS;
    http.queueBudget = impl.options.queueBudget;
    http.tls = impl.tls.get();
    impl.http = std::make_unique<HttpServer>(
        http, &Impl::classify,
        [&impl](const HttpRequest& req, HttpResponse& res, int worker) {
            impl.handle(req, res, worker);
        },
        [&impl](const HttpRequest& req, const HttpResponse& res, double ms) {
            impl.observe(req, res, ms);
        },
        *impl.log);
    return impl.http->start();
}

void CentralServer::run() {
    std::unique_lock lock(m_impl->runMutex);
    m_impl->runWake.wait(lock, [this] { return m_impl->stopped; });
}

void CentralServer::stop() {
    if (!m_impl)
        return;
    if (m_impl->http)
        m_impl->http->stop();
    {
        std::lock_guard lock(m_impl->runMutex);
        m_impl->stopped = true;
    }
    m_impl->runWake.notify_all();
}

Result<void> CentralServer::reloadTls() {
    if (!m_impl->tls)
        return badInput("the central serves plain HTTP: no TLS certificate to reload");
    return m_impl->tls->reload();
}

} // namespace doorpost::sync::central
