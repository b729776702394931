// The tamper matrix of issue 7: each way of altering an export is detected and named, and the
// untouched export verifies; issue 17 adds the spreadsheet and the report.

#include "storage/audit/format.hpp"
#include "storage/audit/manifest.hpp"
#include "storage/audit/verify.hpp"
#include "storage/device_key.hpp"
#include "tests/storage/audit/export_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::storage::audit;
using namespace doorpost::test;
using namespace doorpost::storage::test;
namespace fs = std::filesystem;

namespace {

struct Exported {
    TempDir dir;
    std::string db;
    fs::path out;
    std::string key;
    Exported(int events = 20) {
        db = dir.file("kiosk.db");
        appendTestEvents(db, events);
        out = dir.path() / "export";
        auto summary = writeAuditExport(wholeLog(db, out.string()));
        REQUIRE(summary);
        key = summary->devicePublicKey;
    }
    // A fresh copy to tamper with.
    fs::path copy(const std::string& name) {
        const auto to = dir.path() / name;
        copyFolder(out, to);
        return to;
    }
};

VerifyExportReport verify(const fs::path& dir, std::optional<std::string> key = std::nullopt) {
    auto report = verifyAuditExport({dir.string(), std::move(key)});
    REQUIRE(report);
    return *report;
}

void requireNamed(const VerifyExportReport& report, const std::string& where,
                  const std::string& problemPart) {
    INFO("problem: " << report.problem);
    REQUIRE_FALSE(report.ok);
    CHECK(report.where == where);
    CHECK(report.problem.find(problemPart) != std::string::npos);
}

// Rewrites the manifest after changing it, signed with `key`.
void resign(const fs::path& dir, const DeviceKey& key, bool claimKey) {
    auto manifest = manifestFromText(readText(dir / "manifest.json"));
    REQUIRE(manifest);
    if (claimKey) {
        manifest->devicePublicKey = key.publicKeyHex;
    }
    manifest->signature = signDetached(key, manifestSignedBytes(*manifest));
    writeText(dir / "manifest.json", manifestToText(*manifest));
}

} // namespace

TEST_CASE("the untouched export verifies, with the manifest's key and with --device-key") {
    Exported exported;
    auto selfTrusted = verify(exported.out);
    INFO(selfTrusted.problem);
    CHECK(selfTrusted.ok);
    CHECK(selfTrusted.keySource == "manifest");
    CHECK(selfTrusted.records == 20);
    CHECK(selfTrusted.firstSeq == 1);
    CHECK(selfTrusted.lastSeq == 20);

    auto db = Database::open(exported.db);
    REQUIRE(db);
    auto publicKey = devicePublicKey(*db);
    REQUIRE(publicKey);
    CHECK(*publicKey == exported.key);
    auto deviceTrusted = verify(exported.out, *publicKey);
    CHECK(deviceTrusted.ok);
    CHECK(deviceTrusted.keySource == "device-key-file");
    CHECK(deviceTrusted.trustedKey == *publicKey);
}

TEST_CASE("tamper: one field of one record edited") {
    Exported exported;
    SECTION("in events.jsonl") {
        const auto dir = exported.copy("edited");
        auto lines = readLines(dir / "events.jsonl");
        const auto at = lines[3].find("\"verdict\":\"admit\"");
        REQUIRE(at != std::string::npos);
        lines[3].replace(at, 17, "\"verdict\":\"refer\"");
        writeLines(dir / "events.jsonl", lines);
        const auto report = verify(dir);
        requireNamed(report, "events.jsonl line 4 (seq 4)", "does not match its hash");
        CHECK(report.seq == 4);
    }
    SECTION("in events.csv only") {
        const auto dir = exported.copy("edited-csv");
        auto csv = readText(dir / "events.csv");
        const auto at = csv.find("陈静");
        REQUIRE(at != std::string::npos);
        csv.replace(at, std::string("陈静").size(), "陈晶");
        writeText(dir / "events.csv", csv);
        // 陈静 is the 7th name: seq 7, the 8th CSV row counting the header.
        requireNamed(verify(dir), "events.csv row 8 (seq 7)", "differs from record seq 7");
    }
}

TEST_CASE("tamper: a record deleted") {
    Exported exported;
    const auto dir = exported.copy("deleted");
    auto lines = readLines(dir / "events.jsonl");
    lines.erase(lines.begin() + 5);
    writeLines(dir / "events.jsonl", lines);
    requireNamed(verify(dir), "events.jsonl line 6 (seq 7)", "seq 7 where seq 6 was expected");
}

