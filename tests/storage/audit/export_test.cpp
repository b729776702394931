// The audit export's writer: the CSV as a real CSV reader sees it, masking, the device key,
// all-or-nothing output, and a consistent snapshot while the gate keeps appending.

#include "storage/audit/format.hpp"
#include "storage/audit/manifest.hpp"
#include "storage/audit/verify.hpp"
#include "storage/device_key.hpp"
#include "tests/storage/audit/export_fixture.hpp"
#include "tests/support/temp_dir.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <thread>

using namespace doorpost;
using namespace doorpost::storage;
using namespace doorpost::storage::audit;
using namespace doorpost::test;
using namespace doorpost::storage::test;
namespace fs = std::filesystem;

namespace {

std::string runCapture(const std::string& command, int& exitCode) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) {
        out.append(buffer, n);
    }
    const int status = ::pclose(pipe);
    exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// Python's csv module reads the file as Excel would ("utf-8-sig" strips the BOM); the rows come
// back as JSON.
nlohmann::json readCsvWithPython(const TempDir& dir, const fs::path& csv) {
    const auto script = dir.file("read_csv.py");
    writeText(script,
              "import csv, json, sys\n"
              "with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n"
              "    print(json.dumps(list(csv.DictReader(f, strict=True)), ensure_ascii=False))\n");
    int exitCode = -1;
    const auto out = runCapture("python3 " + script + " " + csv.string(), exitCode);
    REQUIRE(exitCode == 0);
    return nlohmann::json::parse(out);
}

} // namespace

TEST_CASE("events.csv read back by Python's csv module keeps names, commas, quotes and lines") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 8);
    const auto out = dir.path() / "export";
    auto summary = writeAuditExport(wholeLog(db, out.string()));
    REQUIRE(summary);
    CHECK(summary->count == 8);

    const auto raw = readText(out / "events.csv");
    REQUIRE(raw.rfind("\xEF\xBB\xBF", 0) == 0); // UTF-8 BOM for Excel/WPS
    CHECK(raw.find("\r\n") != std::string::npos);
    // Nothing of detail but name, room and seat: no sealed ID, no raw code content.
    CHECK(raw.find("SEALED-BLOB") == std::string::npos);
    CHECK(raw.find("RAW-CODE-CONTENT") == std::string::npos);

    const auto rows = readCsvWithPython(dir, out / "events.csv");
    REQUIRE(rows.size() == 8);
    const auto& names = exportTestNames();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        const auto& row = rows[i];
        CHECK(row["seq"] == std::to_string(i + 1));
        // A cell that would run as a formula gets a leading apostrophe (docs/audit.md).
        const std::string expected = names[i][0] == '=' ? "'" + names[i] : names[i];
        CHECK(row["name"] == expected);
        CHECK(row["room"] == "A10" + std::to_string(i % 3));
        CHECK(row["seat"] == std::to_string(i + 1));
        CHECK(row["masked_id"] == "1101**********" + std::to_string(1000 + i));
        CHECK(row["verdict"] == (i % 5 == 4 ? "deny" : "admit"));
        CHECK(row["reasons"] ==
              (i % 5 == 4 ? "roster.not_listed,policy.exam" : "pass.valid,policy.exam"));
        CHECK(row["time_utc"] == isoUtcMs(1795000000000 + static_cast<std::int64_t>(i) * 1000));
        CHECK(row["hash"].get<std::string>().size() == 64);
    }
}

