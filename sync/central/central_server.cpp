#include "sync/central/central_server.hpp"

#include "storage/base/iso_time.hpp"
#include "sync/central/chain_head_route.hpp"
#include "sync/central/query_param.hpp"
#include "sync/central/set_signing_key.hpp"
#include "sync/set_signature.hpp"

#include <ctime>
#include <httplib.h>

namespace doorpost::sync::central {
namespace {

std::string httpDate() {
    return formatUtc(static_cast<std::int64_t>(std::time(nullptr)), "%a, %d %b %Y %H:%M:%S GMT");
}

void replyJson(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(dumpJson(body), "application/json");
}

void replyError(httplib::Response& res, int status, const std::string& message,
                const std::string& field = "", std::int64_t seq = 0) {
    replyJson(res, status, toJson(ErrorBody{message, field, seq}));
}

// A store fault is the central's own trouble: 503 and come back soon, never a 4xx that would
// make a kiosk quarantine a good record.
void replyStoreFault(httplib::Response& res, const Error& error) {
    res.set_header("Retry-After", "1");
    replyError(res, 503, "store unavailable: " + error.message);
}

} // namespace

struct CentralServer::Impl {
    CentralStore& store;
    ServerOptions options;
    std::unique_ptr<httplib::Server> server;

    Impl(CentralStore& s, ServerOptions o) : store(s), options(std::move(o)) {
        if (!options.certFile.empty() && !options.keyFile.empty())
            server = std::make_unique<httplib::SSLServer>(options.certFile.c_str(),
                                                          options.keyFile.c_str());
        else
            server = std::make_unique<httplib::Server>();
        const int threads = options.threads;
        server->new_task_queue = [threads] {
            return new httplib::ThreadPool(static_cast<std::size_t>(threads));
        };
        server->set_payload_max_length(kMaxRequestBytes);
        // Headers and body go out in separate writes; without NODELAY, Nagle and delayed ACKs
        // would add 40 ms to every answer.
        server->set_tcp_nodelay(true);
        server->set_read_timeout(10);
        server->set_write_timeout(10);
        routes();
    }

    // The device a request's bearer token belongs to, or an error already written to `res`.
    std::optional<std::string> authenticate(const httplib::Request& req, httplib::Response& res) {
        const std::string header = req.get_header_value("Authorization");
        const std::string prefix = "Bearer ";
        if (header.rfind(prefix, 0) != 0 || header.size() == prefix.size()) {
            replyError(res, 401, "missing bearer token", "Authorization");
            return std::nullopt;
        }
        auto device = store.deviceForToken(header.substr(prefix.size()));
        if (!device) {
            replyStoreFault(res, device.error());
            return std::nullopt;
        }
        if (!device->has_value()) {
            replyError(res, 401, "unknown device token", "Authorization");
            return std::nullopt;
        }
        return **device;
    }

