#include "drivers/decode/sample_corpus.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace doorpost::drivers::decode {
namespace {

std::vector<std::uint8_t> readAll(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

} // namespace

std::vector<Sample> listSamples(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<Sample> samples;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir, error)) {
        const auto ext = entry.path().extension().string();
        if (!entry.is_regular_file() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg")) {
            continue;
        }
        Sample sample;
        sample.imagePath = entry.path().string();
        auto txt = entry.path();
        txt.replace_extension(".txt");
        auto bin = entry.path();
        bin.replace_extension(".bin");
        if (fs::exists(txt)) {
            sample.hasExpectation = true;
            sample.expected = readAll(txt);
        } else if (fs::exists(bin)) {
            sample.hasExpectation = true;
            sample.binary = true;
            sample.expected = readAll(bin);
        }
        samples.push_back(std::move(sample));
    }
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.imagePath < b.imagePath; });
    return samples;
}

SampleVerdict judge(const Sample& sample, const CodeRead* read) {
    if (read == nullptr) {
        return sample.hasExpectation ? SampleVerdict::Missed : SampleVerdict::Quiet;
    }
    if (!sample.hasExpectation) {
        return SampleVerdict::Wrong;
    }
    if (sample.binary) {
        return read->bytes == sample.expected ? SampleVerdict::Correct : SampleVerdict::Wrong;
    }
    const std::string expected(sample.expected.begin(), sample.expected.end());
    return read->text == expected ? SampleVerdict::Correct : SampleVerdict::Wrong;
}

} // namespace doorpost::drivers::decode
