#pragma once
// The operator status page at `/`: server-rendered HTML, no script, refreshing itself. Which
// doors are online, quiet (not heard from within the threshold), behind (reported events the
// central has not acknowledged) or revoked; events waiting, last sync, conflicts and findings;
// the version of each published set. zh-CN or en. Each door's row carries its figures as data-
// attributes too, so a test (or a script) reads the page as a person sees it.

#include "sync/central/central_store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::sync::central {

enum class PageLanguage { Chinese, English };

// ?lang=en|zh-CN wins; else the first of Accept-Language that is one of them; else Chinese.
PageLanguage pageLanguage(const std::string& langParam, const std::string& acceptLanguage);

// "revoked", "quiet", "behind" or "online", in that order of precedence.
std::string doorState(const DoorView& door, std::int64_t nowMs, std::int64_t quietAfterS);

struct StatusPage {
    std::vector<DoorView> doors; // every principal; the page lists doors only
    std::vector<SetVersion> sets;
    std::int64_t nowMs = 0;
    std::int64_t quietAfterS = 300;
    int refreshS = 15;
    std::string version; // the central's software version
};

std::string renderStatusPage(const StatusPage& page, PageLanguage language);

} // namespace doorpost::sync::central
