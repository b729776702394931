// The decoder against zxing-cpp 1.4.0's own sample folders (tests/data/zxing-samples, a subset
// of the larger ones): at least as many correct reads per folder as zxing-cpp 1.4.0 itself
// requires, no wrong text anywhere, and nothing read from the folder of images without a code.

#include "drivers/camera/image_file.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "drivers/decode/sample_corpus.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

using namespace doorpost::drivers::camera;
using namespace doorpost::drivers::decode;

namespace {

const std::string kSamples = std::string(DOORPOST_TEST_DATA) + "/zxing-samples";

struct FolderCount {
    int correct = 0;
    int wrong = 0;
    int images = 0;
};

FolderCount runFolder(IsolatedDecoder& decoder, const std::string& folder) {
    FolderCount count;
    for (const auto& sample : listSamples(kSamples + "/" + folder)) {
        auto image = loadLumaImage(sample.imagePath);
        REQUIRE(image);
        const auto outcome = decoder.decode(image->view());
        REQUIRE(outcome); // no worker crash on any sample
        const CodeRead* read = outcome->read ? &*outcome->read : nullptr;
        const SampleVerdict verdict = judge(sample, read);
        ++count.images;
        if (verdict == SampleVerdict::Correct) {
            ++count.correct;
        } else if (verdict == SampleVerdict::Wrong) {
            ++count.wrong;
            UNSCOPED_INFO("wrong read from " << sample.imagePath << ": " << read->text);
        }
    }
    return count;
}

} // namespace

TEST_CASE("zxing-samples: at least zxing-cpp 1.4.0's counts per folder, never a wrong read") {
    if (!std::filesystem::is_directory(kSamples)) {
        FAIL("missing test data: " << kSamples);
    }
    // zxing-cpp v1.4.0's own requirement per folder: of its `images`, at least `minimum` read
    // ("fast": no tryHarder, no tryRotate). tests/data keeps `kept` of them (all, for the small
    // folders; tests/data/README.md says which). zxing allows itself images - minimum misses,
    // so on the kept images it must read kept - (images - minimum), and so must Doorpost. The
    // subsets keep every image zxing-cpp 1.4.0 misses (qrcode-2's 12.png and 13.png; none in
    // qrcode-1, pdf417-2, pdf417-3), so that bound is exactly zxing's own count on them: 4, 20,
    // 13, 8. Doorpost reads more in whole folders (qrcode-3 28, pdf417-1 17) thanks to its
    // retries; the bound stays zxing's, which is what this test claims.
    struct Requirement {
        int images;
        int minimum;
        int kept;
    };
    const std::map<std::string, Requirement> required{
        {"qrcode-1", {16, 16, 4}},      {"qrcode-2", {46, 44, 22}},     {"qrcode-3", {28, 25, 28}},
        {"pdf417-1", {17, 16, 17}},     {"pdf417-2", {25, 25, 13}},     {"pdf417-3", {16, 16, 8}},
        {"datamatrix-1", {26, 26, 26}}, {"datamatrix-2", {13, 13, 13}},
    };
    // A varied third of zxing-cpp's 25 textures without a code (every 3rd by name).
    constexpr int kFalsePositivesKept = 9;
    std::set<std::string> seen;
    IsolationOptions isolation;
    isolation.exhaustive = true;
    isolation.hangTimeout = std::chrono::milliseconds(20000);
    IsolatedDecoder decoder({}, isolation);
    for (const auto& entry : std::filesystem::directory_iterator(kSamples)) {
        if (!entry.is_directory()) {
            continue;
        }
        const std::string folder = entry.path().filename().string();
        seen.insert(folder);
        const FolderCount count = runFolder(decoder, folder);
        CAPTURE(folder, count.correct, count.images);
        CHECK(count.wrong == 0);
        if (const auto it = required.find(folder); it != required.end()) {
            const Requirement& r = it->second;
            CHECK(count.images == r.kept); // a checkout missing images would lower the bar
            CHECK(count.correct >= r.kept - (r.images - r.minimum));
        }
        if (folder == "falsepositives-2") {
            CHECK(count.images == kFalsePositivesKept);
            CHECK(count.correct == 0); // nothing expected, and wrong == 0 above: nothing read
        }
    }
    for (const auto& entry : required) {
        INFO("folder " << entry.first);
        CHECK(seen.count(entry.first) == 1);
    }
    CHECK(seen.count("falsepositives-2") == 1);
    CHECK(decoder.workerRestarts() == 0);
}

TEST_CASE("zxing-samples falsepositives-2: door mode reads nothing either") {
    const std::string folder = kSamples + "/falsepositives-2";
    if (!std::filesystem::is_directory(folder)) {
        FAIL("missing test data: " << folder);
    }
    // Door mode with every enhancement given time to run (what is read, not how fast).
    DecoderOptions options;
    options.budget = std::chrono::seconds(5);
    options.idleBudget = std::chrono::seconds(5);
    IsolationOptions isolation;
    isolation.hangTimeout = std::chrono::milliseconds(20000);
    IsolatedDecoder decoder(options, isolation);
    int images = 0;
    for (const auto& sample : listSamples(folder)) {
        auto image = loadLumaImage(sample.imagePath);
        REQUIRE(image);
        for (int frame = 0; frame < 3; ++frame) { // three frames: the schedule moves on each
            const auto outcome = decoder.decode(image->view());
            REQUIRE(outcome);
            CAPTURE(sample.imagePath);
            CHECK_FALSE(outcome->read);
        }
        decoder.resetStream();
        ++images;
    }
    CHECK(images > 0);
}
