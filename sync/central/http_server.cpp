#include "sync/central/http_server.hpp"

#include "sync/central/tls_credentials.hpp"
#include "sync/central/work_admission.hpp"
#include "sync/listen_socket.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdarg>
#include <cstring>
#include <deque>
#include <functional>
#include <microhttpd.h>
#include <mutex>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace doorpost::sync::central {

std::string HttpRequest::header(const std::string& lowercaseName) const {
    const auto it = headers.find(lowercaseName);
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpRequest::param(const std::string& name) const {
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
}

bool isLoopbackHost(const std::string& host) {
    if (host == "localhost" || host == "::1" || host == "[::1]")
        return true;
    in_addr address{};
    return ::inet_pton(AF_INET, host.c_str(), &address) == 1 &&
           (ntohl(address.s_addr) >> 24) == 127;
}

namespace {

using Clock = std::chrono::steady_clock;

enum class Phase { Reading, Waiting, Ready };

// One request from its first byte to its answer. Owned by MHD's request context; a worker holds
// it only between the job's hand-over and MHD_resume_connection.
struct RequestState {
    HttpRequest request;
    HttpResponse response;
    Phase phase = Phase::Reading;
    bool tooLarge = false;
    std::size_t received = 0; // body bytes read, kept or dropped
};

struct Job {
    RequestState* state;
    MHD_Connection* connection;
    std::uint64_t requester = 0; // Work jobs: who asked, and with what priority
    int priority = 0;            // (work_admission.hpp)
};

MHD_Result collectHeader(void* target, MHD_ValueKind, const char* key, const char* value) {
    std::string name(key ? key : "");
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    (*static_cast<std::map<std::string, std::string>*>(target))[name] = value ? value : "";
    return MHD_YES;
}

MHD_Result collectParam(void* target, MHD_ValueKind, const char* key, const char* value) {
    (*static_cast<std::map<std::string, std::string>*>(target))[key ? key : ""] =
        value ? value : "";
    return MHD_YES;
}

std::string peerOf(MHD_Connection* connection) {
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info && info->client_addr ? addressText(info->client_addr) : "";
}

void errorBody(HttpResponse& response, int status, const std::string& message) {
    response.status = status;
    response.contentType = "application/json";
    std::string escaped;
    for (const char c : message)
        if (c == '"' || c == '\\')
            escaped += std::string("\\") + c;
        else if (static_cast<unsigned char>(c) >= 0x20)
            escaped += c;
    response.body = R"({"error":")" + escaped + "\"}";
}

// Who is asking, for fairness between doors (work_admission.hpp): a door's credential, else
// its address. Hashed: the server keeps no token.
std::uint64_t requesterOf(const HttpRequest& request) {
    const std::string credential = request.header("authorization");
    return std::hash<std::string>{}(credential.empty() ? "peer " + request.peer : credential);
}

} // namespace

struct HttpServer::Impl {
    HttpServerOptions options;
    Classifier classify;
    Handler handler;
    Observer observer;
    CentralLog& log;
    MHD_Daemon* daemon = nullptr;
    int listenFd = -1;

    // Threads meet here: polling threads push jobs, workers pop them; all under queueMutex.
    std::mutex queueMutex;
    std::condition_variable wake;
    std::deque<Job> control;
    std::deque<Job> work;
    bool stopping = false;
    WorkAdmission admission;
    std::vector<std::thread> workers;
    std::atomic<std::int64_t> inFlight{0};

    std::atomic<std::int64_t> connectionsOpen{0};
    std::atomic<std::int64_t> connectionsTotal{0};
    std::atomic<std::int64_t> refusedBusy{0};
    std::atomic<std::int64_t> lastLibraryLogS{0};

    Impl(HttpServerOptions o, Classifier c, Handler h, Observer ob, CentralLog& l)
        : options(std::move(o)), classify(std::move(c)), handler(std::move(h)),
          observer(std::move(ob)), log(l),
          admission(static_cast<std::size_t>(std::max(1, options.workers)), options.queueBudget,
                    options.maxQueue) {}