TEST_CASE("tamper: a record inserted") {
    Exported exported;
    SECTION("a copy of an existing record") {
        const auto dir = exported.copy("inserted");
        auto lines = readLines(dir / "events.jsonl");
        lines.insert(lines.begin() + 3, lines[2]);
        writeLines(dir / "events.jsonl", lines);
        requireNamed(verify(dir), "events.jsonl line 4 (seq 3)", "seq 3 where seq 4 was expected");
    }
    SECTION("a forged record renumbering the rest") {
        // The forger gives the new record seq 4 and shifts the later ones: their hashes no
        // longer fit, and the new record does not link to seq 3's hash.
        const auto dir = exported.copy("forged");
        auto lines = readLines(dir / "events.jsonl");
        std::vector<std::string> forged(lines.begin(), lines.begin() + 3);
        for (std::size_t i = 3; i < lines.size(); ++i) {
            auto record = nlohmann::ordered_json::parse(lines[i]);
            record["seq"] = record["seq"].get<int>() + 1;
            if (i == 3) {
                auto inserted = record;
                inserted["seq"] = 4;
                inserted["masked_id"] = "1101**********9999";
                forged.push_back(inserted.dump());
            }
            forged.push_back(record.dump());
        }
        writeLines(dir / "events.jsonl", forged);
        requireNamed(verify(dir), "events.jsonl line 4 (seq 4)", "does not match its hash");
    }
}

TEST_CASE("tamper: two records swapped") {
    Exported exported;
    const auto dir = exported.copy("swapped");
    auto lines = readLines(dir / "events.jsonl");
    std::swap(lines[7], lines[8]);
    writeLines(dir / "events.jsonl", lines);
    requireNamed(verify(dir), "events.jsonl line 8 (seq 9)", "seq 9 where seq 8 was expected");
}

TEST_CASE("tamper: a file truncated") {
    Exported exported;
    SECTION("events.jsonl cut inside a record") {
        const auto dir = exported.copy("cut-record");
        const auto text = readText(dir / "events.jsonl");
        std::size_t at = 0;
        for (int line = 0; line < 9; ++line) {
            at = text.find('\n', at) + 1;
        }
        writeText(dir / "events.jsonl", text.substr(0, at + 40));
        requireNamed(verify(dir), "events.jsonl line 10", "cut short");
    }
    SECTION("events.jsonl cut at a record boundary") {
        const auto dir = exported.copy("cut-lines");
        auto lines = readLines(dir / "events.jsonl");
        lines.resize(17);
        writeLines(dir / "events.jsonl", lines);
        requireNamed(verify(dir), "events.jsonl", "holds 17 records, the manifest says 20");
    }
    SECTION("events.csv cut") {
        const auto dir = exported.copy("cut-csv");
        const auto text = readText(dir / "events.csv");
        writeText(dir / "events.csv", text.substr(0, text.size() / 2));
        const auto report = verify(dir);
        REQUIRE_FALSE(report.ok);
        CHECK(report.where.rfind("events.csv row ", 0) == 0);
    }
    SECTION("manifest.json cut") {
        const auto dir = exported.copy("cut-manifest");
        const auto text = readText(dir / "manifest.json");
        writeText(dir / "manifest.json", text.substr(0, text.size() - 30));
        requireNamed(verify(dir), "manifest.json", "not a JSON object");
    }
}

TEST_CASE("tamper: the manifest replaced") {
    Exported exported;
    SECTION("a field edited without re-signing") {
        const auto dir = exported.copy("manifest-edited");
        auto manifest = nlohmann::json::parse(readText(dir / "manifest.json"));
        manifest["count"] = 19;
        writeText(dir / "manifest.json", manifest.dump(2));
        requireNamed(verify(dir), "manifest.json", "signature does not verify");
    }
    SECTION("a field added that the signature does not cover") {
        const auto dir = exported.copy("manifest-extra");
        auto manifest = nlohmann::json::parse(readText(dir / "manifest.json"));
        manifest["note"] = "approved";
        writeText(dir / "manifest.json", manifest.dump(2));
        requireNamed(verify(dir), "manifest.json", "unexpected field note");
    }
    SECTION("deleted") {
        const auto dir = exported.copy("manifest-gone");
        fs::remove(dir / "manifest.json");
        requireNamed(verify(dir), "manifest.json", "missing");
    }
}

