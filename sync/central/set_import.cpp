#include "sync/central/set_import.hpp"

#include <fstream>

namespace doorpost::sync::central {
namespace {

// One CSV line into fields: commas separate, double quotes enclose, "" is a quote.
Result<std::vector<std::string>> splitCsv(const std::string& line, std::size_t lineNumber) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    if (quoted)
        return badInput("line " + std::to_string(lineNumber) + ": unterminated quote");
    return fields;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

Result<std::vector<SetItem>> readSetItems(const std::string& path, const std::string& keyField) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return badInput("cannot read file " + path);
    std::vector<SetItem> items;
    std::string line;
    std::size_t lineNumber = 0;
    const bool jsonLines = endsWith(path, ".jsonl") || endsWith(path, ".json");
    std::vector<std::string> header;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (lineNumber == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0)
            line.erase(0, 3);
        if (line.empty() || line == "\r")
            continue;
        if (jsonLines) {
            auto object = parseJson(line);
            if (!object || !object->is_object())
                return badInput("line " + std::to_string(lineNumber) + ": not a JSON object");
            std::string field = keyField.empty() ? "key" : keyField;
            const auto it = object->find(field);
            if (it == object->end() || !it->is_string() || it->get<std::string>().empty())
                return badInput("line " + std::to_string(lineNumber) + ": missing field " + field);
            items.push_back({it->get<std::string>(), *object});
            continue;
        }
        auto fields = splitCsv(line, lineNumber);
        if (!fields)
            return fields.error();
        if (header.empty()) {
            header = *fields;
            continue;
        }
        if (fields->size() != header.size())
            return badInput("line " + std::to_string(lineNumber) + ": expected " +
                            std::to_string(header.size()) + " fields");
        nlohmann::json value = nlohmann::json::object();
        std::string key;
        for (std::size_t i = 0; i < header.size(); ++i) {
            value[header[i]] = (*fields)[i];
            if ((keyField.empty() && i == 0) || header[i] == keyField)
                key = (*fields)[i];
        }
        if (key.empty())
            return badInput("line " + std::to_string(lineNumber) + ": empty key");
        items.push_back({std::move(key), std::move(value)});
    }
    if (!jsonLines && header.empty())
        return badInput("file " + path + " has no header row");
    return items;
}

} // namespace doorpost::sync::central