    void runHandler(RequestState& state, int worker) {
        try {
            handler(state.request, state.response, worker);
        } catch (const std::exception& error) {
            errorBody(state.response, 500, "internal error");
            state.response.cause = std::string("exception: ") + error.what();
        } catch (...) {
            errorBody(state.response, 500, "internal error");
            state.response.cause = "unknown exception";
        }
    }

    MHD_Result respond(MHD_Connection* connection, RequestState& state) {
        HttpResponse& res = state.response;
        MHD_Response* response = MHD_create_response_from_buffer(
            res.body.size(), const_cast<char*>(res.body.data()), MHD_RESPMEM_MUST_COPY);
        if (!response)
            return MHD_NO;
        if (res.status != 304)
            MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                                    res.contentType.c_str());
        for (const auto& [name, value] : res.headers)
            MHD_add_response_header(response, name.c_str(), value.c_str());
        const MHD_Result queued =
            MHD_queue_response(connection, static_cast<unsigned>(res.status), response);
        MHD_destroy_response(response);
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - state.request.received)
                .count();
        if (observer)
            observer(state.request, res, ms);
        return queued;
    }

    MHD_Result onRequest(MHD_Connection* connection, const char* url, const char* method,
                         const char* upload, std::size_t* uploadSize, void** context) {
        auto* state = static_cast<RequestState*>(*context);
        if (!state) {
            state = new RequestState;
            *context = state;
            state->request.received = Clock::now();
            state->request.method = method ? method : "";
            state->request.path = url ? url : "";
            MHD_get_connection_values(connection, MHD_HEADER_KIND, collectHeader,
                                      &state->request.headers);
            MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collectParam,
                                      &state->request.params);
            state->request.peer = peerOf(connection);
            // A body far over the limit is refused before it is read; one a little over it is
            // read and dropped, so the client (which is still sending) gets the 413 cleanly.
            const std::string length = state->request.header("content-length");
            if (!length.empty() && std::strtoull(length.c_str(), nullptr, 10) >
                                       static_cast<unsigned long long>(discardLimit())) {
                errorBody(state->response, 413, "request body too large");
                state->response.route = "unknown";
                state->phase = Phase::Ready;
                return respond(connection, *state);
            }
            return MHD_YES;
        }
        if (state->phase == Phase::Ready) // a worker finished and resumed the connection
            return respond(connection, *state);
        if (*uploadSize > 0) {
            state->received += *uploadSize;
            if (!state->tooLarge) {
                if (state->request.body.size() + *uploadSize > options.maxBodyBytes) {
                    state->tooLarge = true;
                    state->request.body.clear();
                    state->request.body.shrink_to_fit();
                } else {
                    state->request.body.append(upload, *uploadSize);
                }
            }
            *uploadSize = 0;
            if (state->received > discardLimit()) { // a body without end: stop reading it
                errorBody(state->response, 413, "request body too large");
                state->response.route = "unknown";
                state->phase = Phase::Ready;
                return respond(connection, *state);
            }
            return MHD_YES;
        }
        // The whole request is here.
        if (state->tooLarge) {
            errorBody(state->response, 413, "request body too large");
            state->response.route = "unknown";
            state->phase = Phase::Ready;
            return respond(connection, *state);
        }
        const Lane lane = classify(state->request.method, state->request.path);
        if (lane == Lane::Inline) {
            runHandler(*state, -1);
            state->phase = Phase::Ready;
            return respond(connection, *state);
        }
        bool queued = false;
        {
            std::lock_guard lock(queueMutex);
            Job job{state, connection};
            if (!stopping && lane == Lane::Work) {
                const auto now = Clock::now();
                job.requester = requesterOf(state->request);
                std::vector<int> priorities;
                priorities.reserve(work.size());
                for (const Job& waiting : work)
                    priorities.push_back(waiting.priority);
                const auto decision =
                    admission.decide(job.requester, work.size() + control.size(), priorities, now);
                queued = decision.queue;
                job.priority = decision.priority;
                if (decision.displaces) {
                    const Job out = work[*decision.displaces];
                    work.erase(work.begin() + static_cast<std::ptrdiff_t>(*decision.displaces));
                    admission.displaced(out.requester, out.priority, now);
                    // The displaced job was only waiting (workers take jobs under this lock), so
                    // its state is still the polling threads': answer it as if refused on arrival.
                    refuseBusy(*out.state);
                    inFlight -= 1;
                    MHD_resume_connection(out.connection);
                }
            } else {
                queued = !stopping;
            }
            if (queued) {
                state->phase = Phase::Waiting;
                inFlight += 1;
                MHD_suspend_connection(connection);
                (lane == Lane::Control ? control : work).push_back(job);
            }
        }
        // Once queued, the state belongs to a worker, which may already have finished it:
        // only the local flag may be read here, never state->phase.
        if (queued) {
            wake.notify_one();
            return MHD_YES;
        }
        if (stoppingNow()) {
            state->response.route = state->request.path;
            errorBody(state->response, 503, "central is stopping");
            state->response.setHeader("Retry-After", "1");
            state->phase = Phase::Ready;
        } else {
            refuseBusy(*state);
        }
        return respond(connection, *state);
    }

    // Busy: come back soon. 429 is a 4xx on purpose: the store is fine, just full.
    void refuseBusy(RequestState& state) {
        state.response.route = state.request.path;
        errorBody(state.response, 429, "central busy: retry after 1 s");
        state.response.setHeader("Retry-After", "1");
        refusedBusy += 1;
        state.phase = Phase::Ready;
    }

    std::size_t discardLimit() const { return options.maxBodyBytes * 8; }

    bool stoppingNow() {
        std::lock_guard lock(queueMutex);
        return stopping;
    }

    void workerLoop(int index) {
        for (;;) {
            Job job{};
            {
                std::unique_lock lock(queueMutex);
                wake.wait(lock, [this] { return stopping || !control.empty() || !work.empty(); });
                if (control.empty() && work.empty())
                    return; // stopping and drained
                std::deque<Job>& from = control.empty() ? work : control;
                job = from.front();
                from.pop_front();
            }
            const auto start = Clock::now();
            runHandler(*job.state, index);
            const double ms =
                std::chrono::duration<double, std::milli>(Clock::now() - start).count();
            {
                std::lock_guard lock(queueMutex);
                admission.timed(ms);
            }
            job.state->phase = Phase::Ready;
            // After this the polling thread owns the state again (and may free it).
            MHD_resume_connection(job.connection);
            inFlight -= 1;
        }
    }

    // "--host H": the option the operator gave, named in the error.
    Result<ListeningSocket> openListener() {
        auto socket = openListeningSocket(options.host, options.port, 1024);
        if (!socket)
            return environmentFault(socket.error().message + " (--host " + options.host + ")");
        listenFd = socket->fd;
        return socket;
    }
};