TEST_CASE("tamper: re-signed with another key") {
    Exported exported;
    TempDir otherDir;
    auto otherDb = Database::open(otherDir.file("other.db"));
    REQUIRE(otherDb);
    auto otherKey = loadOrCreateDeviceKey(*otherDb);
    REQUIRE(otherKey);
    REQUIRE(otherKey->publicKeyHex != exported.key);

    // The forger edits a record, recomputes the chain from there and the file fingerprints, and
    // signs the new manifest with a key of their own.
    const auto dir = exported.copy("resigned");
    auto lines = readLines(dir / "events.jsonl");
    std::string prev;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto event = eventFromJsonLine(lines[i]);
        REQUIRE(event);
        if (i == 2) {
            event->verdict = Verdict::Deny;
        }
        if (i >= 2) {
            event->prevHash = prev;
            event->hash = eventHash(*event);
            lines[i] = *eventToJsonLine(*event);
        }
        prev = event->hash;
    }
    writeLines(dir / "events.jsonl", lines);
    std::string csv(kUtf8Bom);
    csv += csvHeader();
    for (const auto& line : lines) {
        csv += csvRow(*eventFromJsonLine(line));
    }
    writeText(dir / "events.csv", csv);
    auto manifest = manifestFromText(readText(dir / "manifest.json"));
    REQUIRE(manifest);
    manifest->lastHash = prev;
    for (const auto& [name, file] :
         {std::pair{"events.jsonl", &manifest->jsonl}, std::pair{"events.csv", &manifest->csv}}) {
        Sha256Stream sha;
        const auto text = readText(dir / name);
        sha.update(text);
        file->sha256 = sha.finishHex();
        file->bytes = static_cast<std::int64_t>(text.size());
    }
    writeText(dir / "manifest.json", manifestToText(*manifest));

    SECTION("claiming the forger's key: caught by --device-key") {
        resign(dir, *otherKey, true);
        requireNamed(verify(dir, exported.key), "manifest.json", "not the trusted device key");
        // Without the device's key the export is self-consistent, and the report says the key
        // trusted is the manifest's own (the CLI then tells the auditor to pass --device-key).
        const auto selfTrusted = verify(dir);
        CHECK(selfTrusted.ok);
        CHECK(selfTrusted.keySource == "manifest");
        CHECK(selfTrusted.trustedKey == otherKey->publicKeyHex);
    }
    SECTION("keeping the device's key in the manifest: the signature fails") {
        resign(dir, *otherKey, false);
        requireNamed(verify(dir), "manifest.json", "signature does not verify");
        requireNamed(verify(dir, exported.key), "manifest.json", "signature does not verify");
    }
}

TEST_CASE("tamper: files mixed from two exports") {
    Exported first(20);
    // A second export of the same device: the first 10 events only.
    const auto second = first.dir.path() / "second";
    auto request = wholeLog(first.db, second.string());
    request.toMs = 1795000000000 + 10 * 1000;
    REQUIRE(writeAuditExport(request));

    SECTION("the other export's CSV") {
        const auto dir = first.copy("mixed-csv");
        fs::copy_file(second / "events.csv", dir / "events.csv",
                      fs::copy_options::overwrite_existing);
        // The first 10 rows are the same events; the mix shows where they stop matching.
        requireNamed(verify(dir), "events.csv row 12 (seq 11)", "differs from record seq 11");
    }
    SECTION("the other export's records and CSV under this manifest") {
        const auto dir = first.copy("mixed-data");
        fs::copy_file(second / "events.csv", dir / "events.csv",
                      fs::copy_options::overwrite_existing);
        fs::copy_file(second / "events.jsonl", dir / "events.jsonl",
                      fs::copy_options::overwrite_existing);
        requireNamed(verify(dir), "events.jsonl", "holds 10 records, the manifest says 20");
    }
    SECTION("the other export's manifest") {
        const auto dir = first.copy("mixed-manifest");
        fs::copy_file(second / "manifest.json", dir / "manifest.json",
                      fs::copy_options::overwrite_existing);
        requireNamed(verify(dir), "events.jsonl", "holds 20 records, the manifest says 10");
    }
    SECTION("from another device") {
        Exported other(20);
        const auto dir = first.copy("mixed-device");
        fs::copy_file(other.out / "events.jsonl", dir / "events.jsonl",
                      fs::copy_options::overwrite_existing);
        requireNamed(verify(dir), "events.jsonl line 1 (seq 1)", "epoch differs");
    }
}

// Issue 17: the spreadsheet and the report are derived views the verifier does not rebuild, so
// the signed manifest's fingerprint is what protects them.
TEST_CASE("tamper: the spreadsheet or the report edited, swapped or removed") {
    Exported first(20);
    const auto second = first.dir.path() / "second";
    auto request = wholeLog(first.db, second.string());
    request.toMs = 1795000000000 + 10 * 1000;
    REQUIRE(writeAuditExport(request));
    for (const char* name : {"events.xlsx", "report.html"}) {
        DYNAMIC_SECTION(name << " edited") {
            const auto dir = first.copy(std::string("edited-") + name);
            std::string bytes = readText(dir / name);
            REQUIRE(bytes.size() > 100);
            bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
            writeText(dir / name, bytes);
            requireNamed(verify(dir), name, "SHA-256 or size differs from the manifest");
        }
        DYNAMIC_SECTION(name << " from another export") {
            const auto dir = first.copy(std::string("swapped-") + name);
            fs::copy_file(second / name, dir / name, fs::copy_options::overwrite_existing);
            requireNamed(verify(dir), name, "SHA-256 or size differs from the manifest");
        }
        DYNAMIC_SECTION(name << " removed") {
            const auto dir = first.copy(std::string("removed-") + name);
            fs::remove(dir / name);
            requireNamed(verify(dir), name, "missing or unreadable");
        }
    }
    SECTION("the untouched export lists and verifies both") {
        auto manifest = manifestFromText(readText(first.out / "manifest.json"));
        REQUIRE(manifest);
        CHECK(manifest->extraFiles.count("events.xlsx") == 1);
        CHECK(manifest->extraFiles.count("report.html") == 1);
        CHECK(verify(first.out).ok);
    }
}
