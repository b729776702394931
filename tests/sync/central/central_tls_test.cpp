// TLS end to end with the real binaries: a CA and server certificates made with the openssl
// command in the test; `doorpost sync --ca` trusts the central; a wrong CA, an expired
// certificate and a wrong host name each fail with a message saying so and exit 3; SIGHUP makes
// the central take a renewed certificate for new connections while a request in flight on the
// old one completes, with READY/RELOADING sent to systemd's notify socket. Secure defaults: no
// plain HTTP beyond loopback on either end unless said so.

#include "tests/support/child_process.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace doorpost::test;

namespace {

std::string shell(const std::string& command) {
    const CommandRun run = runCommand(command);
    INFO(command << "\n" << run.out << run.err);
    REQUIRE(run.exitCode == 0);
    return run.out;
}

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A CA (ca-NAME.pem/.key) in `dir`.
void makeCa(const TempDir& dir, const std::string& name) {
    shell("cd " + dir.path().string() +
          " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
          " -nodes -keyout ca-" +
          name + ".key -out ca-" + name + ".pem -days 30 -subj '/CN=Doorpost test CA " + name +
          "'");
}

// A server certificate NAME.pem/.key signed by CA `ca`, for `san` (subjectAltName), valid from
// `start` to `end` (openssl ca dates, YYYYMMDDHHMMSSZ) or for 30 days from now when empty.
void makeServerCert(const TempDir& dir, const std::string& name, const std::string& ca,
                    const std::string& san, const std::string& start = "",
                    const std::string& end = "") {
    const std::string d = dir.path().string();
    writeFile(d + "/" + name + ".ext", "subjectAltName=" + san + "\n");
    shell("cd " + d +
          " && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + name +
          ".key -out " + name + ".csr -subj '/CN=" + name + "'");
    if (start.empty()) {
        shell("cd " + d + " && openssl x509 -req -in " + name + ".csr -CA ca-" + ca +
              ".pem -CAkey ca-" + ca + ".key -CAcreateserial -days 30 -extfile " + name +
              ".ext -out " + name + ".pem");
        return;
    }
    // `openssl x509` cannot date a certificate in the past; `openssl ca` can.
    writeFile(d + "/ca.cnf", "[ca]\ndefault_ca=test\n[test]\ndatabase=index.txt\n"
                             "new_certs_dir=.\nserial=serial.txt\ndefault_md=sha256\n"
                             "policy=any\nunique_subject=no\n[any]\ncommonName=supplied\n");
    writeFile(d + "/index.txt", "");
    writeFile(d + "/serial.txt", "1000\n");
    shell("cd " + d + " && openssl ca -batch -config ca.cnf -cert ca-" + ca + ".pem -keyfile ca-" +
          ca + ".key -in " + name + ".csr -out " + name + ".pem -notext -startdate " + start +
          " -enddate " + end + " -extfile " + name + ".ext");
}

std::string bin(const std::string& name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

// `doorpost-central serve` over TLS as a child process, with a notify socket like systemd's.
class TlsCentral {
public:
    TlsCentral(const TempDir& dir, const std::string& cert, const std::string& key,
               const std::string& folder = "central")
        : m_dir(dir.path().string() + "/" + folder) {
        std::filesystem::create_directories(m_dir);
        m_notifyPath = m_dir + "/notify.sock";
        ::unlink(m_notifyPath.c_str()); // an earlier central's, in the same folder
        m_notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", m_notifyPath.c_str());
        REQUIRE(::bind(m_notify, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        ::setenv("NOTIFY_SOCKET", m_notifyPath.c_str(), 1);
        m_pid = spawnProcess({bin("doorpost-central"), "--data-dir", m_dir, "serve", "--port", "0",
                              "--port-file", m_dir + "/port", "--tls-cert", cert, "--tls-key", key},
                             m_dir + "/central.log");
        ::unsetenv("NOTIFY_SOCKET");
        REQUIRE(nextNotification() == "READY=1");
        m_port = std::stoi(readFile(m_dir + "/port"));
    }
    ~TlsCentral() {
        if (m_pid > 0) {
            ::kill(m_pid, SIGTERM);
            waitProcess(m_pid);
        }
        ::close(m_notify);
        ::unlink(m_notifyPath.c_str());
    }
    int port() const { return m_port; }
    std::string url() const { return "https://localhost:" + std::to_string(m_port); }
    std::string log() const { return readFile(m_dir + "/central.log"); }
    std::string enroll(const std::string& name) const {
        const CommandRun run =
            runBinary("doorpost-central", "--data-dir " + m_dir + " enroll " + name);
        REQUIRE(run.exitCode == 0);
        std::string token = run.out;
        while (!token.empty() && token.back() == '\n')
            token.pop_back();
        return token;
    }
    void signal(int number) const { ::kill(m_pid, number); }
    int stop() {
        ::kill(m_pid, SIGTERM);
        const int status = waitProcess(m_pid);
        m_pid = -1;
        return status;
    }
    // The next datagram on the notify socket (10 s at most), or "" on timeout.
    std::string nextNotification() {
        ::timeval wait{10, 0};
        ::setsockopt(m_notify, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        char buffer[512];
        const ssize_t n = ::recv(m_notify, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }

private:
    std::string m_dir;
    std::string m_notifyPath;
    int m_notify = -1;
    pid_t m_pid = -1;
    int m_port = 0;
};

CommandRun syncOnce(const std::string& db, const std::string& url, const std::string& token,
                    const std::string& ca) {
    return runBinary("doorpost", "--db " + db + " sync --once --central " + url + " --token " +
                                     token + (ca.empty() ? "" : " --ca " + ca));
}

// A TLS connection to the central trusting `ca`, kept open across the test's steps.
class RawTls {
public:
    RawTls(int port, const std::string& ca) {
        m_context = SSL_CTX_new(TLS_client_method());
        REQUIRE(SSL_CTX_load_verify_locations(m_context, ca.c_str(), nullptr) == 1);
        SSL_CTX_set_verify(m_context, SSL_VERIFY_PEER, nullptr);
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        m_ssl = SSL_new(m_context);
        SSL_set_fd(m_ssl, m_fd);
        // SSL_set_tlsext_host_name is a macro with a C cast; the call it stands for:
        SSL_ctrl(m_ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>("localhost"));
        SSL_set1_host(m_ssl, "localhost");
        REQUIRE(SSL_connect(m_ssl) == 1);
    }
    ~RawTls() {
        SSL_free(m_ssl);
        ::close(m_fd);
        SSL_CTX_free(m_context);
    }
    void send(const std::string& text) {
        REQUIRE(SSL_write(m_ssl, text.data(), static_cast<int>(text.size())) ==
                static_cast<int>(text.size()));
    }
    std::string receiveAll() {
        std::string out;
        char buffer[4096];
        for (int n; (n = SSL_read(m_ssl, buffer, sizeof buffer)) > 0;)
            out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }
    std::string peerCommonName() {
        X509* cert = SSL_get1_peer_certificate(m_ssl);
        REQUIRE(cert);
        char name[256] = "";
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
        X509_free(cert);
        return name;
    }

private:
    SSL_CTX* m_context = nullptr;
    SSL* m_ssl = nullptr;
    int m_fd = -1;
};

std::string kioskDb(const TempDir& dir) {
    const std::string db = dir.file("kiosk.db");
    const CommandRun made =
        runBinary("doorpost", "--db " + db +
                                  " register --id-type resident --id 11010519491231002X"
                                  " --reason no_phone --operator op1 --json");
    INFO(made.out << made.err);
    REQUIRE(made.exitCode == 0);
    return db;
}

} // namespace

TEST_CASE("tls: the kiosk trusts the central through --ca, a wrong CA, an expired certificate "
          "and a wrong host name each exit 3 saying why",
          "[sync][central][tls]") {
    TempDir dir;
    makeCa(dir, "one");
    makeCa(dir, "other");
    makeServerCert(dir, "good", "one", "DNS:localhost");
    TlsCentral central(dir, dir.file("good.pem"), dir.file("good.key"));
    const std::string token = central.enroll("door-1");
    const std::string db = kioskDb(dir);

    const CommandRun trusted = syncOnce(db, central.url(), token, dir.file("ca-one.pem"));
    INFO(trusted.out << trusted.err);
    CHECK(trusted.exitCode == 0);

    const CommandRun wrongCa = syncOnce(db, central.url(), token, dir.file("ca-other.pem"));
    INFO(wrongCa.err);
    CHECK(wrongCa.exitCode == 3);
    CHECK(wrongCa.err.find("TLS: cannot verify the central's certificate") != std::string::npos);
    CHECK(wrongCa.err.find("--ca") != std::string::npos);
    CHECK(std::count(wrongCa.err.begin(), wrongCa.err.end(), '\n') == 1);

    // Another name than the one the certificate is for.
    const std::string byIp = "https://127.0.0.1:" + std::to_string(central.port());
    const CommandRun wrongHost = syncOnce(db, byIp, token, dir.file("ca-one.pem"));
    INFO(wrongHost.err);
    CHECK(wrongHost.exitCode == 3);
    CHECK(wrongHost.err.find("host name") != std::string::npos);
    CHECK(central.stop() == 0);

    makeServerCert(dir, "expired", "one", "DNS:localhost,IP:127.0.0.1", "20240101000000Z",
                   "20240201000000Z");
    TlsCentral stale(dir, dir.file("expired.pem"), dir.file("expired.key"), "stale");
    const CommandRun expired =
        syncOnce(db, stale.url(), stale.enroll("door-1"), dir.file("ca-one.pem"));
    INFO(expired.err);
    CHECK(expired.exitCode == 3);
    CHECK(expired.err.find("expired") != std::string::npos);
}

TEST_CASE("tls: SIGHUP takes a renewed certificate for new connections without dropping a "
          "request in flight, a bad pair keeps the old one",
          "[sync][central][tls]") {
    TempDir dir;
    makeCa(dir, "one");
    makeCa(dir, "two");
    makeServerCert(dir, "first", "one", "DNS:localhost");
    makeServerCert(dir, "renewed", "two", "DNS:localhost");
    const std::string cert = dir.file("live.pem");
    const std::string key = dir.file("live.key");
    std::filesystem::copy_file(dir.file("first.pem"), cert);
    std::filesystem::copy_file(dir.file("first.key"), key);
    TlsCentral central(dir, cert, key);

    // A request half sent over the first certificate...
    RawTls inFlight(central.port(), dir.file("ca-one.pem"));
    CHECK(inFlight.peerCommonName() == "first");
    inFlight.send("GET /v1/ready HTTP/1.1\r\nHost: localhost\r\n");

    // ...the certificate is renewed (another CA, to tell them apart) and the central reloads.
    std::filesystem::copy_file(dir.file("renewed.pem"), cert,
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(dir.file("renewed.key"), key,
                               std::filesystem::copy_options::overwrite_existing);
    central.signal(SIGHUP);
    CHECK(central.nextNotification() == "RELOADING=1");
    CHECK(central.nextNotification() == "READY=1");

    inFlight.send("Connection: close\r\n\r\n");
    const std::string answer = inFlight.receiveAll();
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);

    RawTls renewed(central.port(), dir.file("ca-two.pem"));
    CHECK(renewed.peerCommonName() == "renewed");
    const std::string token = central.enroll("door-1");
    const std::string db = kioskDb(dir);
    CHECK(syncOnce(db, central.url(), token, dir.file("ca-two.pem")).exitCode == 0);
    CHECK(syncOnce(db, central.url(), token, dir.file("ca-one.pem")).exitCode == 3);

    // A broken renewal: the key of another certificate. Refused, logged, the renewed pair stays.
    std::filesystem::copy_file(dir.file("first.key"), key,
                               std::filesystem::copy_options::overwrite_existing);
    central.signal(SIGHUP);
    CHECK(central.nextNotification() == "RELOADING=1");
    CHECK(central.nextNotification() == "READY=1");
    CHECK(central.log().find("tls_reload_failed") != std::string::npos);
    CHECK(central.log().find("does not belong to certificate") != std::string::npos);
    CHECK(syncOnce(db, central.url(), token, dir.file("ca-two.pem")).exitCode == 0);

    central.signal(SIGTERM);
    CHECK(central.nextNotification() == "STOPPING=1");
}

TEST_CASE("secure defaults: no plain HTTP beyond loopback unless said so, on either end",
          "[sync][central][tls]") {
    TempDir dir;
    const CommandRun refused = runBinary("doorpost-central", "--data-dir " + dir.file("c") +
                                                                 " serve --host 0.0.0.0 --port 0");
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.find("--behind-tls-proxy") != std::string::npos);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);

    // Said so: it serves, and says so in its log at start.
    const std::string log = dir.file("proxy.log");
    const pid_t pid = spawnProcess({bin("doorpost-central"), "--data-dir", dir.file("c"), "serve",
                                    "--host", "0.0.0.0", "--port", "0", "--port-file",
                                    dir.file("port"), "--behind-tls-proxy"},
                                   log);
    for (int i = 0; i < 500 && !std::filesystem::exists(dir.file("port")); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(pid, SIGTERM);
    CHECK(waitProcess(pid) == 0);
    CHECK(readFile(log).find("plain_http_behind_proxy") != std::string::npos);

    // The kiosk refuses to send its token in clear to anything but loopback (no connection is
    // made: 192.0.2.1 is TEST-NET-1, never routed).
    const std::string db = kioskDb(dir);
    const CommandRun kiosk = syncOnce(db, "http://192.0.2.1:8080", "dpt_x", "");
    CHECK(kiosk.exitCode == 2);
    CHECK(kiosk.err.find("in clear") != std::string::npos);
    CHECK(kiosk.err.find("--allow-plain-http") != std::string::npos);
}