namespace {

MHD_Result accessHandler(void* cls, MHD_Connection* connection, const char* url, const char* method,
                         const char*, const char* upload, std::size_t* uploadSize, void** context) {
    return static_cast<HttpServer::Impl*>(cls)->onRequest(connection, url, method, upload,
                                                          uploadSize, context);
}

void requestCompleted(void*, MHD_Connection*, void** context, MHD_RequestTerminationCode) {
    delete static_cast<RequestState*>(*context);
    *context = nullptr;
}

void connectionNotified(void* cls, MHD_Connection*, void**, MHD_ConnectionNotificationCode code) {
    auto* impl = static_cast<HttpServer::Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        impl->connectionsOpen += 1;
        impl->connectionsTotal += 1;
    } else {
        impl->connectionsOpen -= 1;
    }
}

// libmicrohttpd's own messages (limits reached, TLS handshakes failing): at most one a second,
// so a flood of bad clients cannot flood the journal.
void libraryLog(void* cls, const char* format, va_list arguments) {
    auto* impl = static_cast<HttpServer::Impl*>(cls);
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    std::int64_t last = impl->lastLibraryLogS.load();
    if (last == now || !impl->lastLibraryLogS.compare_exchange_strong(last, now))
        return;
    char text[512];
    std::vsnprintf(text, sizeof text, format, arguments);
    std::string message = text;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    impl->log.warning("http", {{"message", message}});
}

} // namespace

