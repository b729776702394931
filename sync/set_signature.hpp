#pragma once
// Set pages are signed by the central's Ed25519 key so a kiosk applies only what the central
// published, whoever relayed it. The signed bytes are a fixed, versioned serialisation of every
// field the kiosk acts on.

#include "storage/base/hex.hpp"
#include "storage/base/result.hpp"
#include "sync/protocol.hpp"

#include <string>

namespace doorpost::sync {

// The exact bytes a set page's signature covers.
std::string signedBytes(const SetPage& page);

// Signs `page` in place with a 64-byte libsodium Ed25519 secret key.
void signSetPage(SetPage& page, const std::string& secretKey);

// True when `page.signature` is a valid signature by `publicKeyHex` over signedBytes(page).
bool verifySetPage(const SetPage& page, const std::string& publicKeyHex);

Result<std::string> fromHex(std::string_view hex); // bytes as a string

} // namespace doorpost::sync
