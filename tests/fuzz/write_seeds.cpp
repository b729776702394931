// doorpost_fuzz_seeds DIR: writes each target's seed corpus to DIR/<target>/ for libFuzzer.

#include "tests/fuzz/fuzz_entries.hpp"

#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: doorpost_fuzz_seeds DIR\n";
        return 2;
    }
    for (const auto& [target, inputs] : doorpost::fuzz::fuzzSeeds(DOORPOST_TEST_DATA)) {
        const auto dir = std::filesystem::path(argv[1]) / target;
        std::filesystem::create_directories(dir);
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            std::ofstream out(dir / ("seed-" + std::to_string(i)), std::ios::binary);
            out.write(reinterpret_cast<const char*>(inputs[i].data()),
                      static_cast<std::streamsize>(inputs[i].size()));
        }
    }
    return 0;
}
