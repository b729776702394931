#include "sync/witness_check.hpp"

#include <nlohmann/json.hpp>

namespace doorpost::sync {

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
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace

std::string_view toString(WitnessOutcome outcome) {
    switch (outcome) {
    case WitnessOutcome::Witnessed: return "witnessed";
    case WitnessOutcome::Mismatch: return "mismatch";
    case WitnessOutcome::NotWitnessed: return "not_witnessed";
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
        const std::string field = body.is_object() ? body.value("field", "") : "";
        if (field != "device" && field != "epoch") {
            return badInput("--central: " + central.baseUrl +
                            " has no chain-head endpoint (is it a doorpost-central?)");
        }
        report.message = field == "device"
                             ? "the central knows no device " + query.device
                             : "the central holds no events of device " + query.device +
                                   " epoch " + query.epoch;
        return report;
    }
    const auto body = nlohmann::json::parse(answer.body, nullptr, false);
    if (answer.status != 200 || !body.is_object() || !body.contains("witnessed")) {
        return badInput("--central: unexpected answer (" + errorText(answer) + ")");
    }
    report.ackedThrough = body.value("acked_through", std::int64_t{0});
    report.headHash = body.value("head_hash", "");
    report.centralDeviceKey = body.value("device_key", "");
    if (body["hash"].is_string()) {
        report.centralHash = body["hash"].get<std::string>();
    }
    const bool witnessed = body["witnessed"].is_boolean() && body["witnessed"].get<bool>();
    const std::string seq = "seq " + std::to_string(query.lastSeq);
    if (!report.centralDeviceKey.empty() && !query.devicePublicKey.empty() &&
        report.centralDeviceKey != query.devicePublicKey) {
        report.outcome = WitnessOutcome::Mismatch;
        report.message = "the central registered device key " + shortHash(report.centralDeviceKey) +
                         " for " + query.device + ", the manifest names " +
                         shortHash(query.devicePublicKey);
    } else if (!report.centralHash.empty() && report.centralHash != query.lastHash) {
        report.outcome = WitnessOutcome::Mismatch;
        report.message = "the central holds hash " + shortHash(report.centralHash) + " at " + seq +
                         " of epoch " + query.epoch + ", the export's last hash is " +
                         shortHash(query.lastHash) + " (history differs from what was synced)";
    } else if (report.centralHash.empty()) {
        report.message = "the central has not received " + seq + " (it acknowledged through seq " +
                         std::to_string(report.ackedThrough) + "): sync the kiosk, then verify again";
    } else if (!witnessed) {
        report.message = "the central holds " + seq + " but has not linked it into its chain yet "
                         "(acknowledged through seq " + std::to_string(report.ackedThrough) + ")";
    } else {
        report.outcome = WitnessOutcome::Witnessed;
        report.message = "the central witnessed " + seq + " with this hash (its head: seq " +
                         std::to_string(report.ackedThrough) + ")";
    }
    return report;
}

} // namespace doorpost::sync
