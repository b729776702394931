// events.xlsx and report.html of both exports (issue 17, "What it must show" 4 and 5): the
// spreadsheet read back with openpyxl (seat "07" is the text "07", times are date-times, the
// header is frozen and filtered, IDs and hashes are text; the unmasked central export has the
// ID column), and each report opened in headless Chromium, offline, for a screenshot.
// Screenshots are kept in $DOORPOST_SCREENSHOT_DIR when it is set.

#include "tests/kiosk/privacy/deployment.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

using namespace doorpost::test;
namespace fs = std::filesystem;

namespace {

// Reads the first sheet back and prints what the test checks, as one JSON object.
constexpr const char* kReadBack = R"PY(
import datetime, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
header = [c.value for c in ws[1]]
col = {h.split("\n")[1]: i for i, h in enumerate(header)}
rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
seat = [r[col["seat"]] for r in rows if r[col["seat"]] is not None]
out = {
  "header": header,
  "frozen": ws.freeze_panes,
  "filter": ws.auto_filter.ref,
  "rows": len(rows),
  "seats": seat,
  "seat_types": sorted({type(s).__name__ for s in seat}),
  "time_types": sorted({type(r[1]).__name__ for r in rows} | {type(r[2]).__name__ for r in rows}),
  "hash_types": sorted({type(r[col["hash"]]).__name__ for r in rows}),
  "masked": [r[col["masked ID"]] for r in rows if r[col["masked ID"]]],
  "ids": [r[col["ID number"]] for r in rows if "ID number" in col and r[col["ID number"]]],
  "utc_offset_hours": round((rows[0][1] - rows[0][2]).total_seconds() / 3600, 2) if rows else None,
}
print(json.dumps(out, ensure_ascii=False))
)PY";

nlohmann::json readBack(const fs::path& xlsx, const TempDir& dir) {
    writeText(dir.file("read_back.py"), kReadBack);
    // Debian's python3-openpyxl belongs to the system interpreter, not to one earlier in PATH.
    auto run = runCommand("/usr/bin/python3 " + dir.file("read_back.py") + " " + xlsx.string());
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    return nlohmann::json::parse(run.out);
}

// Headless Chromium, offline, a fresh profile: the report must stand alone.
fs::path screenshot(const fs::path& html, const std::string& name, const TempDir& dir) {
    const char* keep = std::getenv("DOORPOST_SCREENSHOT_DIR");
    const fs::path png = keep ? fs::path(keep) / name : fs::path(dir.file(name));
    if (keep)
        fs::create_directories(keep);
    const std::string profile = dir.file("chromium-" + name);
    auto run =
        runCommand("chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                   "--disable-background-networking --disable-component-update --disable-sync "
                   "--user-data-dir=" +
                   profile + " --window-size=1200,1700 --screenshot=" + png.string() + " file://" +
                   fs::absolute(html).string() + " 2>/dev/null");
    INFO(run.out << run.err);
    REQUIRE(fs::exists(png));
    return png;
}

} // namespace

