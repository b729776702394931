// libFuzzer harness: one executable per target, the entry chosen at compile time
// (DOORPOST_FUZZ_ENTRY). Built only with -DDOORPOST_FUZZ=ON and clang (scripts/fuzz.sh).

#include "tests/fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    doorpost::fuzz::DOORPOST_FUZZ_ENTRY(doorpost::fuzz::Bytes(data, size));
    return 0;
}
