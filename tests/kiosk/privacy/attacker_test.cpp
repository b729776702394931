// The attacker of issue 17, played with the enumeration the issue describes: given a masked
// resident ID and its check character, list every number that fits, and test each against
// the subject key the event log carries.
//  - With an export and every public file (public-keys.json, the central's public sealing keys,
//    the export): no candidate can be tested at all. The subject key is keyed with the
//    deployment's secret, which none of these files holds; every string in them tried as the
//    old salt or as the secret, with the TRUE number itself, gives another key.
//  - With a whole kiosk (its database, so its secret): each candidate costs one argon2id. The
//    number of candidates the mask leaves (the model below) times the measured CPU cost per
//    candidate must be at least one CPU-day; the figure is printed.
//
// The model, the issue's: the two shown digits fix the province; a province has about 92
// county-level codes in GB/T 2260, modelled as cities 01-08 x counties 01-12 (96); birth dates
// 1960-01-01..2019-12-31 (21,915 days); the sequence's hidden two digits 00-99; the check
// character must match. With the older mask (first and last four shown) the same model gives
// the issue's ~24,000.

#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "storage/database.hpp"
#include "sync/pass/subject_key.hpp"
#include "tests/kiosk/privacy/deployment.hpp"

#include <array>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

using namespace doorpost;
using namespace doorpost::test;
namespace fs = std::filesystem;

namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr const char* kCheck = "10X98765432";

int weighted(const std::string& digits, int from) {
    int sum = 0;
    for (std::size_t i = 0; i < digits.size(); ++i)
        sum += (digits[i] - '0') * kWeights[from + static_cast<int>(i)];
    return sum % 11;
}

using Histogram = std::array<double, 11>;

// Every birth date of the model, as the residue its 8 digits add.
Histogram dateResidues() {
    Histogram h{};
    std::tm day{};
    day.tm_year = 60;
    day.tm_mon = 0;
    day.tm_mday = 1;
    day.tm_hour = 12;
    for (;;) {
        std::tm copy = day;
        const std::time_t t = timegm(&copy);
        std::tm norm{};
        gmtime_r(&t, &norm);
        if (norm.tm_year + 1900 > 2019)
            break;
        char digits[32];
        std::snprintf(digits, sizeof digits, "%04d%02d%02d", norm.tm_year + 1900, norm.tm_mon + 1,
                      norm.tm_mday);
        h[static_cast<std::size_t>(weighted(digits, 6))] += 1;
        day = norm;
        ++day.tm_mday;
    }
    return h;
}

// How many numbers fit a mask that shows `prefix` and `suffix` (suffix ends in the check
// character), under the model.
double candidates(const std::string& prefix, const std::string& suffix) {
    // Area (6 digits): the prefix, the rest from cities 01-08 x counties 01-12.
    Histogram area{};
    for (int city = 1; city <= 8; ++city)
        for (int county = 1; county <= 12; ++county) {
            char code[32];
            std::snprintf(code, sizeof code, "%.2s%02d%02d", prefix.c_str(), city, county);
            if (prefix.size() >= 4 && std::string(code, 4) != prefix.substr(0, 4))
                continue; // a four-character prefix fixes the city too
            area[static_cast<std::size_t>(weighted(code, 0))] += 1;
        }
    const Histogram dates = dateResidues();
    // Sequence (3 digits, positions 14-16): the suffix shows the last one or all three.
    Histogram sequence{};
    const std::string shownSeq = suffix.substr(0, suffix.size() - 1);
    for (int seq = 0; seq < 1000; ++seq) {
        char digits[32];
        std::snprintf(digits, sizeof digits, "%03d", seq);
        if (std::string(digits).substr(3 - shownSeq.size()) != shownSeq)
            continue;
        sequence[static_cast<std::size_t>(weighted(digits, 14))] += 1;
    }
    double total = 0;
    for (int a = 0; a < 11; ++a)
        for (int d = 0; d < 11; ++d)
            for (int s = 0; s < 11; ++s)
                if (kCheck[(a + d + s) % 11] == suffix.back())
                    total += area[static_cast<std::size_t>(a)] *
                             dates[static_cast<std::size_t>(d)] *
                             sequence[static_cast<std::size_t>(s)];
    return total;
}

double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

std::vector<nlohmann::json> manualEvents(const fs::path& jsonl) {
    std::vector<nlohmann::json> events;
    std::istringstream lines(readText(jsonl));
    for (std::string line; std::getline(lines, line);) {
        auto event = nlohmann::json::parse(line);
        if (event["kind"] == "manual")
            events.push_back(event);
    }
    return events;
}

} // namespace

TEST_CASE("the model reproduces the issue's enumeration for the old mask", "[privacy]") {
    // 1101**********002X: city known, county and birth date hidden: about 24,000.
    const double old = candidates("1101", "002X");
    CHECK(old > 20000);
    CHECK(old < 28000);
}

