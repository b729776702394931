#include "tests/sync/peer/peer_door.hpp"

#include <catch2/catch.hpp>

namespace doorpost::sync::peer::test {

PeerDoor::PeerDoor(std::string device) : m_device(std::move(device)) {
    m_path = m_dir.file("kiosk.db");
    auto db = storage::Database::open(m_path);
    REQUIRE(db);
    m_db.emplace(std::move(*db));
    auto log = storage::EventLog::open(*m_db);
    REQUIRE(log);
    m_log.emplace(std::move(*log));
    REQUIRE(m_log->setDeviceId(m_device));
    auto key = storage::loadOrCreateDeviceKey(*m_db);
    REQUIRE(key);
    m_key = *key;
}

void PeerDoor::publish(const std::vector<storage::SiteDoor>& doors) {
    auto transaction = storage::Transaction::begin(*m_db);
    REQUIRE(transaction);
    REQUIRE(storage::replaceSiteDoors(*m_db, doors));
    REQUIRE(transaction->commit());
}

std::int64_t PeerDoor::admit(int count, const std::string& prefix) {
    std::int64_t last = 0;
    for (int i = 0; i < count; ++i) {
        storage::EventDraft draft;
        draft.credentialType = "ticket";
        draft.subjectKey = prefix + "-" + std::to_string(i);
        draft.verdict = Verdict::Admit;
        draft.reasons = {"roster_match"};
        draft.detail = R"({"door":")" + m_device + "\"}";
        auto seq = m_log->append(draft);
        REQUIRE(seq);
        last = *seq;
    }
    return last;
}

storage::LogStatus PeerDoor::head() {
    auto status = m_log->status();
    REQUIRE(status);
    return *status;
}

std::optional<storage::PeerHead> PeerDoor::held(const std::string& peer, const std::string& epoch) {
    auto log = storage::PeerLog::open(*m_db);
    REQUIRE(log);
    auto head = log->head(peer, epoch);
    REQUIRE(head);
    return *head;
}

std::int64_t PeerDoor::peerEventRows() {
    auto count = m_db->prepare("SELECT count(*) FROM peer_events");
    REQUIRE(count);
    auto row = count->step();
    REQUIRE(row);
    REQUIRE(*row);
    return count->columnInt(0);
}

} // namespace doorpost::sync::peer::test
