#pragma once
// The subject key: how Doorpost recognises a person without storing who they are.
//
// The ID space is small (given a masked resident ID, a few million candidates at most), so a
// plain hash with a shipped salt is an oracle: whoever holds the salt tests every candidate in
// seconds. Version 3 (as version 2, with other argon2id parameters) is keyed and memory-hard:
//
//   salt       = BLAKE2b-128(key = secret, "doorpost-subject-salt-v3")
//   stretched  = argon2id(password = normalised ID number, salt, kSubjectOpsLimit,
//                         kSubjectMemLimit), 32 bytes
//   subjectKey = BLAKE2b-256(key = secret, "doorpost-subject-v3" || stretched)
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

// The one definition, deployment-wide: the central (passes, rosters) and every kiosk derive
// with these, so changing them changes every key. A change takes a new version (the domain
// strings in subject_key.cpp, kSubjectKeyVersion) so keys of two versions never pass for one.
// Version 3, chosen with `doorpost bench subject-key` and the attacker test
// (docs/credentials.md): 16 MiB, 3 passes, about 23 ms of one core idle (version 2 had 32 MiB,
// 2 passes, 36 ms), so 19.1 million candidates cost about 5 CPU-days; the manual screen
// derives ahead of confirm (kiosk/gate/subject_key_precompute.hpp), so the gate's p99 does not
// carry it.
inline constexpr int kSubjectKeyVersion = 3;
inline constexpr unsigned long long kSubjectOpsLimit = 3;
inline constexpr std::size_t kSubjectMemLimit = std::size_t{16} << 20;

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
