#pragma once
// The subject key: how Doorpost recognises a person without storing who they are.
//
// The ID space is small (given a masked resident ID, a few million candidates at most), so a
// plain hash with a shipped salt is an oracle: whoever holds the salt tests every candidate in
// seconds. Version 2 is keyed and memory-hard:
//
//   salt       = BLAKE2b-128(key = secret, "doorpost-subject-salt-v2")
//   stretched  = argon2id(password = normalised ID number, salt, kSubjectOpsLimit,
//                         kSubjectMemLimit), 32 bytes
//   subjectKey = BLAKE2b-256(key = secret, "doorpost-subject-v2" || stretched)
//
// `secret` is the deployment's subject secret (32 random bytes): it lives at the central (in
// its store) and in enrolled kiosks' databases, reaches a kiosk only in the answer to its
// authenticated enrolment, and is in no public file, export or log. Without it no candidate can
// be tested at all; with it (a whole stolen kiosk) each candidate costs one argon2id
// (docs/credentials.md has the measured cost and what it makes of the enumeration).
//
// The central puts the key in DP1 passes and in rosters imported with ID numbers; a kiosk
// computes it only for an ID typed or scanned at its door.

#include "storage/base/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace doorpost::sync::pass {

using SubjectKey = std::array<std::uint8_t, 32>;
using SubjectSecret = std::array<std::uint8_t, 32>;

// Chosen with `doorpost bench subject-key`: about 35 ms of one core here, which keeps the
// gate's p99 under 100 ms and puts one resident ID behind at least a CPU-day (the issue's
// enumeration with the mask of id_number.hpp).
inline constexpr unsigned long long kSubjectOpsLimit = 2;
inline constexpr std::size_t kSubjectMemLimit = std::size_t{32} << 20;

// Environment fault when argon2id cannot get its memory.
Result<SubjectKey> subjectKey(std::string_view normalisedId, const SubjectSecret& secret);

// Version 1, SHA-256("doorpost-subject-v1" || len(salt) ":" || salt || text): no secret, no
// cost. Only for identifiers that are public anyway (an EU DCC's certificate id), never for an
// ID number.
SubjectKey plainSubjectKey(std::string_view text, std::string_view salt);

// Where an enrolled kiosk keeps the secret: its database's meta table (the database is 0600;
// nothing exports or logs meta).
inline constexpr std::string_view kSubjectSecretMetaKey = "subject_secret";

// A fresh random secret, and its hex form as stored (64 lowercase hex digits).
SubjectSecret newSubjectSecret();
std::optional<SubjectSecret> subjectSecretFromHex(std::string_view hex);

} // namespace doorpost::sync::pass
