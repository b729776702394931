#include "sync/peer/peer_server.hpp"

#include "storage/base/journal_log.hpp"
#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "storage/site_doors.hpp"
#include "sync/listen_socket.hpp"
#include "sync/peer/peer_answer.hpp"
#include "sync/peer/peer_wire.hpp"
#include "sync/protocol.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace doorpost::sync::peer {

struct PeerServer::Reader {
    storage::Database db;
    std::optional<storage::EventLog> log;
};

struct PeerServer::Exchange {
    MHD_Connection* connection = nullptr;
    std::string path;
    std::string method;
    // The answer, queued by the access handler once the request is whole.
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    std::string header(const char* name) const {
        const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
        return value ? value : "";
    }
    std::string param(const char* name) const {
        const char* value = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, name);
        return value ? value : "";
    }
    bool hasHeader(const char* name) const {
        return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name) != nullptr;
    }
    std::string peer() const {
        const MHD_ConnectionInfo* info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const std::string text = info && info->client_addr ? addressText(info->client_addr) : "";
        return text.empty() ? "?" : text;
    }
    void error(int code, const std::string& message) {
        status = code;
        body = dumpJson(nlohmann::json{{"error", message}});
    }
};

namespace {

using Clock = std::chrono::steady_clock;

std::string who(const PeerServer::Exchange& exchange) {
    std::string device = exchange.header(kDeviceHeader);
    if (!isDeviceId(device))
        device = "?";
    return "from " + exchange.peer() + " as " + device;
}

MHD_Result queue(PeerServer::Exchange& exchange) {
    MHD_Response* response = MHD_create_response_from_buffer(
        exchange.body.size(), exchange.body.data(), MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    for (const auto& [name, value] : exchange.headers)
        MHD_add_response_header(response, name.c_str(), value.c_str());
    const MHD_Result queued =
        MHD_queue_response(exchange.connection, static_cast<unsigned>(exchange.status), response);
    MHD_destroy_response(response);
    return queued;
}

// The access handler, called on the connection's own thread: once with the headers, then with
// body data (refused before any is read), then once more when the request is whole.
MHD_Result onRequest(void* cls, MHD_Connection* connection, const char* url, const char* method,
                     const char*, const char*, std::size_t* uploadSize, void** context) {
    auto& server = *static_cast<PeerServer*>(cls);
    static int seen = 0;
    PeerServer::Exchange exchange;
    exchange.connection = connection;
    exchange.path = url ? url : "";
    exchange.method = method ? method : "";
    if (*context == nullptr) {
        *context = &seen;
        // A request with a body is answered before the body is read; libmicrohttpd then closes
        // the connection rather than read what was not consumed.
        const std::string length = exchange.header(MHD_HTTP_HEADER_CONTENT_LENGTH);
        if ((!length.empty() && length != "0") ||
            exchange.hasHeader(MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
            server.refuse(exchange, 413, "a request with a body",
                          length.empty() ? "chunked" : length + " bytes");
            return queue(exchange);
        }
        return MHD_YES;
    }
    if (*uploadSize > 0) { // a body nobody announced: never kept
        *uploadSize = 0;
        return MHD_YES;
    }
    server.serve(exchange);
    return queue(exchange);
}

// libmicrohttpd's own messages (limits reached): at most one a second.
void libraryLog(void*, const char* format, va_list arguments) {
    static std::atomic<std::int64_t> last{0};
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    std::int64_t before = last.load();
    if (before == now || !last.compare_exchange_strong(before, now))
        return;
    char text[512];
    std::vsnprintf(text, sizeof text, format, arguments);
    std::string message = text;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    logLine(LogPriority::Warning, "doorpost", "mesh: peer server: " + message);
}

// The listening socket on host:port (port 0: any free one); the fd and the port bound.

} // namespace

PeerServer::PeerServer(PeerServerOptions options, storage::DeviceKey key)
    : m_options(std::move(options)), m_key(std::move(key)) {}

PeerServer::~PeerServer() {
    stop();
}

Result<int> PeerServer::start() {
    auto listening = openListeningSocket(m_options.host, m_options.port, 64);
    if (!listening)
        return environmentFault("mesh: " + listening.error().message + " (--mesh-listen)");
    m_listenFd = listening->fd;
    // ITC: stop() quiesces the daemon before stopping it, which thread-per-connection mode
    // allows only with an inter-thread channel.
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (listening->ipv6)
        flags |= MHD_USE_IPv6;
    MHD_OptionItem items[] = {
        // The logger first: libmicrohttpd reports problems with the options that follow through it.
        {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&libraryLog), nullptr},
        {MHD_OPTION_LISTEN_SOCKET, m_listenFd, nullptr},
        {MHD_OPTION_CONNECTION_LIMIT, m_options.connectionLimit, nullptr},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, m_options.perAddressLimit, nullptr},
        {MHD_OPTION_CONNECTION_TIMEOUT, m_options.idleTimeoutS, nullptr},
        // Request line and headers: a chain request needs a few hundred bytes.
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 16 * 1024, nullptr},
        {MHD_OPTION_END, 0, nullptr},
    };
    m_daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &onRequest, this, MHD_OPTION_ARRAY,
                                items, MHD_OPTION_END);
    if (!m_daemon) {
        ::close(m_listenFd);
        m_listenFd = -1;
        return environmentFault("mesh: cannot start the peer server on " + m_options.host + ":" +
                                std::to_string(listening->port));
    }
    return listening->port;
}