TEST_CASE("CSV times are ISO 8601 UTC with milliseconds, across days, leap days and 1970") {
    CHECK(isoUtcMs(0) == "1970-01-01T00:00:00.000Z");
    CHECK(isoUtcMs(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(isoUtcMs(1795000000000) == "2026-11-18T11:06:40.000Z");
    CHECK(isoUtcMs(951868799999) == "2000-02-29T23:59:59.999Z");
    CHECK(isoUtcMs(4102444799999) == "2099-12-31T23:59:59.999Z");
}

TEST_CASE("an unmasked ID number never reaches the CSV") {
    CHECK(maskResidentIds("11010519491231002X") == "1101**********002X");
    CHECK(maskResidentIds("id 110105194912310021 ok") == "id 110105194912310021 ok"); // bad check
    CHECK(maskResidentIds("a11010519491231002Xb") == "a11010519491231002Xb"); // not a whole token
    CHECK(containsResidentId("{\"raw\":\"11010519491231002X\"}"));

    TempDir dir;
    const auto db = dir.file("kiosk.db");
    {
        auto opened = Database::open(db);
        REQUIRE(opened);
        auto log = EventLog::open(*opened);
        REQUIRE(log);
        EventDraft draft;
        draft.maskedId = "11010519491231002X"; // a writer breaking the contract
        draft.detail = R"({"name":"张三 11010519491231002X"})";
        draft.wallTimeMs = 1795000000000;
        REQUIRE(log->append(draft));
    }
    const auto out = dir.path() / "export";
    auto summary = writeAuditExport(wholeLog(db, out.string()));
    REQUIRE(summary);
    CHECK(summary->idLikeInDetail == 1);
    const auto csv = readText(out / "events.csv");
    CHECK(csv.find("11010519491231002X") == std::string::npos);
    CHECK(csv.find("张三 1101**********002X") != std::string::npos);
    // events.jsonl carries detail byte for byte (the chain hash covers it), and still verifies.
    auto report = verifyAuditExport({out.string(), std::nullopt});
    REQUIRE(report);
    CHECK(report->ok);
}

TEST_CASE("the device key is made once, kept in the database, and signs the manifest") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 2);
    std::string key;
    {
        auto opened = Database::open(db);
        REQUIRE(opened);
        auto first = devicePublicKey(*opened);
        REQUIRE(first);
        CHECK(first->size() == 64);
        key = *first;
        auto again = devicePublicKey(*opened);
        REQUIRE(again);
        CHECK(*again == key);
    }
    auto reopened = Database::open(db);
    REQUIRE(reopened);
    auto afterReopen = devicePublicKey(*reopened);
    REQUIRE(afterReopen);
    CHECK(*afterReopen == key);

    auto summary = writeAuditExport(wholeLog(db, dir.file("export")));
    REQUIRE(summary);
    CHECK(summary->devicePublicKey == key);
    auto signer = loadOrCreateDeviceKey(*reopened);
    REQUIRE(signer);
    const auto signature = signDetached(*signer, "message");
    CHECK(verifyDetached(key, "message", signature));
    CHECK_FALSE(verifyDetached(key, "messagE", signature));
}

TEST_CASE("the export is all or nothing") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 3);

    SECTION("--out that exists and is not empty is refused, and left alone") {
        const auto out = dir.path() / "busy";
        fs::create_directory(out);
        writeText(out / "keep.txt", "mine");
        auto summary = writeAuditExport(wholeLog(db, out.string()));
        REQUIRE_FALSE(summary);
        CHECK(summary.error().kind == doorpost::ErrorKind::BadInput);
        CHECK(readText(out / "keep.txt") == "mine");
    }
    SECTION("an empty --out folder is filled") {
        const auto out = dir.path() / "empty";
        fs::create_directory(out);
        REQUIRE(writeAuditExport(wholeLog(db, out.string())));
        CHECK(fs::exists(out / "manifest.json"));
    }
    SECTION("an unwritable --out is an environment fault and leaves nothing") {
        writeText(dir.path() / "a-file", "x");
        auto summary = writeAuditExport(wholeLog(db, (dir.path() / "a-file" / "out").string()));
        REQUIRE_FALSE(summary);
        CHECK(summary.error().kind == doorpost::ErrorKind::Environment);
    }
    SECTION("an empty period is a negative answer and leaves nothing") {
        auto request = wholeLog(db, (dir.path() / "none").string());
        request.fromMs = 0;
        request.toMs = 1000;
        auto summary = writeAuditExport(request);
        REQUIRE_FALSE(summary);
        CHECK(summary.error().kind == doorpost::ErrorKind::Negative);
        CHECK_FALSE(fs::exists(dir.path() / "none"));
    }
    // No partial folder is ever left beside --out.
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
    }
}

