#include "kiosk/gate/subject_key_precompute.hpp"

#include <sodium.h>

namespace doorpost::kiosk::gate {
namespace {

void wipe(std::string& text) {
    sodium_memzero(text.data(), text.size());
    text.clear();
}

bool sameSecret(const sync::pass::SubjectSecret& a, const sync::pass::SubjectSecret& b) {
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

SubjectKeyPrecompute::SubjectKeyPrecompute() : m_thread([this] { run(); }) {}

SubjectKeyPrecompute::~SubjectKeyPrecompute() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        wipe(m_wanted);
        dropReady();
    }
    m_changed.notify_all();
    m_thread.join();
    if (m_secret)
        sodium_memzero(m_secret->data(), m_secret->size());
}

void SubjectKeyPrecompute::dropReady() {
    if (!m_ready)
        return;
    wipe(m_ready->id);
    sodium_memzero(m_ready->key.data(), m_ready->key.size());
    sodium_memzero(m_ready->secret.data(), m_ready->secret.size());
    m_ready.reset();
}

void SubjectKeyPrecompute::setSecret(const std::optional<sync::pass::SubjectSecret>& secret) {
    {
        std::lock_guard lock(m_mutex);
        const bool same = secret && m_secret && sameSecret(*secret, *m_secret);
        if (same || (!secret && !m_secret))
            return;
        m_secret = secret;
        dropReady();
        m_deriving.clear(); // a result under the old secret is discarded when it lands
    }
    m_changed.notify_all();
}

void SubjectKeyPrecompute::prepare(std::string normalisedId) {
    {
        std::lock_guard lock(m_mutex);
        if ((m_ready && m_ready->id == normalisedId) ||
            (m_inFlight && m_deriving == normalisedId) || m_wanted == normalisedId)
            return; // already there or on its way
        dropReady();
        m_deriving.clear(); // a derivation in flight for another ID is discarded when it lands
        wipe(m_wanted);
        m_wanted = std::move(normalisedId);
    }
    m_changed.notify_all();
}

void SubjectKeyPrecompute::forget() {
    {
        std::lock_guard lock(m_mutex);
        wipe(m_wanted);
        m_deriving.clear();
        dropReady();
    }
    m_changed.notify_all();
}

std::optional<sync::pass::SubjectKey>
SubjectKeyPrecompute::take(std::string_view normalisedId, const sync::pass::SubjectSecret& secret) {
    std::unique_lock lock(m_mutex);
    if (m_wanted == normalisedId)
        wipe(m_wanted); // not started: the caller derives it just as soon
    // Threads: the derivation of this very ID is running on m_thread; what remains of it is
    // less than a new one would cost.
    m_changed.wait(lock, [&] { return !(m_inFlight && m_deriving == normalisedId); });
    std::optional<sync::pass::SubjectKey> key;
    if (m_ready && m_ready->id == normalisedId && sameSecret(m_ready->secret, secret)) {
        key = m_ready->key;
        ++m_handedOver;
    }
    dropReady();
    return key;
}

int SubjectKeyPrecompute::handedOver() const {
    std::lock_guard lock(m_mutex);
    return m_handedOver;
}

int SubjectKeyPrecompute::derived() const {
    std::lock_guard lock(m_mutex);
    return m_derived;
}

void SubjectKeyPrecompute::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        const auto work = [&] { return m_stopping || (!m_wanted.empty() && m_secret); };
        if (m_ready) {
            // Wake to drop a key nobody claimed in time.
            if (!m_changed.wait_until(lock, m_ready->at + kKeep, work)) {
                if (m_ready && std::chrono::steady_clock::now() >= m_ready->at + kKeep)
                    dropReady();
                continue;
            }
        } else {
            m_changed.wait(lock, work);
        }
        if (m_stopping)
            return;
        std::string id = std::move(m_wanted);
        m_wanted.clear();
        sync::pass::SubjectSecret secret = *m_secret;
        m_deriving = id;
        m_inFlight = true;
        lock.unlock();
        // The slow part, with no lock held: prepare(), forget() and take() of other IDs go on.
        auto key = sync::pass::subjectKey(id, secret);
        lock.lock();
        m_inFlight = false;
        ++m_derived;
        // Kept only if still wanted: forget(), another ID or another secret cleared m_deriving.
        if (key && m_deriving == id && !m_stopping) {
            dropReady();
            m_ready = Ready{std::move(id), secret, *key, std::chrono::steady_clock::now()};
        }
        wipe(id);
        m_deriving.clear();
        if (key)
            sodium_memzero(key->data(), key->size());
        sodium_memzero(secret.data(), secret.size());
        m_changed.notify_all();
    }
}

} // namespace doorpost::kiosk::gate