void PeerServer::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all(); // long polls end at once
    if (m_daemon) {
        auto* daemon = static_cast<MHD_Daemon*>(m_daemon);
        const MHD_socket listening = MHD_quiesce_daemon(daemon);
        MHD_stop_daemon(daemon); // joins the connections' threads
        m_daemon = nullptr;
        if (listening != MHD_INVALID_SOCKET)
            ::close(listening);
        m_listenFd = -1;
    }
    std::lock_guard lock(m_mutex);
    m_readers.clear();
}

PeerServerCounters PeerServer::counters() const {
    return {m_answered.load(), m_refused.load(), m_busy.load()};
}

std::unique_ptr<PeerServer::Reader> PeerServer::takeReader(std::string& error) {
    {
        std::unique_lock lock(m_mutex);
        const bool free = m_wake.wait_for(lock, std::chrono::seconds(1), [this] {
            return m_stopping || !m_readers.empty() || m_readersOpen < m_options.readers;
        });
        if (!free || m_stopping) {
            error = free ? "stopping" : "every reader connection busy";
            return nullptr;
        }
        if (!m_readers.empty()) {
            auto reader = std::move(m_readers.back());
            m_readers.pop_back();
            return reader;
        }
        ++m_readersOpen; // opened below, outside the lock
    }
    // Opened without quick_check: the door checked the file when it started.
    storage::OpenOptions options;
    options.quickCheck = false;
    auto db = storage::Database::open(m_options.dbPath, options);
    std::unique_ptr<Reader> reader;
    if (db) {
        reader = std::make_unique<Reader>(Reader{std::move(*db), std::nullopt});
        auto log = storage::EventLog::open(reader->db);
        if (log)
            reader->log.emplace(std::move(*log));
        else
            error = log.error().message;
    } else {
        error = db.error().message;
    }
    if (!reader || !reader->log) {
        std::lock_guard lock(m_mutex);
        --m_readersOpen;
        m_wake.notify_one();
        return nullptr;
    }
    return reader;
}

void PeerServer::giveBack(std::unique_ptr<Reader> reader) {
    {
        std::lock_guard lock(m_mutex);
        m_readers.push_back(std::move(reader));
    }
    m_wake.notify_all();
}

bool PeerServer::pause(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_for(lock, wait, [this] { return m_stopping; });
}

void PeerServer::refuse(Exchange& exchange, int status, const std::string& reason,
                        const std::string& detail) {
    m_refused += 1;
    m_refusals.refused(reason, who(exchange) + (detail.empty() ? "" : ", " + detail));
    exchange.error(status, reason);
    if (status == 413)
        exchange.headers.emplace_back("Connection", "close");
}

void PeerServer::serve(Exchange& exchange) {
    if (exchange.method != "GET" || exchange.path != kChainPath)
        return refuse(exchange, exchange.method != "GET" ? 405 : 404, "not a chain request",
                      exchange.method.substr(0, 16) + " " + exchange.path.substr(0, 64));
    auto query = parseChainQuery(exchange.param("epoch"), exchange.param("after"),
                                 exchange.param("wait_ms"));
    if (!query)
        return refuse(exchange, 400, "a malformed query", query.error().message);
    const std::string device = exchange.header(kDeviceHeader);
    const std::string nonce = exchange.header(kNonceHeader);
    const std::string signature = exchange.header(kSignatureHeader);
    if (!isDeviceId(device) || !isNonce(nonce) || signature.size() != 128)
        return refuse(exchange, 401, "an unsigned request", "");

    auto unavailable = [&](const std::string& why) {
        m_busy += 1;
        exchange.error(503, "peer server cannot read its log now");
        exchange.headers.emplace_back("Retry-After", "1");
        m_refusals.refused("no reader", why);
    };
    std::string error;
    auto reader = takeReader(error);
    if (!reader)
        return unavailable(error);
    // Every path below gives the reader back.
    struct GiveBack {
        PeerServer& server;
        std::unique_ptr<Reader>& reader;
        ~GiveBack() {
            if (reader)
                server.giveBack(std::move(reader));
        }
    } giveBack{*this, reader};

    auto status = reader->log->status();
    if (!status)
        return unavailable(status.error().message);
    auto peers = storage::readPeersOf(reader->db, status->deviceId);
    if (!peers)
        return unavailable(peers.error().message);
    const std::string own = status->deviceId;
    const storage::SiteDoor* asker = nullptr;
    for (const auto& door : *peers)
        if (door.device == device)
            asker = &door;
    if (!asker)
        return refuse(exchange, 403, "a door not of this site", "");
    if (!verifyRequest(asker->deviceKey, *query, nonce, device, own, signature))
        return refuse(exchange, 403, "a signature that does not verify", "");

    // The long poll: until the log has news for this asker, the wait ends, or stop().
    const auto deadline = Clock::now() + std::chrono::milliseconds(query->waitMs);
    while (status && status->epoch == query->epoch && status->lastSeq <= query->after &&
           Clock::now() < deadline && pause(m_options.pollInterval))
        status = reader->log->status();
    if (!status)
        return unavailable(status.error().message);
    // Another epoch than the asker holds (a new database, or a first request): from seq 1.
    const std::int64_t from = status->epoch == query->epoch ? query->after + 1 : 1;
    std::vector<storage::Event> events;
    if (from <= status->lastSeq) {
        const std::int64_t to = std::min<std::int64_t>(
            status->lastSeq, from + static_cast<std::int64_t>(kMaxAnswerEvents) - 1);
        auto read = reader->log->readSeqRange(from, to);
        if (!read)
            return unavailable(read.error().message);
        events = std::move(*read);
    }
    exchange.body =
        answerBody(own, status->epoch, nonce, status->lastSeq, status->headHash, events);
    exchange.status = 200;
    exchange.headers.emplace_back(kSignatureHeader, signAnswer(m_key, exchange.body));
    m_answered += 1;
}

} // namespace doorpost::sync::peer