TEST_CASE("a database edited behind the log's back exports as it is and fails verification") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 6);
    {
        auto opened = Database::open(db);
        REQUIRE(opened);
        REQUIRE(opened->exec("UPDATE events SET verdict = 'admit' WHERE seq = 5"));
    }
    const auto out = dir.path() / "export";
    auto summary = writeAuditExport(wholeLog(db, out.string()));
    REQUIRE(summary);
    auto report = verifyAuditExport({out.string(), summary->devicePublicKey});
    REQUIRE(report);
    CHECK_FALSE(report->ok);
    CHECK(report->where == "events.jsonl line 5 (seq 5)");
}

TEST_CASE("exporting while the gate appends gives consistent, verifiable segments") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 5);

    // The writer thread has its own connection (as the gate does); the exports below run on
    // theirs. They meet only in SQLite (WAL: one writer, readers on a snapshot) and in `stop`.
    std::atomic<bool> stop{false};
    std::atomic<int> appended{0};
    std::string writerError;
    std::thread writer([&] {
        try {
            for (int i = 5; i < 5000 && !stop.load(); ++i) {
                appendTestEvents(db, 1, i);
                appended.fetch_add(1);
            }
        } catch (const std::exception& error) {
            writerError = error.what();
        }
    });
    std::vector<ExportSummary> exports;
    for (int round = 0; round < 4; ++round) {
        const int before = appended.load();
        while (appended.load() < before + 15 && writerError.empty()) {
            std::this_thread::yield();
        }
        auto summary = writeAuditExport(wholeLog(db, dir.file("export-" + std::to_string(round))));
        REQUIRE(summary);
        exports.push_back(*summary);
    }
    stop = true;
    writer.join();
    REQUIRE(writerError.empty());

    auto opened = Database::open(db);
    REQUIRE(opened);
    auto log = EventLog::open(*opened);
    REQUIRE(log);
    std::int64_t previousLast = 0;
    for (std::size_t round = 0; round < exports.size(); ++round) {
        const auto& summary = exports[round];
        INFO("export " << round);
        CHECK(summary.firstSeq == 1);
        CHECK(summary.count == summary.lastSeq);
        CHECK(summary.lastSeq > previousLast); // events kept arriving between exports
        previousLast = summary.lastSeq;
        auto report = verifyAuditExport({summary.outDir, summary.devicePublicKey});
        REQUIRE(report);
        INFO(report->problem);
        CHECK(report->ok);
        // The segment is exactly what the log holds for those seqs.
        auto events = log->readSeqRange(summary.lastSeq, summary.lastSeq);
        REQUIRE(events);
        REQUIRE(events->size() == 1);
        CHECK(events->front().hash == summary.lastHash);
    }
    auto status = log->status();
    REQUIRE(status);
    CHECK(status->lastSeq > exports.back().lastSeq - 1);
}

