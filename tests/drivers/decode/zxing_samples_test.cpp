// The decoder against zxing-cpp 1.4.0's own sample folders (../shared/data/zxing-samples):
// at least as many correct reads per folder as zxing-cpp 1.4.0 itself requires, no wrong text
// anywhere, and nothing read from the folder of images without a code.

#include "drivers/camera/image_file.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "drivers/decode/sample_corpus.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>

using namespace doorpost;
using namespace doorpost::drivers::camera;
using namespace doorpost::drivers::decode;

namespace {

const std::string kSamples = std::string(DOORPOST_SHARED_DATA) + "/zxing-samples";

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
    // zxing-cpp v1.4.0's minimum pass counts for these folders (data README).
    const std::map<std::string, int> minimum{
        {"qrcode-1", 16}, {"qrcode-2", 44}, {"qrcode-3", 25},     {"pdf417-1", 16},
        {"pdf417-2", 25}, {"pdf417-3", 16}, {"datamatrix-1", 26}, {"datamatrix-2", 13},
    };
    IsolationOptions isolation;
    isolation.exhaustive = true;
    isolation.hangTimeout = std::chrono::milliseconds(20000);
    IsolatedDecoder decoder({}, isolation);
    for (const auto& entry : std::filesystem::directory_iterator(kSamples)) {
        if (!entry.is_directory()) {
            continue;
        }
        const std::string folder = entry.path().filename().string();
        const FolderCount count = runFolder(decoder, folder);
        CAPTURE(folder, count.correct, count.images);
        CHECK(count.wrong == 0);
        if (const auto it = minimum.find(folder); it != minimum.end()) {
            CHECK(count.correct >= it->second);
        }
        if (folder == "falsepositives-2") {
            CHECK(count.images > 0);
            CHECK(count.correct == 0); // nothing expected, and wrong == 0 above: nothing read
        }
    }
    CHECK(decoder.workerRestarts() == 0);
}
