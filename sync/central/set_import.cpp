#include "sync/central/set_import.hpp"

#include "storage/base/csv.hpp"
#include "storage/base/text_encoding.hpp"

#include <fstream>
#include <sstream>

namespace doorpost::sync::central {
namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

Result<std::vector<SetItem>> readSetItems(const std::string& path, const std::string& keyField) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return badInput("cannot read file " + path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    auto text = decodeTextFile(bytes.str());
    if (!text)
        return text.error();
    std::vector<SetItem> items;
    if (endsWith(path, ".jsonl") || endsWith(path, ".json")) {
        std::istringstream lines(text->utf8);
        std::string line;
        std::size_t lineNumber = 0;
        const std::string field = keyField.empty() ? "key" : keyField;
        while (std::getline(lines, line)) {
            ++lineNumber;
            if (line.empty() || line == "\r")
                continue;
            auto object = parseJson(line);
            if (!object || !object->is_object())
                return badInput("line " + std::to_string(lineNumber) + ": not a JSON object");
            const auto it = object->find(field);
            if (it == object->end() || !it->is_string() || it->get<std::string>().empty())
                return badInput("line " + std::to_string(lineNumber) + ": missing field " + field);
            items.push_back({it->get<std::string>(), *object});
        }
        return items;
    }
    CsvReader reader(text->utf8);
    std::vector<std::string> header;
    while (true) {
        auto record = reader.next();
        if (!record)
            return record.error();
        if (!*record)
            break;
        const std::vector<std::string>& fields = (*record)->fields;
        const std::string line = "line " + std::to_string((*record)->line) + ": ";
        if (fields.size() == 1 && fields[0].empty())
            continue; // blank line
        if (header.empty()) {
            header = fields;
            continue;
        }
        if (fields.size() != header.size())
            return badInput(line + "expected " + std::to_string(header.size()) + " fields");
        nlohmann::json value = nlohmann::json::object();
        std::string key;
        for (std::size_t i = 0; i < header.size(); ++i) {
            value[header[i]] = fields[i];
            if ((keyField.empty() && i == 0) || header[i] == keyField)
                key = fields[i];
        }
        if (key.empty())
            return badInput(line + "empty key");
        items.push_back({std::move(key), std::move(value)});
    }
    if (header.empty())
        return badInput("file " + path + " has no header row");
    return items;
}

} // namespace doorpost::sync::central
