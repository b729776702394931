#pragma once
// Reading the EU DCC public test corpus (tests/data/dgc-testdata) with its quirks: UTF-8
// BOMs, misspelled or nested keys, many ISO 8601 clock spellings.

#include "kiosk/credentials/credential.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::kiosk::credentials::testing {

struct CorpusCase {
    std::filesystem::path path;
    std::string name;                           // e.g. "common/CO5" or "DE/1"
    std::string prefix;                         // the QR text
    std::string certificate;                    // base64 DER of the DSC
    std::string validationClock;                // ISO 8601
    std::optional<std::filesystem::path> image; // <CC>/png/<n>.png
    bool embeddedImage = false;                 // 2DCODE or _2DCODE present
    std::string embeddedPngBase64;
    std::map<std::string, bool> expected; // EXPECTED* flags, spelling fixed
};

std::vector<CorpusCase> loadCorpus(const std::filesystem::path& root);

// The case's QR image decoded by the kiosk's isolated decoder (drivers/): the png file when
// there is one, else the embedded 2DCODE. nullopt: no code could be read from the picture.
struct PictureRead {
    bool hadImage = false;
    std::optional<std::string> text;
};
PictureRead decodePicture(const CorpusCase& c, const std::filesystem::path& scratch);

// Whether the kiosk has a step for an EXPECTED* flag (it has none for schema or JSON checks).
bool kioskHasStep(const std::string& flag);
// The kiosk's reported value for a flag it has a step for; nullopt when not reached.
std::optional<bool> reportedFlag(const Checks& checks, const std::string& flag);

} // namespace doorpost::kiosk::credentials::testing
