#include "kiosk/policy/site_profile.hpp"

#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace doorpost::kiosk::policy {

SiteProfile examProfile() {
    SiteProfile p;
    p.name = "exam";
    p.accepted = {credentials::CredentialKind::Dp1, credentials::CredentialKind::Hc1,
                  credentials::CredentialKind::Ticket, credentials::CredentialKind::ResidentId};
    p.rosterRequired = true;
    p.reentryWindowSeconds = 4 * 3600; // one exam session: once in, a second entry is looked at
    p.trustWarnSeconds = 24 * 3600;
    p.afterWarning = StaleMode::FailClosed;
    p.manualReasons = {"no_phone", "code_unreadable", "pass_unavailable", "service_outage"};
    return p;
}

SiteProfile transitProfile() {
    SiteProfile p;
    p.name = "transit";
    p.accepted = {credentials::CredentialKind::Dp1, credentials::CredentialKind::Hc1};
    p.rosterRequired = false;
    p.reentryWindowSeconds = 5 * 60; // anti-passback: one pass, one person through the gate
    p.trustWarnSeconds = 72 * 3600;
    p.afterWarning = StaleMode::KeepWarning; // a station must keep moving
    p.manualReasons = {"no_phone",       "code_unreadable", "pass_unavailable",
                       "service_outage", "elderly",         "child"};
    return p;
}

namespace {

// "line N: ", so `config check` and the kiosk's start name where in the file a value is wrong.
std::string lineOf(const toml::node& node) {
    return "line " + std::to_string(node.source().begin.line) + ": ";
}

Result<void> apply(const toml::table& table, SiteProfile& profile, const std::string& where) {
    if (auto* list = table.get("credentials")) {
        const auto* array = list->as_array();
        if (!array)
            return badInput(lineOf(*list) + where + ".credentials: expected a list");
        profile.accepted.clear();
        for (const auto& item : *array) {
            credentials::CredentialKind kind;
            const auto name = item.value<std::string>();
            if (!name || !credentials::parseCredentialKind(*name, kind))
                return badInput(lineOf(item) + where + ".credentials: unknown credential '" +
                                name.value_or("?") + "'");
            profile.accepted.insert(kind);
        }
    }
    if (auto* value = table.get("roster_required")) {
        if (!value->is_boolean())
            return badInput(lineOf(*value) + where + ".roster_required: expected true/false");
        profile.rosterRequired = value->as_boolean()->get();
    }
    if (auto* value = table.get("reentry_window_minutes")) {
        const auto minutes = value->value<std::int64_t>();
        if (!minutes || *minutes < 0 || *minutes > 7 * 24 * 60)
            return badInput(lineOf(*value) + where + ".reentry_window_minutes: expected 0..10080");
        profile.reentryWindowSeconds = *minutes * 60;
    }
    if (auto* value = table.get("trust_warn_hours")) {
        const auto hours = value->value<std::int64_t>();
        if (!hours || *hours < 0 || *hours > 24 * 365)
            return badInput(lineOf(*value) + where + ".trust_warn_hours: expected 0..8760");
        profile.trustWarnSeconds = *hours * 3600;
    }
    if (auto* value = table.get("trust_after_warning")) {
        const auto mode = value->value<std::string>();
        if (mode == "fail_closed")
            profile.afterWarning = StaleMode::FailClosed;
        else if (mode == "keep_warning")
            profile.afterWarning = StaleMode::KeepWarning;
        else
            return badInput(lineOf(*value) + where +
                            ".trust_after_warning: expected fail_closed or keep_warning");
    }
    if (auto* list = table.get("manual_reasons")) {
        const auto* array = list->as_array();
        if (!array)
            return badInput(lineOf(*list) + where + ".manual_reasons: expected a list");
        profile.manualReasons.clear();
        for (const auto& item : *array) {
            const auto reason = item.value<std::string>();
            if (!reason || reason->empty())
                return badInput(lineOf(item) + where + ".manual_reasons: expected strings");
            profile.manualReasons.insert(*reason);
        }
    }
    return {};
}

Result<SiteProfile> builtIn(std::string_view name) {
    if (name == "exam")
        return examProfile();
    if (name == "transit")
        return transitProfile();
    return badInput("profile: unknown profile '" + std::string(name) + "'");
}

} // namespace

Result<SiteProfile> parseSiteProfile(std::string_view tomlText, std::string_view overrideName) {
    toml::table root;
    try {
        root = toml::parse(tomlText);
    } catch (const toml::parse_error& error) {
        std::ostringstream where;
        where << "config: line " << error.source().begin.line << ": " << error.description();
        return badInput(where.str());
    }
    std::string name = std::string(overrideName);
    if (name.empty())
        name = root["profile"].value_or(std::string("exam"));
    const toml::table* custom = root["profiles"][name].as_table();
    if (!custom)
        return builtIn(name);
    const std::string base = (*custom)["base"].value_or(std::string(""));
    SiteProfile profile;
    if (!base.empty()) {
        auto start = builtIn(base);
        if (!start)
            return badInput("profiles." + name + ".base: " + start.error().message);
        profile = std::move(*start);
    }
    profile.name = name;
    if (auto applied = apply(*custom, profile, "profiles." + name); !applied)
        return applied.error();
    return profile;
}

Result<void> checkSiteProfiles(std::string_view tomlText) {
    auto chosen = parseSiteProfile(tomlText);
    if (!chosen)
        return chosen.error();
    const auto root = toml::parse(tomlText); // parsed without error just above
    if (const toml::node* profiles = root.get("profiles"); profiles != nullptr) {
        const toml::table* tables = profiles->as_table();
        if (!tables)
            return badInput("profiles: expected tables [profiles.NAME]");
        for (auto&& [name, table] : *tables) {
            if (!table.is_table())
                return badInput("profiles." + std::string(name.str()) + ": expected a table");
            if (auto profile = parseSiteProfile(tomlText, name.str()); !profile)
                return profile.error();
        }
    }
    return {};
}

Result<SiteProfile> loadSiteProfile(const std::string& configPath, std::string_view overrideName) {
    if (configPath.empty())
        return parseSiteProfile("", overrideName);
    std::ifstream in(configPath);
    if (!in)
        return badInput("config: cannot read " + configPath);
    std::stringstream text;
    text << in.rdbuf();
    return parseSiteProfile(text.str(), overrideName);
}

} // namespace doorpost::kiosk::policy
