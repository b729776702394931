#include "kiosk/app/staff_auth.hpp"

#include <algorithm>
#include <sodium.h>
#include <utility>

namespace doorpost::kiosk::app {

void PinLockout::recordFailure(Clock::time_point now) {
    ++m_failures;
    if (m_failures >= kFailuresBeforeLock) {
        const auto length =
            std::min<std::chrono::seconds>(kFirstLock * (1 << std::min(m_locks, 10)), kLongestLock);
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

StaffAuth::StaffAuth(std::string pinHash, std::string auditorPinHash)
    : m_hash(std::move(pinHash)), m_auditorHash(std::move(auditorPinHash)) {}

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
    return startRoleCheck(std::move(pin),
                          [done = std::move(done)](PinRole role) { done(role != PinRole::None); });
}

bool StaffAuth::startRoleCheck(std::string pin, std::function<void(PinRole)> done) {
    if (m_checking || !hasPin()) {
        return false;
    }
    // The worker reads the hashes, which never change after construction.
    const bool queued = m_worker.submit([this, pin = std::move(pin), done = std::move(done)] {
        auto matches = [&pin](const std::string& hash) {
            return !hash.empty() &&
                   crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0;
        };
        PinRole role = PinRole::None;
        if (sodium_init() >= 0) {
            role = matches(m_hash)          ? PinRole::Staff
                   : matches(m_auditorHash) ? PinRole::Auditor
                                            : PinRole::None;
        }
        done(role);
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

} // namespace doorpost::kiosk::app
