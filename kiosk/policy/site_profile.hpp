#pragma once
// Site profiles: the rules one door applies, chosen in the config file. Two are built in,
// `exam` and `transit`; a config file may define more, each optionally starting from a
// built-in one (`base = "transit"`) and overriding what it names.
//
//   profile = "exam"                     # the profile this kiosk runs
//   [profiles.night-bus]
//   base = "transit"
//   credentials = ["dp1", "hc1"]         # dp1 hc1 ticket resident_id unrecognised
//   roster_required = false
//   reentry_window_minutes = 5           # 0: no re-entry rule
//   trust_warn_hours = 24                # past valid-until: warn this long...
//   trust_after_warning = "fail_closed"  # ...then stop admitting ("keep_warning": never stop)
//   manual_reasons = ["no_phone", "code_unreadable"]

#include "kiosk/credentials/credential.hpp"
#include "storage/base/result.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

namespace doorpost::kiosk::policy {

enum class StaleMode { FailClosed, KeepWarning };

struct SiteProfile {
    std::string name;
    std::set<credentials::CredentialKind> accepted;
    bool rosterRequired = false;
    std::int64_t reentryWindowSeconds = 0;
    std::int64_t trustWarnSeconds = 0;
    StaleMode afterWarning = StaleMode::FailClosed;
    std::set<std::string> manualReasons;
};

SiteProfile examProfile();
SiteProfile transitProfile();

// Reads the config file (empty path: the built-in `exam` profile) and returns the profile it
// selects, or `overrideName` when given. Errors name the key or line that is wrong.
Result<SiteProfile> loadSiteProfile(const std::string& configPath,
                                    std::string_view overrideName = {});
Result<SiteProfile> parseSiteProfile(std::string_view tomlText, std::string_view overrideName = {});
// `config check`: the profile the file selects and every [profiles.NAME] table in it.
Result<void> checkSiteProfiles(std::string_view tomlText);

} // namespace doorpost::kiosk::policy