HttpServer::HttpServer(HttpServerOptions options, Classifier classify, Handler handler,
                       Observer observer, CentralLog& log)
    : m_impl(std::make_unique<Impl>(std::move(options), std::move(classify), std::move(handler),
                                    std::move(observer), log)) {}

HttpServer::~HttpServer() {
    stop();
}

Result<int> HttpServer::start() {
    Impl& impl = *m_impl;
    auto listening = impl.openListener();
    if (!listening)
        return listening.error();
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (listening->ipv6)
        flags |= MHD_USE_IPv6;
    std::vector<MHD_OptionItem> items;
    // The logger first: libmicrohttpd reports problems with the options that follow through it.
    items.push_back({MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&libraryLog), &impl});
    items.push_back({MHD_OPTION_LISTEN_SOCKET, impl.listenFd, nullptr});
    items.push_back({MHD_OPTION_CONNECTION_LIMIT, impl.options.connectionLimit, nullptr});
    items.push_back({MHD_OPTION_PER_IP_CONNECTION_LIMIT, impl.options.perAddressLimit, nullptr});
    items.push_back({MHD_OPTION_CONNECTION_TIMEOUT, impl.options.idleTimeoutS, nullptr});
    items.push_back(
        {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&requestCompleted), nullptr});
    items.push_back(
        {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&connectionNotified), &impl});
    if (impl.options.pollingThreads > 1)
        items.push_back({MHD_OPTION_THREAD_POOL_SIZE, impl.options.pollingThreads, nullptr});
    if (impl.options.tls) {
        flags |= MHD_USE_TLS;
        // A one-pointer option: in an option array its pointer goes in ptr_value.
        items.push_back({MHD_OPTION_HTTPS_CERT_CALLBACK, 0, TlsCredentials::certificateCallback()});
        TlsCredentials::setCurrent(impl.options.tls);
    }
    items.push_back({MHD_OPTION_END, 0, nullptr});
    for (int i = 0; i < std::max(1, impl.options.workers); ++i)
        impl.workers.emplace_back([&impl, i] { impl.workerLoop(i); });
    impl.daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &accessHandler, &impl,
                                   MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END);
    if (!impl.daemon) {
        stop();
        return environmentFault("cannot start the HTTP server on " + impl.options.host + ":" +
                                std::to_string(listening->port));
    }
    return listening->port;
}

void HttpServer::stop() {
    Impl& impl = *m_impl;
    MHD_socket listening = MHD_INVALID_SOCKET;
    if (impl.daemon)
        listening = MHD_quiesce_daemon(impl.daemon);
    {
        std::lock_guard lock(impl.queueMutex);
        impl.stopping = true;
    }
    impl.wake.notify_all();
    for (auto& worker : impl.workers)
        if (worker.joinable())
            worker.join();
    impl.workers.clear();
    if (impl.daemon) {
        // Answers the workers finished go out before the connections close (at most 2 s).
        for (int i = 0; i < 200 && impl.inFlight > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        MHD_stop_daemon(impl.daemon);
        impl.daemon = nullptr;
        if (listening != MHD_INVALID_SOCKET)
            ::close(listening);
        impl.listenFd = -1;
    } else if (impl.listenFd >= 0) {
        ::close(impl.listenFd);
        impl.listenFd = -1;
    }
}

HttpServerCounters HttpServer::counters() const {
    HttpServerCounters out;
    out.connectionsOpen = m_impl->connectionsOpen;
    out.connectionsTotal = m_impl->connectionsTotal;
    out.refusedBusy = m_impl->refusedBusy;
    std::lock_guard lock(m_impl->queueMutex);
    out.queued = static_cast<std::int64_t>(m_impl->control.size() + m_impl->work.size());
    return out;
}

} // namespace doorpost::sync::central
