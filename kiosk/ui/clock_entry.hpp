#pragma once
// The staff screen's time entry (docs/clock.md): staff give the true time when the kiosk's clock
// is wrong, with - / + steppers for year, month, day, hour and minute (touch, no keyboard),
// prefilled with the clock's best estimate so that usually only a step or two is needed. The
// time is local and to the minute, as a wall clock or a phone shows it; seconds are zero.
// The entry only holds the choice; setting it is the staff port's (app::StaffPort::setClock).

#include "kiosk/ui/ui_context.hpp"
#include "storage/base/local_time.hpp"

#include <cstdint>

namespace doorpost::kiosk::ui {

enum class ClockField { Year, Month, Day, Hour, Minute };

// Calendar steps on a local minute: a day, hour or minute step carries into the next field
// (23:59 + 1 minute is the next day, 00:00); a year or month step keeps the day within the
// month (31 January + 1 month is 28 or 29 February).
LocalMinute stepLocalMinute(LocalMinute value, ClockField field, int delta);

class ClockEntry {
public:
    enum class Action { None, Cancel, Set };

    explicit ClockEntry(std::int64_t startUnix) : m_value(localMinute(startUnix)) {}

    // Draws the steppers and Cancel / Set; `enabled` false while a request is out.
    Action draw(UiContext& ctx, bool enabled);
    const LocalMinute& value() const { return m_value; }
    std::int64_t unixSeconds() const { return unixFromLocalMinute(m_value); }

private:
    LocalMinute m_value;
};

} // namespace doorpost::kiosk::ui
