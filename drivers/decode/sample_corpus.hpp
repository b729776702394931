#pragma once
// A folder of sample images with the expected content beside each (`<stem>.txt` exact UTF-8
// text, or `<stem>.bin` raw bytes), as in zxing-cpp's test/samples. Used by the sample tests and
// `doorpost bench decode --dir`.

#include "drivers/decode/frame_decoder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace doorpost::drivers::decode {

struct Sample {
    std::string imagePath;
    bool hasExpectation = false; // false: the image must yield no read at all
    bool binary = false;         // expected content came from a .bin file
    std::vector<std::uint8_t> expected;
};

// Every .png/.jpg in `dir` (not recursive), sorted by name. Images without a .txt/.bin beside
// them are returned with hasExpectation = false.
std::vector<Sample> listSamples(const std::string& dir);

enum class SampleVerdict { Correct, Wrong, Missed, Quiet /* no read, none expected */ };

SampleVerdict judge(const Sample& sample, const CodeRead* read);

} // namespace doorpost::drivers::decode
