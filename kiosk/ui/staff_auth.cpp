#include "kiosk/ui/staff_auth.hpp"

#include <algorithm>
#include <sodium.h>
#include <utility>

namespace doorpost::kiosk::ui {

void PinLockout::recordFailure(Clock::time_point now) {
    ++m_failures;
    if (m_failures >= kFailuresBeforeLock) {
        const auto length = std::min<std::chrono::seconds>(kFirstLock * (1 << std::min(m_locks, 10)),
                                                           kLongestLock);
        m_lockedUntil = now + length;
        ++m_locks;
        m_failures = 0;
    }
}

void PinLockout::recordSuccess() {
    m_failures = 0;
    m_locks = 0;
    m_lockedUntil = {};
}

StaffAuth::StaffAuth(std::string pinHash) : m_hash(std::move(pinHash)) {}

Result<std::string> StaffAuth::hashPin(std::string_view pin) {
    if (sodium_init() < 0) {
        return environmentFault("libsodium failed to initialise");
    }
    if (pin.size() < 4 || pin.size() > 12) {
        return badInput("pin: 4 to 12 digits");
    }
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        return environmentFault("pin: out of memory while hashing");
    }
    return std::string(out);
}

bool StaffAuth::startCheck(std::string pin, std::function<void(bool)> done) {
    if (m_checking || m_hash.empty()) {
        return false;
    }
    // The worker reads m_hash, which never changes after construction.
    const bool queued = m_worker.submit([this, pin = std::move(pin), done = std::move(done)] {
        const bool ok = sodium_init() >= 0 &&
                        crypto_pwhash_str_verify(m_hash.c_str(), pin.data(), pin.size()) == 0;
        done(ok);
    });
    m_checking = queued;
    return queued;
}

void StaffAuth::finish(bool ok, PinLockout::Clock::time_point now) {
    m_checking = false;
    if (ok) {
        m_lockout.recordSuccess();
    } else {
        m_lockout.recordFailure(now);
    }
}

} // namespace doorpost::kiosk::ui