    void routes() {
        server->Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
            replyJson(res, 200, {{"ok", true}});
        });
        server->Post("/v1/enrol", [this](const httplib::Request& req, httplib::Response& res) {
            enrol(req, res);
        });
        server->Post(
            R"(/v1/devices/([^/]+)/events)",
            [this](const httplib::Request& req, httplib::Response& res) { push(req, res); });
        server->Get(R"(/v1/devices/([^/]+)/chain-head)",
                    [this](const httplib::Request& req, httplib::Response& res) {
                        serveChainHead(store, req, res);
                    });
        server->Get(R"(/v1/sets/([^/]+))", [this](const httplib::Request& req,
                                                  httplib::Response& res) { pull(req, res); });
        server->set_error_handler([](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty())
                return;
            switch (res.status) {
            case 404:
                replyError(res, 404, "no such endpoint");
                break;
            case 413:
                replyError(res, 413, "request body too large", "body");
                break;
            default:
                replyError(res, res.status, "request refused");
                break;
            }
        });
        server->set_exception_handler(
            [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
                replyError(res, 500, "internal error");
            });
        // The Date header lets each kiosk measure its clock offset (DESIGN.md, "Retry").
        server->set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
            if (!res.has_header("Date"))
                res.set_header("Date", httpDate());
        });
    }

    void enrol(const httplib::Request& req, httplib::Response& res) {
        const auto device = authenticate(req, res);
        if (!device)
            return;
        auto json = parseJson(req.body);
        auto request = json ? enrolRequestFromJson(*json) : Result<EnrolRequest>(json.error());
        if (!request)
            return replyError(res, 400, request.error().message);
        if (!request->deviceKey.empty())
            if (auto saved = store.setDeviceKey(*device, request->deviceKey); !saved) {
                // A full key history is the device's doing, not the store's: no retry helps.
                if (saved.error().kind == ErrorKind::Conflict)
                    return replyError(res, 409, saved.error().message, "device_key");
                return replyStoreFault(res, saved.error());
            }
        auto secret = store.setSigningSecretKey();
        if (!secret)
            return replyStoreFault(res, secret.error());
        replyJson(res, 200, toJson(EnrolResponse{*device, setSigningPublicKeyHex(*secret)}));
    }

    void push(const httplib::Request& req, httplib::Response& res) {
        const auto device = authenticate(req, res);
        if (!device)
            return;
        if (req.matches[1].str() != *device)
            return replyError(res, 403, "token belongs to device " + *device, "device");
        if (req.body.size() > kMaxRequestBytes)
            return replyError(res, 413, "request body too large");
        auto json = parseJson(req.body);
        auto request =
            json ? pushRequestFromJson(std::move(*json)) : Result<PushRequest>(json.error());
        if (!request)
            return replyError(res, 400, request.error().message);
        auto outcome = store.push(*device, *request);
        if (!outcome)
            return replyStoreFault(res, outcome.error());
        if (outcome->status != 200)
            return replyJson(res, outcome->status, toJson(outcome->error));
        replyJson(res, 200, toJson(outcome->response));
    }

    void pull(const httplib::Request& req, httplib::Response& res) {
        const auto device = authenticate(req, res);
        if (!device)
            return;
        const std::string set = req.matches[1].str();
        if (!CentralStore::isKnownSet(set))
            return replyError(res, 404, "unknown set " + set, "set");
        std::int64_t cursor = 0;
        if (req.has_param("cursor") && !parseDecimalParam(req.get_param_value("cursor"), cursor))
            return replyError(res, 400, "cursor must be a non-negative integer", "cursor");
        std::int64_t limit = 0;
        if (req.has_param("limit") &&
            (!parseDecimalParam(req.get_param_value("limit"), limit) || limit < 1 || limit > 20000))
            return replyError(res, 400, "limit must be 1-20000", "limit");
        std::int64_t after = 0;
        std::int64_t base = 0;
        if ((req.has_param("after") && !parseDecimalParam(req.get_param_value("after"), after)) ||
            (req.has_param("base") && !parseDecimalParam(req.get_param_value("base"), base)))
            return replyError(res, 400, "after and base must be non-negative integers", "after");
        auto read = store.readSet(set, cursor, static_cast<std::size_t>(limit), after, base);
        if (!read)
            return replyStoreFault(res, read.error());
        if (read->gone)
            return replyError(res, 410, "cursor too old: take a full snapshot from cursor 0",
                              "cursor");
        const std::string etag = "\"" + set + ":" + std::to_string(cursor) + "\"";
        if (read->notModified) {
            res.status = 304;
            res.set_header("ETag", etag);
            return;
        }
        auto secret = store.setSigningSecretKey();
        if (!secret)
            return replyStoreFault(res, secret.error());
        signSetPage(read->page, *secret);
        res.set_header("ETag", "\"" + set + ":" + std::to_string(read->page.nextCursor) + "\"");
        replyJson(res, 200, toJson(read->page));
    }
};

CentralServer::CentralServer(CentralStore& store, ServerOptions options)
    : m_impl(std::make_unique<Impl>(store, std::move(options))) {}

CentralServer::~CentralServer() {
    stop();
}

Result<int> CentralServer::bind() {
    if (!m_impl->server->is_valid())
        return environmentFault("cannot load TLS certificate or key");
    int port = m_impl->options.port;
    if (port == 0) {
        port = m_impl->server->bind_to_any_port(m_impl->options.host);
        if (port < 0)
            return environmentFault("cannot bind to " + m_impl->options.host);
    } else if (!m_impl->server->bind_to_port(m_impl->options.host, port)) {
        return environmentFault("cannot bind to " + m_impl->options.host + ":" +
                                std::to_string(port));
    }
    return port;
}

void CentralServer::run() {
    m_impl->server->listen_after_bind();
}

void CentralServer::stop() {
    if (m_impl && m_impl->server)
        m_impl->server->stop();
}

} // namespace doorpost::sync::central
