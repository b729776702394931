#pragma once
// The device's Ed25519 signing key: it signs audit export manifests (docs/audit.md), and its
// public key is what enrolment registers with the central service, so an auditor can check an
// export against the key the central knows for this device.
//
// Where it lives: in the database's meta table (keys "device_sign_seed", the 32-byte secret seed,
// and "device_public_key", both lowercase hex). Beside the events it vouches for, it travels with
// a backup of the database and dies with a new epoch: a database moved aside as corrupt takes its
// key with it, and the fresh database makes a new key that must be enrolled again, exactly like
// its new epoch. It is created on first need (the first export or the first enrolment), not by a
// migration, so no schema change is involved.
//
// Threads: each call takes a Database (one connection, one thread). Creation runs in a
// BEGIN IMMEDIATE transaction that re-reads before inserting, so two connections asking at the
// same time end up with the same key.

#include "storage/base/result.hpp"
#include "storage/database.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doorpost::storage {

struct DeviceKey {
    std::array<std::uint8_t, 64> secretKey{}; // libsodium's seed || public key form
    std::string publicKeyHex;                 // 64 lowercase hex chars
};

// Loads the device key, creating and storing it first if the database has none.
Result<DeviceKey> loadOrCreateDeviceKey(Database& db);

// The public key (64 lowercase hex chars) to send at enrolment; creates the key on first need.
Result<std::string> devicePublicKey(Database& db);

// Detached Ed25519 signature over `message`, as 128 lowercase hex chars.
std::string signDetached(const DeviceKey& key, std::string_view message);

// True when `signatureHex` is a valid Ed25519 signature by `publicKeyHex` over `message`.
// Malformed hex of either is simply false.
bool verifyDetached(std::string_view publicKeyHex, std::string_view message,
                    std::string_view signatureHex);

} // namespace doorpost::storage
