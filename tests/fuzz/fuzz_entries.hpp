#pragma once
// One entry function per fuzz target. libFuzzer builds (DOORPOST_FUZZ, scripts/fuzz.sh) wrap
// each in LLVMFuzzerTestOneInput (libfuzzer_main.cpp); the normal test suite replays the
// seed corpus and deterministic mutations of it through the same functions
// (fuzz_replay_test.cpp), so a crash found by either is reproduced by both.

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace doorpost::fuzz {

using Bytes = std::span<const std::uint8_t>;
using Entry = void (*)(Bytes);

void fuzzBase45(Bytes data);
void fuzzInflate(Bytes data);
void fuzzCbor(Bytes data);
void fuzzCose(Bytes data);
void fuzzDp1(Bytes data);
void fuzzHc1(Bytes data);
void fuzzTicket(Bytes data);
void fuzzIdNumber(Bytes data);

const std::map<std::string, Entry>& fuzzEntries(); // name -> entry, e.g. "base45"

// Seed inputs for each target, taken from the test data (tests/data: the DCC corpus's texts,
// Base45, zlib, COSE and CBOR stages) and from passes issued here.
std::map<std::string, std::vector<std::vector<std::uint8_t>>>
fuzzSeeds(const std::filesystem::path& testData);

} // namespace doorpost::fuzz
