#pragma once
// The in-process decode pipeline for one frame: a cheap locator, ZXing-C++'s fast path on what it
// found, then enhancements of the located code (denoise, deblur, local contrast, turning bars
// upright, enlarging, libzbar) while the frame's time budget allows, carried on over the next
// frames of the same code (strategy_schedule.hpp). This runs inside the isolated worker
// (isolated_decoder.hpp) at the door; calling it directly is only for code that can afford a
// crash (benchmarks, tests).

#include "drivers/camera/frame.hpp"
#include "drivers/decode/code_format.hpp"
#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/deblur.hpp"
#include "drivers/decode/frame_stack.hpp"
#include "drivers/decode/strategy_schedule.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace doorpost::drivers::decode {

// A part of the frame to search, as fractions of its width and height (where the screen tells
// people to hold their code). Smaller regions decode faster.
struct DecodeRegion {
    double left = 0.0;
    double top = 0.0;
    double width = 1.0;
    double height = 1.0;
};

struct DecoderOptions {
    std::vector<CodeFormat> formats; // empty: every format
    // A frame with a code may use up to `budget`; a frame that shows no sign of one stops after
    // `idleBudget`, so an empty doorway costs little. Retries start only if their measured cost
    // fits in what is left.
    // Defaults leave room under the door's limits (10 ms with a code, 5 ms without, p95) for
    // the hand-over to the worker and for a stage that runs longer than its average.
    std::chrono::microseconds budget{8000};
    std::chrono::microseconds idleBudget{3000};
    bool harderRetry = true;
    bool stretchRetry = true;
    bool invertedRetry = true;
    bool zbarFallback = true;
    bool enhance = true; // the located-region enhancements (strategy_schedule.hpp)
    std::optional<DecodeRegion> region;
};

// Located: fast read of a region the locator found; Fast: the whole frame; Half: the whole
// frame at half size; Swept: a band of an empty-looking frame at full size; then the retries
// and enhancements of a located region.
enum class DecodeStage : std::uint8_t {
    Located,
    Fast,
    Half,
    Harder,
    Stretched,
    Inverted,
    Zbar,
    Denoised,
    Rotated,
    Normalised,
    Deblurred,
    Upscaled,
    Swept
};
constexpr int kDecodeStageCount = 13;
const char* toString(DecodeStage stage);

struct CodeRead {
    CodeFormat format = CodeFormat::None;
    std::string text;                // UTF-8 as the decoder interpreted it
    std::vector<std::uint8_t> bytes; // the raw content bytes
    bool binary = false;             // the content is not text (print bytes, not text)
    DecodeStage stage = DecodeStage::Fast;
};

struct DecodeOutcome {
    std::optional<CodeRead> read;
    int stagesRun = 0;
    int libraryErrors = 0;                // exceptions caught from a decoding library
    bool sawCandidate = false;            // code-like texture was located (the full budget applied)
    std::chrono::microseconds elapsed{0}; // wall time in the pipeline
    std::chrono::microseconds cpu{0};     // CPU time of the decoding thread
};

class FrameDecoder {
public:
    explicit FrameDecoder(DecoderOptions options = {});
    ~FrameDecoder();
    FrameDecoder(const FrameDecoder&) = delete;
    FrameDecoder& operator=(const FrameDecoder&) = delete;

    // One frame of a stream: state carries over to the next frame (which enhancements were
    // already tried on the code in view, which band of an empty frame was searched last).
    DecodeOutcome decode(const camera::LumaView& frame);
    // The next frame starts a new stream (nothing carried over).
    void resetStream();
    // Ignores the time budget: every enabled stage runs until one reads (still images).
    DecodeOutcome decodeExhaustive(const camera::LumaView& frame);

    const DecoderOptions& options() const { return m_options; }

private:
    DecodeOutcome run(const camera::LumaView& frame, bool exhaustive);
    camera::LumaView stretchLocally(const camera::LumaView& view); // into m_scratch
    // Runs one enhancement on `target`; sets outcome.read on a read.
    void runStrategy(Strategy strategy, const camera::LumaView& target,
                     const camera::LumaView& frame, const RegionTraits& traits,
                     DecodeOutcome& outcome);

    DecoderOptions m_options;
    // Measured cost of each stage in microseconds per megapixel (moving average, half of it the
    // latest: the cost of reading follows what is in view, noise above all, and should follow
    // it within a few frames), so a retry is only started where it can finish inside the budget.
    std::array<double, kDecodeStageCount> m_costPerMpx{};
    std::array<double, kStrategyCount> m_strategyCostPerMpx{};
    std::vector<std::uint8_t> m_scratch;
    std::vector<std::uint8_t> m_half;
    camera::LumaImage m_enhanced;
    camera::LumaImage m_scratchImage;
    std::vector<float> m_floatScratch;
    Deblurrer m_deblurrer;
    StrategySchedule m_schedule;
    // The last located code not yet read, and how many frames ago it was located
    // (frame_decoder.cpp: region memory).
    struct RememberedRegion {
        Region region;
        double contrast = 0.0; // the region's probe contrast when located
        int framesSince = 0;
    };
    static constexpr int kMemoryFrames = 10;
    std::optional<RememberedRegion> m_memory;
    FrameStack m_stack; // the located code's recent frames, aligned (dim halls)
    camera::LumaImage m_stackImage;
    int m_sweepBand = 0; // which band of an empty-looking frame is searched at full size next
    double m_zbarCostPerMpx = 15000.0;       // zbar within an enhancement, learned
    std::chrono::microseconds m_deadline{0}; // CPU time by which this frame's work must end
    bool m_exhaustiveRun = false;
    std::unique_ptr<class ZbarReader> m_zbar;
    std::unique_ptr<class ZbarReader> m_zbarLinear; // Code128/Code93 only, for enhanced pictures
};

} // namespace doorpost::drivers::decode
