// The short fuzz run of the test suite: every target's seed corpus, plus a fixed number of
// deterministic mutations of it (bit flips, truncations, insertions, splices), through the
// same entry functions libFuzzer drives. A crash or a broken invariant aborts the test.

#include "tests/fuzz/fuzz_entries.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace doorpost;
using namespace doorpost::fuzz;

namespace {

std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> input, std::mt19937& random,
                                 const std::vector<std::vector<std::uint8_t>>& pool) {
    std::uniform_int_distribution<int> kind(0, 4);
    const auto at = [&](std::size_t size) {
        return size == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, size - 1)(random);
    };
    switch (kind(random)) {
    case 0:
        if (!input.empty())
            input[at(input.size())] ^= static_cast<std::uint8_t>(1u << (random() % 8));
        break;
    case 1:
        input.resize(at(input.size() + 1));
        break;
    case 2:
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(at(input.size() + 1)),
                     static_cast<std::uint8_t>(random()));
        break;
    case 3:
        if (!input.empty())
            input[at(input.size())] = static_cast<std::uint8_t>(random());
        break;
    default: { // splice the head of this input onto the tail of another seed
        const auto& other = pool[at(pool.size())];
        const std::size_t cut = at(input.size() + 1);
        input.resize(cut);
        const std::size_t from = at(other.size() + 1);
        input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
    }
    }
    return input;
}

} // namespace

TEST_CASE("fuzz targets survive their seeds and 10000 mutations each", "[fuzz]") {
    const auto seeds = fuzzSeeds(DOORPOST_TEST_DATA);
    for (const auto& [name, entry] : fuzzEntries()) {
        INFO("target " << name);
        const auto it = seeds.find(name);
        REQUIRE(it != seeds.end());
        REQUIRE_FALSE(it->second.empty());
        for (const auto& seed : it->second)
            entry(seed);
        std::mt19937 random(0xD00F);
        for (int i = 0; i < 10000; ++i) {
            auto input = it->second[static_cast<std::size_t>(i) % it->second.size()];
            const int rounds = 1 + i % 4;
            for (int r = 0; r < rounds; ++r)
                input = mutate(std::move(input), random, it->second);
            entry(input);
        }
    }
}