TEST_CASE("events.xlsx and report.html of a kiosk export and a central export",
          "[privacy][views]") {
    TempDir dir;
    Deployment deployment(dir);
    deployment.sync();
    deployment.trustCentral();
    // A roster with seat "07" (the kiosk holds the subject secret now), a ticket admitted.
    writeText(dir.file("roster.csv"), "candidate_number,name,id_number,session,room,seat\n"
                                      "2021110100731,张伟,110105199003071239,am,101,07\n"
                                      "2021110100732,Li Na,310101198506124563,am,101,08\n");
    auto imported = deployment.kiosk("roster import " + dir.file("roster.csv"));
    INFO(imported.out << imported.err);
    REQUIRE(imported.exitCode == 0);
    auto scanned = deployment.kiosk("scan --json --at 2026-12-07T08:05:00Z --text 2021110100731 "
                                    "--text TKT:2021110100732 --text junk");
    INFO(scanned.out << scanned.err);
    REQUIRE(scanned.exitCode == 0);
    for (const auto& id : {registeredIds()[0], registeredIds()[2]}) {
        auto run = deployment.kiosk("register --id-type resident --id " + id +
                                    " --reason no_phone --operator op1 --json --at "
                                    "2026-12-07T08:20:00Z");
        REQUIRE(run.exitCode == 0);
    }
    deployment.sync();

    const fs::path kiosk = dir.file("kiosk-export");
    auto run = deployment.kiosk("export " + periodAroundToday() + " --out " + kiosk.string());
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);
    const fs::path central = dir.file("central-export");
    run = deployment.central("export " + periodAroundToday() + " --out " + central.string() +
                             " --unmask --sealing-key " + deployment.sealingKeyFile() +
                             " --passphrase-file " + deployment.passphraseFile() +
                             " --reason \"views test\"");
    INFO(run.out << run.err);
    REQUIRE(run.exitCode == 0);

    SECTION("the kiosk's spreadsheet keeps the data as it is") {
        const auto sheet = readBack(kiosk / "events.xlsx", dir);
        INFO(sheet.dump());
        CHECK(sheet["rows"] == 5);
        CHECK(sheet["frozen"] == "A2");
        CHECK(sheet["filter"].get<std::string>().rfind("A1:", 0) == 0);
        CHECK(sheet["header"][0] == "序号\nseq");
        CHECK(std::find(sheet["seats"].begin(), sheet["seats"].end(), "07") !=
              sheet["seats"].end());
        CHECK(sheet["seat_types"] == nlohmann::json::array({"str"}));
        CHECK(sheet["time_types"] == nlohmann::json::array({"datetime"}));
        CHECK(sheet["hash_types"] == nlohmann::json::array({"str"}));
        CHECK(sheet["ids"].empty());
        // The manifest covers it, and verify-export checks it.
        const auto manifest = nlohmann::json::parse(readText(kiosk / "manifest.json"));
        CHECK(manifest["files"].contains("events.xlsx"));
        CHECK(manifest["files"].contains("report.html"));
        CHECK(runCommand(binary("doorpost") + " verify-export " + kiosk.string()).exitCode == 0);
    }
    SECTION("the central's unmasked spreadsheet has the ID column") {
        const auto sheet = readBack(central / "events.xlsx", dir);
        INFO(sheet.dump());
        CHECK(sheet["rows"] == 5);
        auto ids = sheet["ids"].get<std::vector<std::string>>();
        std::sort(ids.begin(), ids.end());
        std::vector<std::string> expected{registeredIds()[0], registeredIds()[2]};
        std::sort(expected.begin(), expected.end());
        CHECK(ids == expected);
        CHECK(sheet["seat_types"] == nlohmann::json::array({"str"}));
        CHECK(sheet["time_types"] == nlohmann::json::array({"datetime"}));
    }
    SECTION("both reports stand alone and are drawn by a browser") {
        for (const auto& [folder, name] :
             {std::pair{kiosk, "report-kiosk.png"}, std::pair{central, "report-central.png"}}) {
            const std::string html = readText(folder / "report.html");
            CHECK(html.find("<svg") != std::string::npos);
            CHECK(html.find("http://") == std::string::npos);
            CHECK(html.find("https://") == std::string::npos);
            CHECK(html.find("<script") == std::string::npos);
            CHECK(html.find("intact at export") != std::string::npos);
            const auto png = screenshot(folder / "report.html", name, dir);
            CHECK(fs::file_size(png) > 20000); // a drawn page, not a blank one
        }
        const std::string centralHtml = readText(central / "report.html");
        CHECK(centralHtml.find(registeredIds()[0]) != std::string::npos); // unmasked as exported
        const std::string kioskHtml = readText(kiosk / "report.html");
        CHECK(kioskHtml.find(registeredIds()[0]) == std::string::npos); // masked
        CHECK(kioskHtml.find("44**************93") != std::string::npos);
    }
}
