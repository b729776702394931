#include "storage/audit/manifest.hpp"

#include "storage/audit/format.hpp"

#include <nlohmann/json.hpp>

namespace doorpost::storage::audit {

namespace {

using Json = nlohmann::json; // std::map: keys sorted, as the signed form requires

Json fileJson(const ExportedFile& file) {
    return {{"sha256", file.sha256}, {"bytes", file.bytes}};
}

Json unsignedJson(const Manifest& m) {
    Json out = {
        {"format", m.format},
        {"device", m.device},
        {"device_public_key", m.devicePublicKey},
        {"epoch", m.epoch},
        {"from", m.from},
        {"to", m.to},
        {"first_seq", m.firstSeq},
        {"last_seq", m.lastSeq},
        {"count", m.count},
        {"hash_before_first", m.hashBeforeFirst},
        {"last_hash", m.lastHash},
        {"files",
         {{std::string(kCsvFile), fileJson(m.csv)}, {std::string(kJsonlFile), fileJson(m.jsonl)}}},
        {"created_at", m.createdAt},
    };
    for (const auto& [name, file] : m.extraFiles)
        out["files"][name] = fileJson(file);
    if (!m.signedBy.empty())
        out["signed_by"] = m.signedBy;
    return out;
}

std::string dumpCompact(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<void> readString(const Json& object, const char* key, std::string& out) {
    const auto found = object.find(key);
    if (found == object.end() || !found->is_string()) {
        return badInput(std::string("manifest.json: field ") + key + " is missing or not a string");
    }
    out = found->get<std::string>();
    return {};
}

Result<void> readInteger(const Json& object, const char* key, std::int64_t& out) {
    const auto found = object.find(key);
    if (found == object.end() || !found->is_number_integer()) {
        return badInput(std::string("manifest.json: field ") + key +
                        " is missing or not an integer");
    }
    out = found->get<std::int64_t>();
    return {};
}

Result<void> readFile(const Json& files, std::string_view name, ExportedFile& out) {
    const auto found = files.find(std::string(name));
    if (found == files.end() || !found->is_object() || found->size() != 2) {
        return badInput("manifest.json: files." + std::string(name) + " is missing or malformed");
    }
    if (auto sha = readString(*found, "sha256", out.sha256); !sha) {
        return sha;
    }
    return readInteger(*found, "bytes", out.bytes);
}

} // namespace

std::string manifestSignedBytes(const Manifest& manifest) {
    // The manifest's own format: an export of the v1 format verifies as it was signed.
    return manifest.format + "\n" + dumpCompact(unsignedJson(manifest));
}

std::string manifestToText(const Manifest& manifest) {
    Json full = unsignedJson(manifest);
    full["signature"] = manifest.signature;
    return full.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<Manifest> manifestFromText(const std::string& text) {
    const Json json = Json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return badInput("manifest.json: not a JSON object");
    }
    static const char* const kKnown[] = {
        "format",    "device",    "device_public_key", "epoch",     "from",
        "to",        "first_seq", "last_seq",          "count",     "hash_before_first",
        "last_hash", "files",     "created_at",        "signature", "signed_by"};
    for (const auto& item : json.items()) {
        bool known = false;
        for (const char* key : kKnown) {
            known = known || item.key() == key;
        }
        if (!known) {
            return badInput("manifest.json: unexpected field " + item.key() +
                            " (not covered by the signature)");
        }
    }
    Manifest m;
    struct Text {
        const char* key;
        std::string* target;
    };
    for (const Text& field :
         {Text{"format", &m.format}, Text{"device", &m.device},
          Text{"device_public_key", &m.devicePublicKey}, Text{"epoch", &m.epoch},
          Text{"from", &m.from}, Text{"to", &m.to}, Text{"hash_before_first", &m.hashBeforeFirst},
          Text{"last_hash", &m.lastHash}, Text{"created_at", &m.createdAt},
          Text{"signature", &m.signature}}) {
        if (auto read = readString(json, field.key, *field.target); !read) {
            return read.error();
        }
    }
    struct Number {
        const char* key;
        std::int64_t* target;
    };
    for (const Number& number : {Number{"first_seq", &m.firstSeq}, Number{"last_seq", &m.lastSeq},
                                 Number{"count", &m.count}}) {
        if (auto read = readInteger(json, number.key, *number.target); !read) {
            return read.error();
        }
    }
    if (json.contains("signed_by")) {
        if (auto read = readString(json, "signed_by", m.signedBy); !read) {
            return read.error();
        }
    }
    const auto files = json.find("files");
    if (files == json.end() || !files->is_object() || files->size() < 2) {
        return badInput("manifest.json: field files is missing or malformed");
    }
    for (const auto& item : files->items()) {
        const std::string& name = item.key();
        if (name == kCsvFile || name == kJsonlFile) {
            continue;
        }
        if (name != kXlsxFile && name != kReportFile) {
            return badInput("manifest.json: files." + name + " is not a file of this format");
        }
        if (auto read = readFile(*files, name, m.extraFiles[name]); !read) {
            return read.error();
        }
    }
    if (auto read = readFile(*files, kCsvFile, m.csv); !read) {
        return read.error();
    }
    if (auto read = readFile(*files, kJsonlFile, m.jsonl); !read) {
        return read.error();
    }
    if (!isKioskExportFormat(m.format)) {
        return badInput("manifest.json: format is '" + m.format + "', not " +
                        std::string(kExportFormat) + " or " + std::string(kExportFormatV1));
    }
    return m;
}

} // namespace doorpost::storage::audit
