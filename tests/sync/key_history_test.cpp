// The central's device key history on the SQLite store (the PostgreSQL run is in
// postgres_sync_test.cpp).

#include "tests/sync/key_history_scenario.hpp"

#include <catch2/catch.hpp>

using namespace doorpost;
using namespace doorpost::sync::test;

TEST_CASE(
    "sqlite: the central keeps every device key, upgraded from a database holding only the latest",
    "[sync][central]") {
    deviceKeyHistory(Backend::Sqlite);
}
