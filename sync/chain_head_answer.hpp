#pragma once
// The central's chain-head answer (GET /v1/devices/{device}/chain-head?epoch=E&seq=N, see
// sync/central/central_chain_head.cpp), read defensively: the central is a server over the
// network, so every field is checked for its type and size before use, and anything else is a
// one-line error naming the field, never an exception.

#include "storage/base/result.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace doorpost::sync {

// One audit key the central registered for a device (sync/central/central_device_keys.cpp);
// registeredMs is the central's clock (ms since the epoch) when it first did, 0 when unknown
// (registered before the central kept a key history, or a central that sends only the latest
// key). The central answers it and the kiosk reads it in this one shape.
struct RegisteredDeviceKey {
    std::string key;
    std::int64_t registeredMs = 0;
};

// {"key": hex, "registered_ms": n}, as in the answer's device_keys.
nlohmann::json toJson(const RegisteredDeviceKey& key);

struct ChainHeadAnswer {
    std::int64_t ackedThrough = 0;
    std::string headHash;
    std::string hash; // what the central holds at seq ("" for null)
    bool witnessed = false;
    std::string deviceKey;                       // the latest ("" when the device never sent one)
    std::vector<RegisteredDeviceKey> deviceKeys; // every one, oldest first
};

// Bounds on what a well-behaved central sends (it caps a device's history at 1,000 keys and a
// key at 256 characters); more is refused rather than held.
constexpr std::size_t kMaxCentralDeviceKeys = 1024;
constexpr std::size_t kMaxCentralText = 256;

// BadInput naming the field when the body is not a chain-head answer with seq. A central that
// predates the key history (no device_keys) gets its device_key as a one-key history.
Result<ChainHeadAnswer> parseChainHeadAnswer(const nlohmann::json& body);

} // namespace doorpost::sync
