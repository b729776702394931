#include "kiosk/cli/gate_session.hpp"

#include "kiosk/gate/checks_json.hpp"
#include "storage/base/iso_time.hpp"

namespace doorpost::kiosk::cli {

Result<storage::Database> openKioskDatabase(const GlobalOptions& global) {
    return storage::Database::open(global.dbPath);
}

Result<gate::GateConfig> loadGateConfig(const GlobalOptions& global, std::string_view name) {
    auto profile = policy::loadSiteProfile(global.configPath, name);
    if (!profile)
        return badInput("--config: " + profile.error().message);
    gate::GateConfig config;
    config.profile = std::move(*profile);
    return config;
}

Result<std::unique_ptr<GateSession>> openGateSession(const GlobalOptions& global) {
    auto config = loadGateConfig(global);
    if (!config)
        return config.error();
    auto db = openKioskDatabase(global);
    if (!db)
        return db.error();
    auto session = std::make_unique<GateSession>();
    session->db = std::make_unique<storage::Database>(std::move(*db));
    auto gate = gate::Gate::open(*session->db, std::move(*config));
    if (!gate)
        return gate.error();
    session->gate.emplace(std::move(*gate));
    return session;
}

nlohmann::json verdictJson(const gate::GateResult& result) {
    nlohmann::json reasons = nlohmann::json::array();
    nlohmann::json zh = nlohmann::json::array();
    nlohmann::json en = nlohmann::json::array();
    for (credentials::Reason reason : result.reasons) {
        const auto text = credentials::reasonText(reason);
        reasons.push_back(text.code);
        zh.push_back(text.zh);
        en.push_back(text.en);
    }
    nlohmann::json out = {{"credential", credentials::credentialKindName(result.credential.kind)},
                          {"verdict", verdictName(result.verdict)},
                          {"reasons", reasons},
                          {"reason_text", {{"zh", zh}, {"en", en}}},
                          {"seq", result.seq},
                          {"checks", gate::checksJson(result.credential.checks)}};
    if (!result.credential.maskedId.empty())
        out["masked_id"] = result.credential.maskedId;
    if (!result.credential.passId.empty())
        out["pass_id"] = result.credential.passId;
    if (!result.detail.empty())
        out["detail"] = result.detail;
    if (result.alreadyAdmitted)
        out["already_admitted"] = gate::alreadyAdmittedJson(*result.alreadyAdmitted);
    out["clock"] = gate::clockJson(result.clock, 0);
    return out;
}

Result<std::optional<std::int64_t>> parseClockOption(const std::string& option,
                                                     const std::string& value) {
    if (value.empty())
        return std::optional<std::int64_t>{};
    auto parsed = parseIsoTime(value);
    if (!parsed)
        return badInput(option + ": " + parsed.error().message);
    return std::optional<std::int64_t>{*parsed};
}

} // namespace doorpost::kiosk::cli
