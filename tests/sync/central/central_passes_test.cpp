// doorpost-central keys / issue-pass issue real passes that a kiosk trusting the published
// public keys verifies, across a key rotation.

#include "kiosk/credentials/dp1_verifier.hpp"
#include "tests/support/command_run.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>
#include <unistd.h>

namespace {

doorpost::test::CommandRun run(const std::string& arguments) {
    return doorpost::test::runBinary("doorpost-central", arguments);
}

doorpost::kiosk::credentials::TrustSet trustFrom(const std::filesystem::path& publicKeys) {
    std::ifstream in(publicKeys);
    const auto json = nlohmann::json::parse(in);
    doorpost::kiosk::credentials::TrustSet trust;
    for (const auto& key : json.at("issuer_keys")) {
        std::array<std::uint8_t, 32> pk{};
        const std::string hex = key.at("public_key");
        REQUIRE(sodium_hex2bin(pk.data(), pk.size(), hex.data(), hex.size(), nullptr, nullptr,
                               nullptr) == 0);
        trust.passKeys.push_back(*doorpost::kiosk::credentials::makePassKey(pk, key.at("kid")));
    }
    return trust;
}

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TEST_CASE("issued passes verify against the published keys, across a rotation", "[central]") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("doorpost-central-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const std::string dataDir = "--data-dir " + dir.string() + " ";

    CHECK(run(dataDir + "issue-pass --subject-id 11010519491231002X --status green --text")
              .exitCode == 2); // no key yet
    REQUIRE(run(dataDir + "keys").exitCode == 0);
    const auto first = run(dataDir + "issue-pass --subject-id 11010519491231002X --status "
                                     "green --valid-hours 2 --text --json");
    REQUIRE(first.exitCode == 0);
    const auto firstJson = nlohmann::json::parse(first.out);
    CHECK(firstJson.at("masked_id") == "11**************2X");

    REQUIRE(run(dataDir + "keys --rotate").exitCode == 0);
    const auto second = run(dataDir + "issue-pass --subject-id 440524188001010014 --status "
                                      "yellow --valid-hours 1 --text --json");
    REQUIRE(second.exitCode == 0);
    const auto secondJson = nlohmann::json::parse(second.out);
    CHECK(secondJson.at("kid") != firstJson.at("kid"));

    const auto trust = trustFrom(dir / "keys" / "public-keys.json");
    CHECK(trust.passKeys.size() == 2);
    const auto a = doorpost::kiosk::credentials::verifyDp1(firstJson.at("text").get<std::string>(),
                                                           trust, now());
    INFO(a.message);
    CHECK(a.valid());
    const auto b = doorpost::kiosk::credentials::verifyDp1(secondJson.at("text").get<std::string>(),
                                                           trust, now());
    CHECK(b.valid());
    CHECK(b.status == doorpost::sync::pass::PassStatus::Yellow);
    // Two hours later the first pass has expired.
    CHECK(doorpost::kiosk::credentials::verifyDp1(firstJson.at("text").get<std::string>(), trust,
                                                  now() + 3 * 3600)
              .problems.front() == doorpost::kiosk::credentials::Reason::PassExpired);

    const auto png = dir / "pass.png";
    CHECK(run(dataDir + "issue-pass --subject-id E12345678 --status red --out " + png.string())
              .exitCode == 0);
    CHECK(std::filesystem::file_size(png) > 100);
    CHECK(run(dataDir + "issue-pass --subject-id 1 --status green --text").exitCode == 2);
    CHECK(run(dataDir + "issue-pass --subject-id E12345678 --status blue --text").exitCode == 2);
    std::filesystem::remove_all(dir);
}
