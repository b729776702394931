#include "kiosk/gate/trust_loader.hpp"

#include "storage/base/hex.hpp"
#include "storage/trust_store.hpp"

#include <algorithm>
#include <sodium.h>
#include <vector>

namespace doorpost::kiosk::gate {
namespace {

std::vector<std::uint8_t> fromHex(const std::string& hex) {
    std::vector<std::uint8_t> out(hex.size() / 2);
    std::size_t length = 0;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr) !=
        0)
        return {};
    out.resize(length);
    return out;
}

void later(std::optional<std::int64_t>& slot, std::int64_t value) {
    slot = slot ? std::max(*slot, value) : value;
}

std::optional<std::int64_t> earliest(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
    if (!a)
        return b;
    if (!b)
        return a;
    return std::min(*a, *b);
}

} // namespace

std::optional<std::int64_t> TrustSnapshot::validUntilFor(credentials::CredentialKind kind) const {
    switch (kind) {
    case credentials::CredentialKind::Dp1:
        return earliest(passKeysValidUntil, denyListValidUntil);
    case credentials::CredentialKind::Hc1:
        return dscValidUntil;
    default:
        return std::nullopt;
    }
}

Result<TrustSnapshot> loadTrust(storage::Database& db) {
    TrustSnapshot snapshot;
    storage::TrustStore store(db);
    auto entries = store.entries();
    if (!entries)
        return entries.error();
    for (const auto& entry : *entries) {
        const auto material = fromHex(entry.material);
        switch (entry.kind) {
        case storage::TrustKind::Dsc: {
            auto dsc = credentials::parseDsc(material);
            if (!dsc)
                continue; // stored by an older parser; it cannot verify anything now
            snapshot.set.dscs.push_back(std::move(*dsc));
            later(snapshot.dscValidUntil, entry.validUntil);
            break;
        }
        case storage::TrustKind::PassKey: {
            auto key = credentials::makePassKey(material, entry.label);
            if (!key)
                continue;
            snapshot.set.passKeys.push_back(std::move(*key));
            later(snapshot.passKeysValidUntil, entry.validUntil);
            break;
        }
        case storage::TrustKind::SealKey:
            if (material.size() == 32) {
                std::array<std::uint8_t, 32> key{};
                std::copy(material.begin(), material.end(), key.begin());
                snapshot.sealPublicKey = key;
            }
            break;
        }
    }
    auto denied = store.denied();
    if (!denied)
        return denied.error();
    for (const auto& pass : *denied) {
        snapshot.set.deniedPassIds.insert(pass.passId);
        later(snapshot.denyListValidUntil, pass.validUntil);
    }
    auto secret = db.meta(std::string(sync::pass::kSubjectSecretMetaKey));
    if (!secret)
        return secret.error();
    if (*secret)
        snapshot.subjectSecret = sync::pass::subjectSecretFromHex(**secret);
    snapshot.set.validUntil = earliest(
        earliest(snapshot.dscValidUntil, snapshot.passKeysValidUntil), snapshot.denyListValidUntil);
    return snapshot;
}

} // namespace doorpost::kiosk::gate
