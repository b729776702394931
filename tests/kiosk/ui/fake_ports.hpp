#pragma once
#include <ctime>
// Test doubles for the UI's ports (tests only; the product wires the real gate and event log).
// They answer on their own thread, like the real ones, so the UI's queue path is exercised.

#include "kiosk/app/ports.hpp"
#include "kiosk/app/task_runner.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace doorpost::kiosk::ui::test {

// Reads whose text starts with ADMIT / DENY / REFER get that verdict; registrations are admitted.
class FakeGate final : public app::GatePort {
public:
    void submitRead(app::CodeRead read, app::VerdictCallback done) override {
        m_worker.answer<app::VerdictView>(
            [this, read = std::move(read)]() -> Result<app::VerdictView> {
                // A commit takes a moment.
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                app::VerdictView v;
                v.seq = ++m_seq;
                v.credential = "ticket";
                if (read.text.rfind("ADMIT", 0) == 0) {
                    v.kind = Verdict::Admit;
                    v.reasonCodes = {"roster_match"};
                    v.reasonZh = "准考证有效，考生在本场次名单内";
                    v.reasonEn = "Ticket valid, candidate on this session's roster";
                    v.name = "李明";
                    v.maskedId = "110105********002X";
                    v.candidateNumber = "2021110100731";
                    v.room = "第12考场";
                    v.seat = "07";
                } else if (read.text.rfind("DENY", 0) == 0) {
                    v.kind = Verdict::Deny;
                    v.credential = "DP1";
                    v.reasonCodes = {"revoked"};
                    v.reasonZh = "通行码已被撤销（在拒绝名单中）";
                    v.reasonEn = "Pass revoked (on the deny list)";
                    v.maskedId = "440524********0014";
                } else {
                    v.kind = Verdict::Refer;
                    v.credential = "DP1";
                    v.reasonCodes = {"status_yellow"};
                    v.reasonZh = "黄码：请工作人员人工核验";
                    v.reasonEn = "Yellow status: staff must check";
                    v.maskedId = "440524********0014";
                }
                record(v.kind, false);
                return v;
            },
            std::move(done));
    }

    void submitRegistration(app::ManualRegistration registration,
                            app::VerdictCallback done) override {
        note("submit:" + registration.idNumber);
        m_worker.answer<app::VerdictView>(
            [this, registration = std::move(registration)]() -> Result<app::VerdictView> {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                {
                    std::lock_guard lock(m_mutex);
                    m_registrations.push_back(registration);
                }
                app::VerdictView v;
                v.kind = Verdict::Admit;
                v.seq = ++m_seq;
                v.credential = "manual";
                v.reasonCodes = {"manual_registration"};
                v.reasonZh = "人工登记";
                v.reasonEn = "Registered by hand";
                v.name = registration.name;
                v.maskedId = registration.idNumber.substr(0, 6) + "********" +
                             registration.idNumber.substr(registration.idNumber.size() - 4);
                record(v.kind, true);
                return v;
            },
            std::move(done));
    }

    // The manual form's hints, in order with the submissions: "prepare:<id>", "forget",
    // "submit:<id>".
    void prepareRegistration(IdType, std::string idNumber) override { note("prepare:" + idNumber); }
    void forgetRegistration() override { note("forget"); }
    std::vector<std::string> hints() {
        std::lock_guard lock(m_mutex);
        return m_hints;
    }

    std::vector<app::ManualRegistration> registrations() {
        std::lock_guard lock(m_mutex);
        return m_registrations;
    }
    app::TodayCounters counters() {
        std::lock_guard lock(m_mutex);
        return m_counters;
    }

private:
    void note(std::string hint) {
        std::lock_guard lock(m_mutex);
        m_hints.push_back(std::move(hint));
    }
    void record(Verdict kind, bool manual) {
        std::lock_guard lock(m_mutex);
        (kind == Verdict::Admit  ? m_counters.admitted
         : kind == Verdict::Deny ? m_counters.denied
                                 : m_counters.referred)++;
        m_counters.manual += manual ? 1 : 0;
    }