TEST_CASE("an attacker cannot test a candidate with an export and the public files, and pays "
          ">= one CPU-day per number with a whole kiosk",
          "[privacy][attacker]") {
    TempDir dir;
    Deployment deployment(dir);
    const std::vector<std::string> ids = {registeredIds()[0], registeredIds()[1]};
    deployment.registerAndSync(ids, "2026-12-07T08:00:00Z");
    auto exported =
        deployment.kiosk("export " + periodAroundToday() + " --out " + dir.file("export"));
    INFO(exported.out << exported.err);
    REQUIRE(exported.exitCode == 0);
    const auto events = manualEvents(dir.path() / "export" / "events.jsonl");
    REQUIRE(events.size() == 2);

    // Who is who: the test knows the true numbers; the attacker only the masked ones.
    std::map<std::string, std::string> truth; // subject key -> true number
    for (const auto& event : events) {
        for (const auto& id : ids)
            if (maskIdNumber(id) == event["masked_id"].get<std::string>())
                truth[event["subject_key"].get<std::string>()] = id;
        CHECK(event["masked_id"].get<std::string>().find("**************") == 2);
    }
    REQUIRE(truth.size() == 2);

    SECTION("with an export and every public file: nothing to test a candidate with") {
        std::vector<fs::path> publicFiles;
        for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "export"))
            if (entry.is_regular_file())
                publicFiles.push_back(entry.path());
        publicFiles.push_back(dir.path() / "central" / "keys" / "public-keys.json");
        publicFiles.push_back(dir.path() / "central" / "keys" / "seal.json");
        // Every token in them: a hex string may be a secret, any word a salt.
        std::set<std::string> tokens = {"doorpost-demo-salt", "site-salt", "hc1", "s"};
        const std::regex word("[A-Za-z0-9_.:-]{1,128}");
        for (const auto& file : publicFiles) {
            const std::string text = readText(file);
            for (std::sregex_iterator it(text.begin(), text.end(), word), end; it != end; ++it)
                tokens.insert(it->str());
        }
        int secretsTried = 0;
        int matches = 0;
        for (const auto& [key, id] : truth) {
            for (const auto& token : tokens) {
                // Version 1 (the shipped salt): any token as the salt, with the true number.
                if (toHex(sync::pass::plainSubjectKey(id, token)) == key)
                    ++matches;
                // Version 2: any 64-hex token as the secret, with the true number.
                if (token.size() == 64)
                    if (auto secret = sync::pass::subjectSecretFromHex(token)) {
                        ++secretsTried;
                        if (toHex(*sync::pass::subjectKey(id, *secret)) == key)
                            ++matches;
                    }
            }
        }
        CHECK(matches == 0);
        // And the secret itself is in none of them: whatever an attacker tries, it is not there.
        auto db = storage::Database::open(deployment.kioskDb());
        REQUIRE(db);
        auto secret = db->meta(std::string(sync::pass::kSubjectSecretMetaKey));
        REQUIRE(secret);
        REQUIRE(*secret);
        for (const auto& file : publicFiles)
            CHECK(readText(file).find(**secret) == std::string::npos);
        std::cout << "attacker, export and public files: " << publicFiles.size() << " files, "
                  << tokens.size() << " tokens tried as salt, " << secretsTried
                  << " as secret, each with the true number: 0 candidates testable\n";
    }

    SECTION("with a whole kiosk: the cost of one number, from the measured cost per candidate") {
        auto db = storage::Database::open(deployment.kioskDb());
        REQUIRE(db);
        auto secretHex = db->meta(std::string(sync::pass::kSubjectSecretMetaKey));
        REQUIRE(secretHex);
        REQUIRE(*secretHex);
        const auto secret = sync::pass::subjectSecretFromHex(**secretHex);
        REQUIRE(secret);
        // The oracle exists with the secret (the true number gives the stored key) ...
        for (const auto& [key, id] : truth)
            CHECK(toHex(*sync::pass::subjectKey(id, *secret)) == key);
        // ... at this cost per candidate (CPU time of this thread, independent of load).
        const std::string& masked = maskIdNumber(ids[0]);
        const double count = candidates(masked.substr(0, 2), masked.substr(16));
        constexpr int kTimed = 8;
        const double started = threadCpuSeconds();
        for (int i = 0; i < kTimed; ++i)
            REQUIRE(sync::pass::subjectKey("4403052001092" + std::to_string(3000 + i), *secret));
        const double perCandidate = (threadCpuSeconds() - started) / kTimed;
        const double cpuDays = count * perCandidate / 86400.0;
        // Before: the old mask's ~24,000 candidates at one SHA-256 each.
        const double oldCount = candidates(ids[0].substr(0, 4), ids[0].substr(14));
        const double shaStarted = threadCpuSeconds();
        std::uint8_t sink = 0;
        for (int i = 0; i < 100000; ++i)
            sink ^= sync::pass::plainSubjectKey("44030520010923" + std::to_string(1000 + i % 9000),
                                                "salt")[0];
        const double shaCost = (threadCpuSeconds() - shaStarted) / 100000 + (sink == 1 ? 0 : 0);
        std::cout << "attacker, whole kiosk: mask " << masked << " leaves " << count
                  << " candidates; " << perCandidate * 1000 << " ms CPU each (argon2id, "
                  << (sync::pass::kSubjectMemLimit >> 20) << " MiB, "
                  << sync::pass::kSubjectOpsLimit << " passes); " << cpuDays
                  << " CPU-days to try them all, " << cpuDays / 2
                  << " expected to find one number\n"
                  << "attacker, before this change: " << oldCount << " candidates at "
                  << shaCost * 1e6 << " us each = " << oldCount * shaCost << " CPU-seconds\n";
        CHECK(count > 1.0e7);
        CHECK(cpuDays / 2 >= 1.0); // even the expected cost, half the candidates
    }
}
