#pragma once
// ID numbers are checked the same way at the kiosk (manual registration, rosters) and at the
// central (roster import), so the checks live with the code both ends share
// (sync/pass/id_number.hpp). The kiosk's credentials and policy name them as their own.

#include "sync/pass/id_number.hpp"

namespace doorpost::kiosk {

using sync::pass::CheckedId;
using sync::pass::checkIdNumber;
using sync::pass::checkPassport;
using sync::pass::checkPermit;
using sync::pass::checkResidentId;
using sync::pass::checkRosterIdNumber;
using sync::pass::IdType;
using sync::pass::idTypeName;
using sync::pass::maskIdNumber;
using sync::pass::parseIdType;
using sync::pass::residentIdCheckCharacter;

} // namespace doorpost::kiosk
