#include "storage/base/config_file.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace doorpost {

const ConfigValue* ConfigFile::find(std::string_view key) const {
    for (const auto& value : values) {
        if (value.key == key) {
            return &value;
        }
    }
    return nullptr;
}

std::string ConfigFile::where(const ConfigValue& value) const {
    return path + " line " + std::to_string(value.line);
}

std::string_view configTypeName(ConfigValue::Type type) {
    switch (type) {
    case ConfigValue::Type::String:
        return "a string";
    case ConfigValue::Type::Integer:
        return "an integer";
    case ConfigValue::Type::Boolean:
        return "true or false";
    case ConfigValue::Type::Table:
        return "a table";
    case ConfigValue::Type::Other:
        break;
    }
    return "a list, date or fraction";
}

namespace {

ConfigValue describe(const toml::key& key, const toml::node& node) {
    ConfigValue value;
    value.key = std::string(key.str());
    value.line = static_cast<int>(key.source().begin.line);
    if (value.line <= 0) {
        value.line = static_cast<int>(node.source().begin.line);
    }
    if (const auto* text = node.as_string()) {
        value.type = ConfigValue::Type::String;
        value.text = text->get();
    } else if (const auto* number = node.as_integer()) {
        value.type = ConfigValue::Type::Integer;
        value.text = std::to_string(number->get());
    } else if (const auto* flag = node.as_boolean()) {
        value.type = ConfigValue::Type::Boolean;
        value.text = flag->get() ? "true" : "false";
    } else if (node.is_table()) {
        value.type = ConfigValue::Type::Table;
    }
    return value;
}

} // namespace

Result<ConfigFile> parseConfigText(std::string_view text, std::string_view path) {
    ConfigFile file;
    file.path = std::string(path);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(file.path));
    } catch (const toml::parse_error& error) {
        return badInput(file.path + " line " + std::to_string(error.source().begin.line) + ": " +
                        std::string(error.description()));
    }
    for (auto&& [key, node] : root) {
        file.values.push_back(describe(key, node));
    }
    // toml++ keeps keys sorted; messages and `config check` follow the file instead.
    std::stable_sort(file.values.begin(), file.values.end(),
                     [](const ConfigValue& a, const ConfigValue& b) { return a.line < b.line; });
    return file;
}

Result<std::string> readConfigText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return badInput("config: cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return badInput("config: cannot read " + path);
    }
    return text.str();
}

Result<ConfigFile> readConfigFile(const std::string& path) {
    auto text = readConfigText(path);
    if (!text) {
        return text.error();
    }
    return parseConfigText(*text, path);
}

} // namespace doorpost
