#include "tests/kiosk/credentials/dgc_corpus.hpp"

#include "drivers/camera/image_file.hpp"
#include "drivers/decode/isolated_decoder.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sodium.h>
#include <sstream>

namespace doorpost::kiosk::credentials::testing {
namespace {

void collectFlags(const nlohmann::json& node, std::map<std::string, bool>& out) {
    if (!node.is_object())
        return;
    for (const auto& [key, value] : node.items()) {
        if (value.is_object()) {
            collectFlags(value, out); // a nested EXPECTEDRESULTS
        } else if (value.is_boolean()) {
            // EXPTECTEDEXPIRED (BG) misspells EXPECTEDEXPIRATIONCHECK with the same sense:
            // its four cases are inside their validity at their clock and state true.
            if (key == "EXPTECTEDEXPIRED")
                out["EXPECTEDEXPIRATIONCHECK"] = value.get<bool>();
            else
                out[key] = value.get<bool>();
        }
    }
}

} // namespace

std::vector<CorpusCase> loadCorpus(const std::filesystem::path& root) {
    std::vector<CorpusCase> cases;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".json")
            continue;
        if (entry.path().parent_path().filename() != "raw")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        std::string text = buffer.str();
        if (text.rfind("\xEF\xBB\xBF", 0) == 0)
            text.erase(0, 3);
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (!json.is_object())
            continue;
        CorpusCase c;
        c.path = entry.path();
        const auto relative = std::filesystem::relative(entry.path(), root);
        c.name = relative.begin()->string() + "/" + entry.path().stem().string();
        if (relative.begin()->string() == "PL")
            c.name =
                relative.parent_path().parent_path().string() + "/" + entry.path().stem().string();
        c.prefix = json.value("PREFIX", "");
        const auto& context = json.value("TESTCTX", nlohmann::json::object());
        c.certificate = context.value("CERTIFICATE", "");
        c.validationClock = context.value("VALIDATIONCLOCK", "");
        if (c.validationClock.empty())
            c.validationClock = context.value("validationClockInstant", "");
        c.embeddedImage = json.contains("2DCODE") || json.contains("_2DCODE");
        for (const char* key : {"2DCODE", "_2DCODE"})
            if (json.contains(key) && json[key].is_string())
                c.embeddedPngBase64 = json[key];
        auto png = entry.path().parent_path().parent_path().parent_path() / "png" /
                   (entry.path().stem().string() + ".png");
        if (std::filesystem::exists(png))
            c.image = png;
        collectFlags(json.value("EXPECTEDRESULTS", nlohmann::json::object()), c.expected);
        cases.push_back(std::move(c));
    }
    std::sort(cases.begin(), cases.end(),
              [](const CorpusCase& a, const CorpusCase& b) { return a.path < b.path; });
    return cases;
}

bool kioskHasStep(const std::string& flag) {
    for (const char* known :
         {"EXPECTEDPICTUREDECODE", "EXPECTEDUNPREFIX", "EXPECTEDB45DECODE", "EXPECTEDCOMPRESSION",
          "EXPECTEDVERIFY", "EXPECTEDEXPIRATIONCHECK", "EXPECTEDKEYUSAGE", "EXPECTEDDECODE"})
        if (flag == known)
            return true;
    return false;
}

std::optional<bool> reportedFlag(const Checks& checks, const std::string& flag) {
    if (flag == "EXPECTEDPICTUREDECODE")
        return checks.pictureDecode;
    if (flag == "EXPECTEDUNPREFIX")
        return checks.unprefix;
    if (flag == "EXPECTEDB45DECODE")
        return checks.base45;
    if (flag == "EXPECTEDCOMPRESSION")
        return checks.compression;
    if (flag == "EXPECTEDVERIFY")
        return checks.signature;
    if (flag == "EXPECTEDEXPIRATIONCHECK")
        return checks.expiry;
    if (flag == "EXPECTEDKEYUSAGE")
        return checks.keyUsage;
    if (flag == "EXPECTEDDECODE") {
        // Decoding is COSE structure plus CBOR claims.
        if (checks.cose == false || checks.cbor == false)
            return false;
        if (checks.cose && checks.cbor)
            return true;
    }
    return std::nullopt;
}

PictureRead decodePicture(const CorpusCase& c, const std::filesystem::path& scratch) {
    // One decoder for the whole run, as at the door: started once, survives decoder aborts.
    static drivers::decode::IsolatedDecoder decoder = [] {
        drivers::decode::IsolationOptions isolation;
        isolation.exhaustive = true;
        isolation.hangTimeout = std::chrono::milliseconds(10000);
        return drivers::decode::IsolatedDecoder(drivers::decode::DecoderOptions{}, isolation);
    }();
    PictureRead out;
    std::filesystem::path path;
    if (c.image) {
        path = *c.image;
    } else if (!c.embeddedPngBase64.empty()) {
        std::string b64 = c.embeddedPngBase64;
        const auto comma = b64.find(',');
        if (b64.rfind("data:", 0) == 0 && comma != std::string::npos)
            b64.erase(0, comma + 1);
        std::vector<std::uint8_t> png(b64.size());
        std::size_t length = 0;
        if (sodium_base642bin(png.data(), png.size(), b64.data(), b64.size(), "\r\n ", &length,
                              nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
            return {true, std::nullopt};
        path = scratch / "embedded.png";
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(length));
    } else {
        return out;
    }
    out.hadImage = true;
    auto image = drivers::camera::loadLumaImage(path.string());
    if (!image)
        return out;
    auto outcome = decoder.decode(image->view());
    if (outcome && outcome->read && !outcome->read->binary)
        out.text = outcome->read->text;
    return out;
}

} // namespace doorpost::kiosk::credentials::testing
