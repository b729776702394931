#pragma once
// One line per fact on stderr, with the journal's priority when stderr is the journal
// (StandardError=journal in the units): the line starts with sd-daemon.h's "<3>", "<4>" or "<6>",
// which journald strips and files as error, warning or info, so `journalctl -p warning` shows a
// sync failure and a camera unplugged but not a sync that came back. Elsewhere (a terminal, a
// test, a pipe) the line is plain. Facts are logged on change, never per frame or per round.

#include <string_view>

namespace doorpost {

enum class LogPriority { Error = 3, Warning = 4, Info = 6 };

// True when stderr is the stream $JOURNAL_STREAM names (its "DEVICE:INODE"); read once.
bool stderrIsJournal();

// "<P>program: message" or "program: message", one line (line breaks in `message` become
// spaces), written in one call so lines of several threads do not interleave.
void logLine(LogPriority priority, std::string_view program, std::string_view message);

} // namespace doorpost
