#pragma once
// Reads set items (roster candidates, deny entries) from an operator's file: JSON Lines (one
// object per line) or CSV with a header row, in UTF-8 (an Excel BOM tolerated) or GB18030
// (storage/base/text_encoding.hpp), read by the one CSV reader (storage/base/csv.hpp). The key is
// the named field, or the first column.

#include "storage/base/result.hpp"
#include "sync/protocol.hpp"

#include <string>
#include <vector>

namespace doorpost::sync::central {

Result<std::vector<SetItem>> readSetItems(const std::string& path, const std::string& keyField);

} // namespace doorpost::sync::central
