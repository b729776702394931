#include "drivers/frame_decoder.hpp"

#include "drivers/zbar_reader.hpp"
#include "drivers/zxing_formats.hpp"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <exception>

namespace doorpost::drivers {
namespace {

using Clock = std::chrono::steady_clock;

// The budget is kept in CPU time of the decoding thread. On the kiosk's own core that equals
// wall time; on a loaded machine (CI, a busy developer box) it keeps the choice of stages, and
// so the read rate, from depending on what else runs.
std::chrono::microseconds cpuNow() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::microseconds(static_cast<std::int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000);
}

// First guesses of each stage's cost (us per megapixel) until it has been measured here.
constexpr std::array<double, kDecodeStageCount> kInitialCost{2500, 6000, 3500, 3000, 9000};

ZXing::ImageView zxingView(const LumaView& view) {
    return {view.data(), view.width(), view.height(), ZXing::ImageFormat::Lum, view.stride(),
            view.pixelStride()};
}

CodeRead fromZxing(const ZXing::Result& result, DecodeStage stage) {
    CodeRead read;
    read.format = drivers::fromZxing(result.format());
    read.text = result.text();
    read.bytes.assign(result.bytes().begin(), result.bytes().end());
    read.binary = result.contentType() == ZXing::ContentType::Binary;
    read.stage = stage;
    return read;
}

} // namespace

const char* toString(DecodeStage stage) {
    switch (stage) {
    case DecodeStage::Fast: return "fast";
    case DecodeStage::Harder: return "harder";
    case DecodeStage::Stretched: return "stretched";
    case DecodeStage::Inverted: return "inverted";
    case DecodeStage::Zbar: return "zbar";
    }
    return "fast";
}

FrameDecoder::FrameDecoder(DecoderOptions options)
    : m_options(std::move(options)), m_costPerMpx(kInitialCost),
      m_zbar(std::make_unique<ZbarReader>(m_options.formats)) {}

FrameDecoder::~FrameDecoder() = default;

DecodeOutcome FrameDecoder::decode(const LumaView& frame) { return run(frame, false); }
DecodeOutcome FrameDecoder::decodeExhaustive(const LumaView& frame) { return run(frame, true); }

