#pragma once
// The staff PIN: stored only as an argon2id hash (libsodium crypto_pwhash_str), checked off the UI
// thread (a check takes tens of milliseconds and 64 MiB by design), with a lockout that grows
// after repeated failures so a PIN cannot be guessed at the door. A second, optional PIN is the
// auditor's: it opens the staff screen with Export for auditors only (issue 7). Both share one
// lockout: a wrong PIN is wrong for both.

#include "kiosk/app/task_runner.hpp"
#include "storage/base/result.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace doorpost::kiosk::app {

// The lockout rule alone (UI thread only), so it can be tested with a fake clock.
class PinLockout {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr int kFailuresBeforeLock = 5;
    static constexpr std::chrono::seconds kFirstLock{30};
    static constexpr std::chrono::seconds kLongestLock{15 * 60};

    bool locked(Clock::time_point now) const { return now < m_lockedUntil; }
    Clock::time_point lockedUntil() const { return m_lockedUntil; }
    int failures() const { return m_failures; }
    void recordFailure(Clock::time_point now);
    void recordSuccess();

private:
    int m_failures = 0;
    int m_locks = 0; // each lock doubles the next
    Clock::time_point m_lockedUntil{};
};

// Who a PIN opened the staff screen for.
enum class PinRole { None, Staff, Auditor };

class StaffAuth {
public:
    // `pinHash` is a crypto_pwhash_str string ("$argon2id$..."); empty: no PIN set, no entry.
    // `auditorPinHash` likewise for the auditor's PIN; empty: no auditor PIN.
    explicit StaffAuth(std::string pinHash, std::string auditorPinHash = {});

    // Hashes a PIN with argon2id (interactive limits). Slow on purpose: not on the UI thread.
    static Result<std::string> hashPin(std::string_view pin);

    bool hasPin() const { return !m_hash.empty() || !m_auditorHash.empty(); }
    bool checking() const { return m_checking; }
    PinLockout& lockout() { return m_lockout; }
    const PinLockout& lockout() const { return m_lockout; }

    // UI thread. Starts a check on the worker; `done(ok)` runs on the worker thread, and the
    // caller is expected to route it back to the UI thread and call finish(ok) there.
    bool startCheck(std::string pin, std::function<void(bool)> done);
    // The same, answering which PIN it was (the staff PIN first, should both be equal).
    bool startRoleCheck(std::string pin, std::function<void(PinRole)> done);
    void finish(bool ok, PinLockout::Clock::time_point now);

private:
    std::string m_hash;
    std::string m_auditorHash;
    PinLockout m_lockout;
    bool m_checking = false;
    TaskRunner m_worker{4}; // last member: its thread stops before the rest goes
};

} // namespace doorpost::kiosk::app