TEST_CASE("events.csv carries the clock each event recorded, in columns after the older ones, "
          "an export of the format before them still verifies") {
    TempDir dir;
    const auto db = dir.file("kiosk.db");
    appendTestEvents(db, 2);
    {
        // Recorded while the clock was suspect (docs/clock.md): the wall clock six years back.
        auto opened = Database::open(db);
        REQUIRE(opened);
        auto log = EventLog::open(*opened);
        REQUIRE(log);
        EventDraft draft;
        draft.kind = EventKind::Scan;
        draft.credentialType = "ticket";
        draft.verdict = Verdict::Admit;
        draft.reasons = {"ticket_valid", "device_clock_wrong"};
        draft.detail = R"({"door":"d1","clock":{"state":"suspect","offset_ms":189345600000,)"
                       R"("estimate":"2026-01-01T09:00:00Z","basis":"last_event","floor":true,)"
                       R"("wall_back_ms":189345000000},"name":"张伟"})";
        draft.wallTimeMs = 1577869200000; // 2020-01-01T09:00:00Z
        REQUIRE(log->append(draft));
        draft.reasons = {"clock_set"};
        draft.kind = EventKind::Operator;
        draft.verdict = Verdict::None;
        draft.operatorId = "op1";
        draft.detail = R"({"action":"clock_set","offset_ms":5,"clock":{"state":"ok",)"
                       R"("offset_ms":-7200000}})";
        REQUIRE(log->append(draft));
    }
    const auto out = dir.path() / "export";
    auto summary = writeAuditExport(wholeLog(db, out.string()));
    REQUIRE(summary);
    CHECK(nlohmann::json::parse(readText(out / "manifest.json"))["format"] ==
          "doorpost-audit-export-v2");

    const auto rows = readCsvWithPython(dir, out / "events.csv");
    REQUIRE(rows.size() == 4);
    // The older columns first, in their places; the clock's after them.
    const auto lines = readLines(out / "events.csv");
    CHECK(lines[0] == "\xEF\xBB\xBFseq,time_utc,device_id,kind,credential_type,masked_id,name,"
                      "room,seat,verdict,reasons,operator,event_id,hash,clock_state,"
                      "clock_offset_ms,clock_floor,clock_wall_back_ms\r");
    CHECK(rows[0]["clock_state"] == ""); // recorded before the clock was
    CHECK(rows[2]["clock_state"] == "suspect");
    CHECK(rows[2]["clock_offset_ms"] == "189345600000");
    CHECK(rows[2]["clock_floor"] == "true");
    CHECK(rows[2]["clock_wall_back_ms"] == "189345000000");
    CHECK(rows[2]["name"] == "张伟");
    CHECK(rows[3]["reasons"] == "clock_set");
    CHECK(rows[3]["operator"] == "op1");
    CHECK(rows[3]["clock_state"] == "ok");
    CHECK(rows[3]["clock_offset_ms"] == "-7200000"); // a number, not guarded as a formula
    CHECK(rows[3]["clock_wall_back_ms"] == "");
    auto report = verifyAuditExport({out.string(), summary->devicePublicKey});
    REQUIRE(report);
    CHECK(report->ok);

    // The same export as the v1 format wrote it: 14 columns, signed as "...-v1". It verifies.
    const auto old = dir.path() / "export-v1";
    copyFolder(out, old);
    std::string csv = "\xEF\xBB\xBF" + csvHeader(CsvLayout::V1);
    for (const auto& line : readLines(old / "events.jsonl")) {
        auto event = eventFromJsonLine(line);
        REQUIRE(event);
        csv += csvRow(*event, CsvLayout::V1);
    }
    writeText(old / "events.csv", csv);
    auto manifest = manifestFromText(readText(old / "manifest.json"));
    REQUIRE(manifest);
    manifest->format = "doorpost-audit-export-v1";
    Sha256Stream sha;
    sha.update(csv);
    manifest->csv = {sha.finishHex(), static_cast<std::int64_t>(csv.size())};
    auto opened = Database::open(db);
    REQUIRE(opened);
    auto key = loadOrCreateDeviceKey(*opened);
    REQUIRE(key);
    manifest->signature = signDetached(*key, manifestSignedBytes(*manifest));
    writeText(old / "manifest.json", manifestToText(*manifest));
    auto oldReport = verifyAuditExport({old.string(), summary->devicePublicKey});
    REQUIRE(oldReport);
    INFO(oldReport->problem);
    CHECK(oldReport->ok);
    CHECK(readCsvWithPython(dir, old / "events.csv")[2].size() == 14);

    // A v1 manifest cannot vouch for the new columns, nor a v2 one for the CSV without them.
    const auto mixed = dir.path() / "export-mixed";
    copyFolder(old, mixed);
    writeText(mixed / "events.csv", readText(out / "events.csv"));
    auto mixedReport = verifyAuditExport({mixed.string(), summary->devicePublicKey});
    REQUIRE(mixedReport);
    CHECK_FALSE(mixedReport->ok);
    CHECK(mixedReport->where == "events.csv row 1");
}
