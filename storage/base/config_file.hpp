#pragma once
// A configuration file (/etc/doorpost/kiosk.toml, /etc/doorpost/central.toml) as the command
// line sees it: TOML whose top-level keys are long options without their dashes, each value
// spelled as it would be typed after the option (`port = 8443` is `--port 8443`, `no-sound = true`
// the flag). Both binaries read it through here; which keys a binary takes, and which it refuses,
// is command_line_config.hpp's business. Every error names the file, the line and the key.

#include "storage/base/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace doorpost {

struct ConfigValue {
    enum class Type { String, Integer, Boolean, Table, Other };
    std::string key; // the top-level key: `lang`, or a table's name (`profiles`)
    Type type = Type::Other;
    std::string text; // as on a command line: `zh`, `8443`, `true`; empty for a table
    int line = 0;     // 1-based line of the key in the file
};

struct ConfigFile {
    std::string path;
    std::vector<ConfigValue> values; // top-level keys and tables, in the file's order

    const ConfigValue* find(std::string_view key) const;
    // "FILE line N", for messages about `value`.
    std::string where(const ConfigValue& value) const;
};

// Parses TOML text; `path` names it in messages. A syntax error is bad input naming the line.
Result<ConfigFile> parseConfigText(std::string_view text, std::string_view path);
// Reads a file's text; an unreadable file is bad input naming it.
Result<std::string> readConfigText(const std::string& path);
// Reads and parses a file; an unreadable file is bad input naming it (the path came from the
// command line or the unit).
Result<ConfigFile> readConfigFile(const std::string& path);

// The type's name in messages: "a string", "an integer", "true or false", "a table".
std::string_view configTypeName(ConfigValue::Type type);

} // namespace doorpost
