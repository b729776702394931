// The kiosk as doorpost-kiosk.service runs it (packaging/README.md): `--config FILE` with the
// command line winning, `config check`, secrets from $CREDENTIALS_DIRECTORY, READY=1 and
// WATCHDOG=1 on a real AF_UNIX datagram socket as NOTIFY_SOCKET, journal priorities. Each case
// runs the real binary.

#include "storage/database.hpp"
#include "storage/event_log.hpp"
#include "tests/support/command_run.hpp"
#include "tests/support/file_mode.hpp"
#include "tests/support/temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace doorpost;
using doorpost::test::runBinary;
using doorpost::test::runCommand;
using doorpost::test::TempDir;
using doorpost::test::writeFileWithMode;

namespace {

std::string bin(const std::string& name) {
    return std::string(DOORPOST_BIN_DIR) + "/" + name;
}

// The last JSON line of `text` (doorpost run --json prints the final state last).
nlohmann::json lastJson(const std::string& text) {
    const auto start = text.rfind('{');
    REQUIRE(start != std::string::npos);
    return nlohmann::json::parse(text.substr(start));
}

// A bound AF_UNIX datagram socket, as systemd's notify socket is, read on its own thread as
// systemd reads it: a sender blocks once 10 datagrams wait unread (net.unix.max_dgram_qlen).
class NotifySocket {
public:
    explicit NotifySocket(const std::string& path) {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof address.sun_path);
        std::copy(path.begin(), path.end(), address.sun_path);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        m_reader = std::thread([this] { read(); });
    }
    ~NotifySocket() {
        stop();
        ::close(m_fd);
    }
    // Everything received until now; the socket reads no more after it.
    std::vector<std::string> received() {
        stop();
        return m_messages;
    }

private:
    void read() {
        char buffer[4096];
        for (;;) {
            const bool last = m_stop.load();
            pollfd poll{m_fd, POLLIN, 0};
            ::poll(&poll, 1, last ? 0 : 20);
            ssize_t got = 0;
            while ((got = ::recv(m_fd, buffer, sizeof buffer, 0)) >= 0) {
                m_messages.emplace_back(buffer, static_cast<std::size_t>(got));
            }
            if (last) {
                return;
            }
        }
    }
    void stop() {
        m_stop = true;
        if (m_reader.joinable()) {
            m_reader.join();
        }
    }

    int m_fd = -1;
    std::atomic<bool> m_stop{false};
    std::vector<std::string> m_messages; // the reader thread's until stop() has joined it
    std::thread m_reader;
};

} // namespace

TEST_CASE("config check passes the shipped kiosk.toml and names a bad key with its line") {
    const std::string shipped = std::string(DOORPOST_SOURCE_DIR) + "/packaging/config/kiosk.toml";
    auto ok = runBinary("doorpost", "config check " + shipped);
    INFO(ok.err);
    CHECK(ok.exitCode == 0);
    CHECK(ok.out == shipped + ": ok (3 keys)\n"); // db, profile, lang

    TempDir dir;
    const auto bad =
        writeFileWithMode(dir, "bad.toml", "db = \"k.db\"\n# a comment\nlnag = \"en\"\n");
    auto unknown = runBinary("doorpost", "config check " + bad);
    CHECK(unknown.exitCode == 2);
    CHECK(unknown.err == "doorpost: " + bad + " line 3: lnag: unknown key (no option --lnag)\n");
    CHECK(unknown.out.empty());

    const auto secret =
        writeFileWithMode(dir, "secret.toml", "central = \"https://c.test\"\ntoken = \"x\"\n");
    auto refused = runBinary("doorpost", "config check " + secret);
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.find(secret + " line 2: token: a secret") != std::string::npos);

    const auto value = writeFileWithMode(dir, "value.toml", "lang = \"fr\"\n");
    auto wrong = runBinary("doorpost", "config check " + value);
    CHECK(wrong.exitCode == 2);
    CHECK(wrong.err.find(value + " line 1: lang = fr: ") != std::string::npos);

    const auto profile =
        writeFileWithMode(dir, "profile.toml",
                          "profile = \"night\"\n\n[profiles.night]\nbase = \"transit\"\n"
                          "credentials = [\"dp1\", \"dp9\"]\n");
    auto table = runBinary("doorpost", "config check " + profile);
    CHECK(table.exitCode == 2);
    CHECK(table.err == "doorpost: " + profile +
                           ": line 5: profiles.night.credentials: unknown credential 'dp9'\n");
}

TEST_CASE("a --config file: its keys apply to the command, the command line wins") {
    TempDir dir;
    const std::string dbPath = dir.file("from-file.db");
    std::string deviceId;
    {
        auto db = storage::Database::open(dbPath);
        REQUIRE(db);
        auto log = storage::EventLog::open(*db);
        REQUIRE(log);
        REQUIRE(log->append(storage::EventDraft{}));
        deviceId = *db->meta("device_id").value();
    }
    const auto config = writeFileWithMode(
        dir, "kiosk.toml", "db = \"" + dbPath + "\"\nlang = \"en\"\nno-sound = true\n");

    auto status = runBinary("doorpost", "--config " + config + " status --json");
    INFO(status.err);
    REQUIRE(status.exitCode == 0);
    CHECK(nlohmann::json::parse(status.out)["device_id"] == deviceId);

    auto overridden =
        runBinary("doorpost", "--config " + config + " --db " + dir.file("other.db") + " status");
    CHECK(overridden.exitCode == 2); // the command line's --db, which does not exist
    CHECK(overridden.err.find("other.db does not exist") != std::string::npos);

    auto run = runBinary("doorpost", "--config " + config + " run --headless --frames 2 --json");
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    CHECK(lastJson(run.out)["lang"] == "en");
    auto runZh =
        runBinary("doorpost", "--config " + config + " run --headless --frames 2 --json --lang zh");
    REQUIRE(runZh.exitCode == 0);
    CHECK(lastJson(runZh.out)["lang"] == "zh");

    const auto broken =
        writeFileWithMode(dir, "broken.toml", "db = \"" + dbPath + "\"\nlang = \"fr\"\n");
    auto refused = runBinary("doorpost", "--config " + broken + " run --headless --frames 2");
    CHECK(refused.exitCode == 2);
    CHECK(refused.err.rfind("doorpost: " + broken + " line 2: lang = fr: ", 0) == 0);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);
}

