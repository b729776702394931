#include "storage/base/hex.hpp"
#include "sync/pass/base45.hpp"
#include "sync/pass/dp1.hpp"
#include "tests/fuzz/fuzz_entries.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>

namespace doorpost::fuzz {
namespace {

std::vector<std::uint8_t> fromHex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

std::vector<std::uint8_t> bytesOf(std::string_view text) {
    return {text.begin(), text.end()};
}

} // namespace

std::map<std::string, std::vector<std::vector<std::uint8_t>>>
fuzzSeeds(const std::filesystem::path& testData) {
    std::map<std::string, std::vector<std::vector<std::uint8_t>>> seeds;
    const auto corpus = testData / "dgc-testdata";
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(corpus, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        const auto& path = it->path();
        if (path.extension() == ".json" && path.parent_path().filename() == "raw")
            files.push_back(path);
    }
    // In name order, so every checkout seeds the same inputs (directory order is the file
    // system's). All of common/ is taken, and every 3rd country case: about 60 of the 169 that
    // tests/data keeps, as many as every 7th of the full corpus's 435 gave.
    std::sort(files.begin(), files.end());
    int index = 0;
    for (const auto& path : files) {
        const bool common = path.string().find("/common/") != std::string::npos;
        if (!common && index++ % 3 != 0)
            continue;
        std::ifstream in(path, std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        std::string text = buffer.str();
        if (text.rfind("\xEF\xBB\xBF", 0) == 0)
            text.erase(0, 3);
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (!json.is_object())
            continue;
        const auto field = [&json](const char* key) {
            const auto it2 = json.find(key);
            return it2 != json.end() && it2->is_string() ? it2->get<std::string>() : "";
        };
        const std::string prefix = field("PREFIX");
        if (!prefix.empty()) {
            seeds["hc1"].push_back(bytesOf(prefix));
            if (prefix.size() > 4)
                seeds["base45"].push_back(bytesOf(prefix.substr(4)));
        }
        if (auto z = fromHex(field("COMPRESSED")); !z.empty())
            seeds["inflate"].push_back(z);
        if (auto cose = fromHex(field("COSE")); !cose.empty()) {
            seeds["cose"].push_back(cose);
            seeds["hc1"].push_back(cose);
        }
        if (auto cbor = fromHex(field("CBOR")); !cbor.empty())
            seeds["cbor"].push_back(cbor);
    }

    // DP1: passes issued with the fixed fuzz key (see fuzz_entries.cpp) and a stranger's.
    if (sodium_init() >= 0) {
        std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
        seed.fill(0x42);
        std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
        std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
        crypto_sign_seed_keypair(pk.data(), sk.data(), seed.data());
        sync::pass::Dp1Claims claims;
        claims.issuer = "doorpost-central";
        claims.passId = "P-1";
        claims.issuedAt = 1'620'000'000;
        claims.expiresAt = 1'620'100'000;
        claims.idHash.assign(32, 1);
        claims.maskedId = "1101**********002X";
        for (auto status : {sync::pass::PassStatus::Green, sync::pass::PassStatus::Red}) {
            claims.status = status;
            const auto text = sync::pass::issueDp1(claims, sk);
            seeds["dp1"].push_back(bytesOf(text));
            seeds["base45"].push_back(bytesOf(text.substr(4)));
            seeds["ticket"].push_back(bytesOf(text));
        }
    }
    for (const char* ticket : {"TKT:2026-1001-0042", "100112345678901", "123456", "TKT:", "TKT:ab"})
        seeds["ticket"].push_back(bytesOf(ticket));
    for (const char* id : {"11010519491231002X", "440524188001010014", "110105194912310021",
                           "E12345678", "H1234567890", "C12345678", "12345678", "x", ""})
        seeds["id_number"].push_back(bytesOf(id));
    return seeds;
}

} // namespace doorpost::fuzz
