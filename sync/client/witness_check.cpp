#include "sync/client/witness_check.hpp"

#include "storage/base/iso_time.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace doorpost::sync::client {

namespace {

std::string shortHash(const std::string& hash) {
    return hash.size() > 16 ? hash.substr(0, 16) + "..." : hash;
}

std::string errorText(const HttpAnswer& answer) {
    const auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_string()) {
        return body["error"].get<std::string>();
    }
    return "HTTP " + std::to_string(answer.status);
}

bool isUrlSafe(const std::string& text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// "key 2 of 3 registered 2026-11-27T14:56:54Z" (the central's clock).
std::string keyNote(const WitnessReport& report) {
    const std::size_t index = *report.matchedKey;
    const RegisteredDeviceKey& key = report.centralDeviceKeys[index];
    std::string note = "device key " + std::to_string(index + 1) + " of " +
                       std::to_string(report.centralDeviceKeys.size()) + " registered ";
    note += key.registeredMs > 0 ? formatIsoTime(key.registeredMs / 1000)
                                 : std::string("before the central kept a key history");
    return note;
}

} // namespace

std::string_view toString(WitnessOutcome outcome) {
    switch (outcome) {
    case WitnessOutcome::Witnessed:
        return "witnessed";
    case WitnessOutcome::Mismatch:
        return "mismatch";
    case WitnessOutcome::NotWitnessed:
        return "not_witnessed";
    }
    return "not_witnessed";
}

Result<WitnessReport> checkWitnessed(const HttpClientOptions& central, const WitnessQuery& query) {
    // Enrolled names and epochs never need escaping; anything else cannot be at the central.
    if (!isUrlSafe(query.device) || !isUrlSafe(query.epoch)) {
        WitnessReport report;
        report.message = "the manifest's device or epoch is not a name the central can hold";
        return report;
    }
    HttpClient client(central);
    const std::string path = "/v1/devices/" + query.device + "/chain-head?epoch=" + query.epoch +
                             "&seq=" + std::to_string(query.lastSeq);
    const HttpOutcome outcome = client.get(path);
    if (!outcome.answered) {
        return environmentFault("--central: cannot reach " + central.baseUrl + ": " +
                                outcome.transportError);
    }
    const HttpAnswer& answer = outcome.answer;
    WitnessReport report;
    if (answer.status == 401 || answer.status == 403) {
        return badInput("--token: the central refused it (" + errorText(answer) + ")");
    }
    if (answer.status >= 500) {
        return environmentFault("--central: the central answered " + std::to_string(answer.status) +
                                " (" + errorText(answer) + ")");
    }
    if (answer.status == 404) {
        const auto body = nlohmann::json::parse(answer.body, nullptr, false);
        // Read without value(), which throws on a non-string "field" from a hostile server.
        const auto it = body.is_object() ? body.find("field") : body.end();
        const std::string field =
            it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
        if (field != "device" && field != "epoch") {
            return badInput("--central: " + central.baseUrl +
                            " has no chain-head endpoint (is it a doorpost-central?)");
        }
        report.message = field == "device" ? "the central knows no device " + query.device
                                           : "the central holds no events of device " +
                                                 query.device + " epoch " + query.epoch;
        return report;
    }
    const auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status != 200 || !body.is_object() || !body.contains("witnessed")) {
        return badInput("--central: unexpected answer (" + errorText(answer) + ")");
    }
    auto parsed = parseChainHeadAnswer(body);
    if (!parsed) {
        return parsed.error();
    }
    report.ackedThrough = parsed->ackedThrough;
    report.headHash = std::move(parsed->headHash);
    report.centralHash = std::move(parsed->hash);
    report.centralDeviceKey = std::move(parsed->deviceKey);
    report.centralDeviceKeys = std::move(parsed->deviceKeys);
    // The manifest's key must be one the device enrolled with: any of its history, since a
    // reinstalled kiosk (a new database, a new key) leaves exports signed with its old key.
    const bool keyChecked = !report.centralDeviceKeys.empty() && !query.devicePublicKey.empty();
    const auto& keys = report.centralDeviceKeys;
    const auto match = std::find_if(keys.begin(), keys.end(), [&](const RegisteredDeviceKey& key) {
        return key.key == query.devicePublicKey;
    });
    if (keyChecked && match != keys.end()) {
        report.matchedKey = static_cast<std::size_t>(match - keys.begin());
    }
    const bool witnessed = parsed->witnessed;
    const std::string seq = "seq " + std::to_string(query.lastSeq);
    if (keyChecked && !report.matchedKey) {
        report.outcome = WitnessOutcome::Mismatch;
        report.message = "the central never registered device key " +
                         shortHash(query.devicePublicKey) + " (the manifest's) for " +
                         query.device + ": key mismatch (it holds " +
                         std::to_string(report.centralDeviceKeys.size()) + " key(s), the latest " +
                         shortHash(report.centralDeviceKey) + ")";
    } else if (!report.centralHash.empty() && report.centralHash != query.lastHash) {
        report.outcome = WitnessOutcome::Mismatch;
        report.message = "the central holds hash " + shortHash(report.centralHash) + " at " + seq +
                         " of epoch " + query.epoch + ", the export's last hash is " +
                         shortHash(query.lastHash) + " (history differs from what was synced)";
    } else if (report.centralHash.empty()) {
        report.message = "the central has not received " + seq + " (it acknowledged through seq " +
                         std::to_string(report.ackedThrough) +
                         "): sync the kiosk, then verify again";
    } else if (!witnessed) {
        report.message = "the central holds " + seq +
                         " but has not linked it into its chain yet "
                         "(acknowledged through seq " +
                         std::to_string(report.ackedThrough) + ")";
    } else {
        report.outcome = WitnessOutcome::Witnessed;
        report.message = "the central witnessed " + seq + " with this hash (its head: seq " +
                         std::to_string(report.ackedThrough) + ")";
        if (report.matchedKey) {
            report.message += "; " + keyNote(report);
        }
    }
    return report;
}

} // namespace doorpost::sync::client
