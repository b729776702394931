#pragma once
// The central's device key history (sync/central/central_device_keys.cpp), written once and run
// against the SQLite and the PostgreSQL store: an existing database holding only
// devices.device_key is upgraded in place, keys are registered once each (an empty key never),
// the history survives a restart, the chain-head route answers it, and it is capped.

#include "tests/sync/sync_harness.hpp"

namespace doorpost::sync::test {

void deviceKeyHistory(Backend backend);

} // namespace doorpost::sync::test
