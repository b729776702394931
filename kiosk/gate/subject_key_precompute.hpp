#pragma once
// The subject key of the registration in progress, derived while staff are still at the form.
//
// A derivation is one argon2id (sync/pass/subject_key.hpp): tens of ms of a core, several times
// that when the kiosk's two cores are busy. Derived at confirm, it sat on the decision's critical
// path (gate p99 589 ms under load 11). The ID is known, valid and final well before confirm
// (the reason and confirm are two more taps), so the manual screen asks for the key as soon as
// the typed number is complete and valid, and the gate takes it at confirm.
//
// What is kept: one slot, for one ID (the registration in progress), never a table of ID to key.
// A new ID replaces it, forget() and take() empty it, and an unclaimed key is dropped after
// kKeep. The ID and key are wiped from memory when dropped.
//
// Threads meet here (one mutex, one condition variable):
//  - the UI thread calls prepare()/forget() through GateWorker: a short lock, never a wait;
//  - this class's own thread derives (no lock held while it does), so neither the UI thread nor
//    the gate thread (scans at the door) waits for a derivation nobody asked for yet;
//  - the gate thread calls setSecret() when trust data is loaded, and take() at confirm, which
//    waits only for a derivation of the same ID already in flight (it ends sooner than a new one).

#include "sync/pass/subject_key.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace doorpost::kiosk::gate {

class SubjectKeyPrecompute {
public:
    // An abandoned registration (staff walked away from the form) keeps its key no longer.
    static constexpr std::chrono::seconds kKeep{120};

    SubjectKeyPrecompute();
    ~SubjectKeyPrecompute(); // stops after the derivation in flight, if any
    SubjectKeyPrecompute(const SubjectKeyPrecompute&) = delete;
    SubjectKeyPrecompute& operator=(const SubjectKeyPrecompute&) = delete;

    // The deployment's secret, or none (kiosk not enrolled: nothing is derived). A different
    // secret drops what was derived with the old one.
    void setSecret(const std::optional<sync::pass::SubjectSecret>& secret);
    // Derive the key of `normalisedId` (checked and normalised: checkIdNumber's output) in the
    // background, replacing whatever was asked before.
    void prepare(std::string normalisedId);
    // The registration in progress was abandoned or its number edited.
    void forget();
    // The key of `normalisedId` under `secret` if it was prepared (waiting for that derivation
    // if it is in flight); nullopt otherwise, and the caller derives. The slot is emptied.
    std::optional<sync::pass::SubjectKey> take(std::string_view normalisedId,
                                               const sync::pass::SubjectSecret& secret);

    // For the bench and tests: how many keys take() handed over / derivations ran here.
    int handedOver() const;
    int derived() const;

private:
    struct Ready {
        std::string id;
        sync::pass::SubjectSecret secret{};
        sync::pass::SubjectKey key{};
        std::chrono::steady_clock::time_point at;
    };
    void run();
    void dropReady(); // lock held

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<sync::pass::SubjectSecret> m_secret;
    std::string m_wanted;   // asked for, not started; empty: nothing
    std::string m_deriving; // in flight on m_thread; empty: nothing (cleared by forget())
    bool m_inFlight = false;
    std::optional<Ready> m_ready;
    int m_handedOver = 0;
    int m_derived = 0;
    bool m_stopping = false;
    std::thread m_thread; // last: started once everything above exists
};

} // namespace doorpost::kiosk::gate