DecodeOutcome FrameDecoder::run(const LumaView& fullFrame, bool exhaustive) {
    DecodeOutcome outcome;
    const auto start = Clock::now();
    const auto cpuStart = cpuNow();
    LumaView frame = fullFrame;
    if (m_options.region && !fullFrame.empty()) {
        const DecodeRegion& r = *m_options.region;
        frame = fullFrame.cropped(static_cast<int>(r.left * fullFrame.width()),
                                  static_cast<int>(r.top * fullFrame.height()),
                                  static_cast<int>(r.width * fullFrame.width()),
                                  static_cast<int>(r.height * fullFrame.height()));
    }
    if (frame.empty()) {
        return outcome;
    }
    const double mpx = static_cast<double>(frame.width()) * frame.height() / 1e6;
    const auto elapsedUs = [&] {
        return cpuNow() - cpuStart;
    };

    ZXing::DecodeHints base;
    base.setFormats(toZxing(m_options.formats));
    // One symbol only: the default limit trips an assertion in Debian's 1.4.0 (zxing-cpp #740).
    base.setMaxNumberOfSymbols(1);
    base.setTryDownscale(true);

    // Runs one stage if it fits in the time left (or always when exhaustive), timing it.
    auto attempt = [&](DecodeStage stage, auto&& body) {
        if (outcome.read) {
            return;
        }
        const auto index = static_cast<std::size_t>(stage);
        if (!exhaustive && stage != DecodeStage::Fast) {
            const auto limit = outcome.sawCandidate ? m_options.budget : m_options.idleBudget;
            // A quarter more than the average: a stage's cost varies with the content.
            const double expected = 1.25 * m_costPerMpx[index] * mpx;
            if (static_cast<double>(elapsedUs().count()) + expected > static_cast<double>(limit.count())) {
                return;
            }
        }
        const auto stageStart = cpuNow();
        try {
            body();
        } catch (...) {
            // Debian's 1.4.0 Micro QR reader throws std::out_of_range on some noisy frames.
            ++outcome.libraryErrors;
        }
        ++outcome.stagesRun;
        const auto took = static_cast<double>((cpuNow() - stageStart).count());
        m_costPerMpx[index] = 0.8 * m_costPerMpx[index] + 0.2 * (took / std::max(mpx, 0.01));
    };

    auto readZxing = [&](const LumaView& view, const ZXing::DecodeHints& hints, DecodeStage stage) {
        const ZXing::Result result = ZXing::ReadBarcode(zxingView(view), hints);
        if (result.isValid()) {
            outcome.read = fromZxing(result, stage);
        } else if (result.format() != ZXing::BarcodeFormat::None) {
            outcome.sawCandidate = true;
        }
    };

    attempt(DecodeStage::Fast, [&] {
        ZXing::DecodeHints hints = base;
        hints.setTryHarder(false).setTryRotate(false).setReturnErrors(true);
        readZxing(frame, hints, DecodeStage::Fast);
    });
    if (m_options.harderRetry) {
        attempt(DecodeStage::Harder, [&] {
            ZXing::DecodeHints hints = base;
            hints.setTryHarder(true).setTryRotate(true);
            readZxing(frame, hints, DecodeStage::Harder);
        });
    }

    // The retries below work on a contiguous copy in m_scratch.
    const auto w = static_cast<std::size_t>(frame.width());
    auto remap = [&](auto&& lut) {
        m_scratch.resize(w * static_cast<std::size_t>(frame.height()));
        for (int y = 0; y < frame.height(); ++y) {
            const std::uint8_t* in = frame.row(y);
            const auto step = static_cast<std::size_t>(frame.pixelStride());
            std::uint8_t* out = m_scratch.data() + static_cast<std::size_t>(y) * w;
            for (std::size_t x = 0; x < w; ++x) {
                out[x] = lut[in[x * step]];
            }
        }
        return LumaView(m_scratch.data(), frame.width(), frame.height(), frame.width());
    };

    if (m_options.stretchRetry) {
        attempt(DecodeStage::Stretched, [&] {
            // Faded print, a dark room or a screen under glare: stretch the middle 96% of the
            // grey levels to the full range so the binarizer sees enough contrast.
            std::array<std::uint32_t, 256> histogram{};
            for (int y = 0; y < frame.height(); y += 2) {
                for (int x = 0; x < frame.width(); x += 2) {
                    ++histogram[frame.at(x, y)];
                }
            }
            std::uint32_t total = 0;
            for (const auto count : histogram) {
                total += count;
            }
            int lo = 0, hi = 255;
            for (std::uint32_t seen = 0; lo < 255 && (seen += histogram[static_cast<std::size_t>(lo)]) < total / 50;) {
                ++lo;
            }
            for (std::uint32_t seen = 0; hi > 0 && (seen += histogram[static_cast<std::size_t>(hi)]) < total / 50;) {
                --hi;
            }
            if (hi - lo < 8 || (lo < 16 && hi > 240)) {
                return; // flat frame, or already full range: nothing to gain
            }
            std::array<std::uint8_t, 256> lut{};
            for (int v = 0; v < 256; ++v) {
                lut[static_cast<std::size_t>(v)] =
                    static_cast<std::uint8_t>(std::clamp((v - lo) * 255 / (hi - lo), 0, 255));
            }
            ZXing::DecodeHints hints = base;
            hints.setTryHarder(true).setTryRotate(false);
            readZxing(remap(lut), hints, DecodeStage::Stretched);
        });
    }
    if (m_options.invertedRetry) {
        attempt(DecodeStage::Inverted, [&] {
            // Light-on-dark codes (phone dark mode); ZXing 1.4 has no inversion of its own.
            std::array<std::uint8_t, 256> lut{};
            for (int v = 0; v < 256; ++v) {
                lut[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(255 - v);
            }
            ZXing::DecodeHints hints = base;
            hints.setTryHarder(false).setTryRotate(false);
            readZxing(remap(lut), hints, DecodeStage::Inverted);
        });
    }
    if (m_options.zbarFallback && m_zbar->enabled()) {
        attempt(DecodeStage::Zbar, [&] {
            std::array<std::uint8_t, 256> identity{};
            for (int v = 0; v < 256; ++v) {
                identity[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(v);
            }
            outcome.read = m_zbar->read(frame.contiguous() ? frame : remap(identity));
        });
    }
    outcome.cpu = elapsedUs();
    outcome.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return outcome;
}

} // namespace doorpost::drivers