TEST_CASE("doorpost run takes the staff PIN hash from $CREDENTIALS_DIRECTORY, never from argv") {
    REQUIRE(sodium_init() >= 0);
    char hash[crypto_pwhash_STRBYTES];
    REQUIRE(crypto_pwhash_str(hash, "2468", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0);
    TempDir dir;
    const std::string credentials = dir.file("credentials");
    REQUIRE(::mkdir(credentials.c_str(), 0700) == 0);
    const std::string credential = credentials + "/staff-pin-hash";
    std::ofstream(credential) << hash << '\n';
    REQUIRE(::chmod(credential.c_str(), 0400) == 0);
    const std::string unlock = "tap staff\ntap pin_2\ntap pin_4\ntap pin_6\ntap pin_8\n"
                               "tap pin_ok\nwait-for screen staff ";
    const auto script = writeFileWithMode(dir, "unlock.txt", unlock + "15000\n");
    const std::string run = " " + bin("doorpost") + " --db " + dir.file("k.db") +
                            " run --headless --no-sound --json --script ";

    auto unlocked = runCommand("CREDENTIALS_DIRECTORY=" + credentials + run + script);
    INFO(unlocked.err);
    CHECK(unlocked.exitCode == 0);
    CHECK(lastJson(unlocked.out)["screen"] == "staff");

    // No PIN hash: the staff screen stays shut and the script's expectation fails.
    const auto quick = writeFileWithMode(dir, "quick.txt", unlock + "2000\n");
    auto shut = runCommand("env -u CREDENTIALS_DIRECTORY" + run + quick);
    CHECK(shut.exitCode == 1);

    REQUIRE(::chmod(credential.c_str(), 0644) == 0);
    auto leaked = runCommand("CREDENTIALS_DIRECTORY=" + credentials + run + script);
    CHECK(leaked.exitCode == 2);
    CHECK(leaked.err == "doorpost: credential staff-pin-hash: " + credential +
                            ": readable by group or others (mode 0644); make it 0600 or 0400\n");
}

TEST_CASE("doorpost run under Type=notify: READY=1 from the UI loop, then WATCHDOG=1") {
    TempDir dir;
    const std::string kiosk = bin("doorpost") + " --db " + dir.file("k.db") +
                              " run --headless --no-sound --json --frames ";
    {
        NotifySocket unused(dir.file("unused"));
        auto plain = runCommand("env -u NOTIFY_SOCKET " + kiosk + "3");
        CHECK(plain.exitCode == 0);
        CHECK(unused.received().empty());
    }
    const std::string socketPath = dir.file("notify");
    NotifySocket socket(socketPath);

    // WATCHDOG_PID is cage's under the unit, never doorpost's: the interval comes from
    // WATCHDOG_USEC alone (here 0.2 s, so a ping is due every 0.1 s).
    auto run = runCommand("NOTIFY_SOCKET=" + socketPath + " WATCHDOG_USEC=200000 WATCHDOG_PID=1 " +
                          kiosk + "40");
    INFO(run.err);
    REQUIRE(run.exitCode == 0);
    const auto messages = socket.received();
    REQUIRE(!messages.empty());
    CHECK(messages.front() == "READY=1");
    CHECK(std::count(messages.begin(), messages.end(), "READY=1") == 1);
    const auto pings = std::count(messages.begin(), messages.end(), "WATCHDOG=1");
    CHECK(pings >= 3); // 40 headless frames take well over 0.3 s
    CHECK(messages.back() == "STOPPING=1");
}

TEST_CASE("errors carry the journal's priority when stderr is the journal") {
    TempDir dir;
    const std::string log = dir.file("journal");
    const auto bad = writeFileWithMode(dir, "bad.toml", "lnag = \"en\"\n");
    // $JOURNAL_STREAM names stderr's device and inode, as systemd sets it for
    // StandardError=journal; the same variable with stderr elsewhere changes nothing.
    auto journal = runCommand(": > " + log + "; JOURNAL_STREAM=$(stat -c %d:%i " + log + ") " +
                              bin("doorpost") + " --config " + bad + " status 2>>" + log +
                              "; { cat " + log + " >&2; }");
    CHECK(journal.err == "<3>doorpost: " + bad + " line 1: lnag: unknown key (no option --lnag)\n");
    auto elsewhere =
        runCommand("JOURNAL_STREAM=1:1 " + bin("doorpost") + " --config " + bad + " status");
    CHECK(elsewhere.err == "doorpost: " + bad + " line 1: lnag: unknown key (no option --lnag)\n");
}
