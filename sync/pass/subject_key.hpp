#pragma once
// The subject key: how Doorpost recognises a person without storing who they are.
// subjectKey = SHA-256("doorpost-subject-v1" || salt || normalised ID number), 32 bytes.
// The central puts it in a DP1 pass (id hash) and the kiosk computes it at manual registration,
// so both name the same person the same way when they share the deployment salt.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace doorpost::sync::pass {

using SubjectKey = std::array<std::uint8_t, 32>;

SubjectKey subjectKey(std::string_view normalisedId, std::string_view salt);

} // namespace doorpost::sync::pass