    std::mutex m_mutex;
    std::vector<app::ManualRegistration> m_registrations;
    std::vector<std::string> m_hints;
    app::TodayCounters m_counters;
    std::atomic<std::int64_t> m_seq{0};
    app::TaskRunner m_worker; // last: stops before the rest
};

class FakeQuery final : public app::QueryPort {
public:
    explicit FakeQuery(FakeGate& gate) : m_gate(gate) {}

    void todayCounters(std::function<void(Result<app::TodayCounters>)> done) override {
        m_worker.answer<app::TodayCounters>(
            [this]() -> Result<app::TodayCounters> { return m_gate.counters(); }, std::move(done));
    }
    void statsPer10Min(std::int64_t fromUnix, std::int64_t toUnix,
                       std::function<void(Result<std::vector<app::StatsBucket>>)> done) override {
        m_worker.answer<std::vector<app::StatsBucket>>(
            [fromUnix, toUnix]() -> Result<std::vector<app::StatsBucket>> {
                // A morning at an exam site: a rush before the 08:30 start, then a trickle.
                std::vector<app::StatsBucket> buckets;
                const std::int64_t start = fromUnix + 7 * 3600;
                for (int i = 0; i < 18; ++i) {
                    app::StatsBucket b;
                    b.startUnix = start + i * 600;
                    const int rush = i < 9 ? (i + 1) * 6 : std::max(0, 60 - i * 3);
                    b.admitted = rush;
                    b.denied = rush / 12 + (i % 3 == 0 ? 1 : 0);
                    b.manual = rush / 8;
                    buckets.push_back(b);
                }
                (void)toUnix;
                return buckets;
            },
            std::move(done));
    }
    void kioskStatus(std::function<void(Result<app::KioskStatus>)> done) override {
        m_worker.answer<app::KioskStatus>(
            []() -> Result<app::KioskStatus> {
                // A kiosk synced an hour ago, with its sealing key and a roster of three.
                const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
                app::KioskStatus status;
                status.trustFetchedUnix = now - 3600;
                status.trustValidUntilUnix = now + 23 * 3600;
                status.sealKey = true;
                status.rosterLoaded = true;
                status.rosterCount = 3;
                status.rosterValidUntilUnix = now + 8 * 3600;
                status.syncRunning = true;
                status.online = true;
                status.lastSyncUnix = now - 60;
                return status;
            },
            std::move(done));
    }
    void roster(std::string search,
                std::function<void(Result<std::vector<app::RosterEntry>>)> done) override {
        m_worker.answer<std::vector<app::RosterEntry>>(
            [search = std::move(search)]() -> Result<std::vector<app::RosterEntry>> {
                std::vector<app::RosterEntry> all = {
                    {"2021110100731", "李明", "110105********002X", "第12考场", "07", true},
                    {"2021110100732", "王芳", "440524********0014", "第12考场", "08", false},
                    {"2021110100733", "Zhang Wei", "310101********1234", "第12考场", "09", false}};
                std::vector<app::RosterEntry> out;
                for (const auto& e : all) {
                    if (search.empty() || e.candidateNumber.find(search) != std::string::npos ||
                        e.name.find(search) != std::string::npos) {
                        out.push_back(e);
                    }
                }
                return out;
            },
            std::move(done));
    }

private:
    FakeGate& m_gate;
    app::TaskRunner m_worker;
};

class FakeStaff final : public app::StaffPort {
public:
    void syncNow(app::StaffDone done) override {
        done(app::staffOk(app::StaffOutcome::SyncDone, {"0"}));
    }
    void exportForAuditors(app::StaffDone done) override {
        done(
            app::staffOk(app::StaffOutcome::ExportDone, {"3", "/media/stick/doorpost-audit-test"}));
    }
    void selectCamera(std::string source, app::StaffDone done) override {
        done(app::staffOk(app::StaffOutcome::CameraSwitched, {source}));
    }
    void setSiteProfile(std::string profile, app::StaffDone done) override {
        done(app::staffOk(app::StaffOutcome::ProfileChanged, {profile}));
    }
};

} // namespace doorpost::kiosk::ui::test
