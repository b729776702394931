#pragma once
// A stored event (storage::Event) as it travels in a push, and back: every field the hash covers
// goes over the wire, so the central recomputes the hash from the content it receives
// (docs/event-log.md) instead of trusting the number it was sent.

#include "storage/base/result.hpp"
#include "storage/event.hpp"
#include "sync/protocol.hpp"

namespace doorpost::sync {

WireEvent toWire(const storage::Event& event);

// Appends the push record of `event` to `out`: the same bytes as dumpJson(toJson(wire)) with
// wire = toWire(event) and wire.quarantined = `quarantined`, written without building a JSON
// tree (draining a backlog sends hundreds of thousands). Returns false, appending nothing, when
// a text field is not valid UTF-8: the caller falls back to dumpJson, which replaces it.
bool appendWireJson(std::string& out, const storage::Event& event, const std::string& quarantined);

// Rebuilds the stored event from a wire record (not a quarantine stub).
Result<storage::Event> fromWire(const WireEvent& wire, const std::string& epoch);

} // namespace doorpost::sync
