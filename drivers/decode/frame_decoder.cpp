#include "drivers/decode/frame_decoder.hpp"

#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/zbar_reader.hpp"
#include "drivers/decode/zxing_formats.hpp"

#include <ZXing/ReadBarcode.h>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <exception>

namespace doorpost::drivers::decode {
namespace {

using Clock = std::chrono::steady_clock;

// The budget is kept in CPU time of the decoding thread. On the kiosk's own core that equals
// wall time; on a loaded machine (CI, a busy developer box) it keeps the choice of stages, and
// so the read rate, from depending on what else runs.
std::chrono::microseconds cpuNow() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::microseconds(static_cast<std::int64_t>(now.tv_sec) * 1000000 +
                                     now.tv_nsec / 1000);
}

// First guesses of each stage's cost (us per megapixel) until it has been measured here.
constexpr std::array<double, kDecodeStageCount> kInitialCost{2500, 2500, 2500, 6000,
                                                             5000, 3000, 9000};

ZXing::ImageView zxingView(const camera::LumaView& view) {
    return {view.data(),   view.width(),      view.height(), ZXing::ImageFormat::Lum,
            view.stride(), view.pixelStride()};
}

CodeRead fromZxing(const ZXing::Result& result, DecodeStage stage) {
    CodeRead read;
    read.format = decode::fromZxing(result.format());
    read.text = result.text();
    read.bytes.assign(result.bytes().begin(), result.bytes().end());
    read.binary = result.contentType() == ZXing::ContentType::Binary;
    read.stage = stage;
    return read;
}

} // namespace

const char* toString(DecodeStage stage) {
    switch (stage) {
    case DecodeStage::Located:
        return "located";
    case DecodeStage::Fast:
        return "fast";
    case DecodeStage::Half:
        return "half";
    case DecodeStage::Harder:
        return "harder";
    case DecodeStage::Stretched:
        return "stretched";
    case DecodeStage::Inverted:
        return "inverted";
    case DecodeStage::Zbar:
        return "zbar";
    }
    return "fast";
}

FrameDecoder::FrameDecoder(DecoderOptions options)
    : m_options(std::move(options)), m_costPerMpx(kInitialCost),
      m_zbar(std::make_unique<ZbarReader>(m_options.formats)) {}

FrameDecoder::~FrameDecoder() = default;

DecodeOutcome FrameDecoder::decode(const camera::LumaView& frame) {
    return run(frame, false);
}
DecodeOutcome FrameDecoder::decodeExhaustive(const camera::LumaView& frame) {
    return run(frame, true);
}

DecodeOutcome FrameDecoder::run(const camera::LumaView& fullFrame, bool exhaustive) {
    DecodeOutcome outcome;
    const auto start = Clock::now();
    const auto cpuStart = cpuNow();
    camera::LumaView frame = fullFrame;
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
    const auto megapixels = [](const camera::LumaView& view) {
        return static_cast<double>(view.width()) * view.height() / 1e6;
    };
    const auto elapsedUs = [&] { return cpuNow() - cpuStart; };

    ZXing::DecodeHints base;
    base.setFormats(toZxing(m_options.formats));
    // One symbol only: the default limit trips an assertion in Debian's 1.4.0 (zxing-cpp #740).
    base.setMaxNumberOfSymbols(1);
    ZXing::DecodeHints fast = base;
    fast.setTryHarder(false).setTryRotate(false).setTryDownscale(exhaustive);
    ZXing::DecodeHints harder = base;
    harder.setTryHarder(true).setTryRotate(true).setTryDownscale(true);

    bool raised = exhaustive; // the full budget applies (else the idle budget)
    // Runs one stage on `mpx` megapixels if it fits in the time left (always when mandatory or
    // exhaustive), and learns its cost.
    auto attempt = [&](DecodeStage stage, double mpx, bool mandatory, auto&& body) {
        if (outcome.read) {
            return;
        }
        const auto index = static_cast<std::size_t>(stage);
        if (!exhaustive && !mandatory) {
            const auto limit = raised ? m_options.budget : m_options.idleBudget;
            // A quarter more than the average: a stage's cost varies with the content.
            const double expected = 1.25 * m_costPerMpx[index] * mpx;
            if (static_cast<double>(elapsedUs().count()) + expected >
                static_cast<double>(limit.count())) {
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
        m_costPerMpx[index] = 0.8 * m_costPerMpx[index] + 0.2 * (took / std::max(mpx, 0.001));
    };
    auto readZxing = [&](const camera::LumaView& view, const ZXing::DecodeHints& hints,
                         DecodeStage stage) {
        const ZXing::Result result = ZXing::ReadBarcode(zxingView(view), hints);
        if (result.isValid()) {
            outcome.read = fromZxing(result, stage);
        }
    };

    // 1. Where the frame has code-like texture, read there first: a few hundred pixels square
    //    instead of the whole frame.
    std::vector<Region> regions;
    bool flooded = false;
    if (!exhaustive) {
        regions = locateCodes(frame, 2, &flooded);
        outcome.sawCandidate = !regions.empty() || flooded;
        // Code-like texture, or a frame so noisy a code may hide anywhere: worth the full
        // budget. An empty doorway stops at the idle budget.
        raised = outcome.sawCandidate;
    }
    for (const auto& region : regions) {
        const camera::LumaView crop =
            frame.cropped(region.left, region.top, region.width, region.height);
        attempt(DecodeStage::Located, megapixels(crop), true, [&] {
            ZXing::DecodeHints hints = fast;
            hints.setTryDownscale(true);
            readZxing(crop, hints, DecodeStage::Located);
        });
    }
    // 2. The whole frame, fast: always when nothing was located (the locator is a shortcut,
    //    never the only way to a read).
    //    A noisy frame gets ZXing's own downscaling too: averaging is what reads through noise.
    attempt(DecodeStage::Fast, megapixels(frame), regions.empty(), [&] {
        readZxing(frame, ZXing::DecodeHints(fast).setTryDownscale(exhaustive || flooded),
                  DecodeStage::Fast);
    });

    // 3. Retries, on the located code if there is one, else on the whole frame.
    const camera::LumaView target =
        regions.empty()
            ? frame
            : frame.cropped(regions[0].left, regions[0].top, regions[0].width, regions[0].height);
    const double targetMpx = megapixels(target);
    if (!exhaustive) {
        attempt(DecodeStage::Half, megapixels(frame) / 4, false, [&] {
            // Half size by 2x2 averaging: halves sensor noise and brings big codes into reach.
            const int w = frame.width() / 2, h = frame.height() / 2;
            m_half.resize(static_cast<std::size_t>(w) * h);
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    const int sum = frame.at(2 * x, 2 * y) + frame.at(2 * x + 1, 2 * y) +
                                    frame.at(2 * x, 2 * y + 1) + frame.at(2 * x + 1, 2 * y + 1);
                    m_half[static_cast<std::size_t>(y) * w + x] =
                        static_cast<std::uint8_t>((sum + 2) / 4);
                }
            }
            readZxing(camera::LumaView(m_half.data(), w, h, w), fast, DecodeStage::Half);
        });
    }
    if (m_options.harderRetry) {
        attempt(DecodeStage::Harder, targetMpx, false,
                [&] { readZxing(target, harder, DecodeStage::Harder); });
    }

    // The retries below work on a contiguous copy in m_scratch.
    const auto tw = static_cast<std::size_t>(target.width());
    auto remap = [&](auto&& lut) {
        m_scratch.resize(tw * static_cast<std::size_t>(target.height()));
        for (int y = 0; y < target.height(); ++y) {
            const std::uint8_t* in = target.row(y);
            const auto step = static_cast<std::size_t>(target.pixelStride());
            std::uint8_t* out = m_scratch.data() + static_cast<std::size_t>(y) * tw;
            for (std::size_t x = 0; x < tw; ++x) {
                out[x] = lut[in[x * step]];
            }
        }
        return camera::LumaView(m_scratch.data(), target.width(), target.height(), target.width());
    };

    if (m_options.stretchRetry) {
        attempt(DecodeStage::Stretched, targetMpx, false, [&] {
            // Faded print, a dark room, a screen under glare: stretch each neighbourhood's own
            // range of grey to full contrast, so the binarizer sees enough of a step.
            readZxing(stretchLocally(target),
                      ZXing::DecodeHints(base).setTryHarder(true).setTryRotate(false),
                      DecodeStage::Stretched);
        });
    }
    if (m_options.invertedRetry) {
        attempt(DecodeStage::Inverted, targetMpx, false, [&] {
            // Light-on-dark codes (phone dark mode); ZXing 1.4 has no inversion of its own.
            std::array<std::uint8_t, 256> lut{};
            for (int v = 0; v < 256; ++v) {
                lut[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(255 - v);
            }
            readZxing(remap(lut), fast, DecodeStage::Inverted);
        });
    }
    if (m_options.zbarFallback && m_zbar->enabled()) {
        attempt(DecodeStage::Zbar, targetMpx, false, [&] {
            std::array<std::uint8_t, 256> identity{};
            for (int v = 0; v < 256; ++v) {
                identity[static_cast<std::size_t>(v)] = static_cast<std::uint8_t>(v);
            }
            outcome.read = m_zbar->read(target.contiguous() ? target : remap(identity));
        });
    }
    outcome.cpu = elapsedUs();
    outcome.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return outcome;
}

camera::LumaView FrameDecoder::stretchLocally(const camera::LumaView& view) {
    // Min and max per 16x16 tile, widened over the 3x3 tiles around it; each pixel is then
    // mapped from its neighbourhood's range to the full range. Flat areas (range under 20
    // grey levels) stay flat instead of having their noise blown up.
    constexpr int kTile = 16;
    const int w = view.width(), h = view.height();
    const int tx = (w + kTile - 1) / kTile, ty = (h + kTile - 1) / kTile;
    std::vector<std::uint8_t> lo(static_cast<std::size_t>(tx) * ty, 255), hi(lo.size(), 0);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const auto t = static_cast<std::size_t>(y / kTile) * tx + x / kTile;
            const std::uint8_t v = view.at(x, y);
            lo[t] = std::min(lo[t], v);
            hi[t] = std::max(hi[t], v);
        }
    }
    std::vector<std::uint8_t> lo3(lo.size()), hi3(hi.size());
    for (int j = 0; j < ty; ++j) {
        for (int i = 0; i < tx; ++i) {
            std::uint8_t mn = 255, mx = 0;
            for (int dj = -1; dj <= 1; ++dj) {
                for (int di = -1; di <= 1; ++di) {
                    const int ni = std::clamp(i + di, 0, tx - 1),
                              nj = std::clamp(j + dj, 0, ty - 1);
                    mn = std::min(mn, lo[static_cast<std::size_t>(nj) * tx + ni]);
                    mx = std::max(mx, hi[static_cast<std::size_t>(nj) * tx + ni]);
                }
            }
            lo3[static_cast<std::size_t>(j) * tx + i] = mn;
            hi3[static_cast<std::size_t>(j) * tx + i] = mx;
        }
    }
    m_scratch.resize(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y) {
        std::uint8_t* out = m_scratch.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            const auto t = static_cast<std::size_t>(y / kTile) * tx + x / kTile;
            const int mn = lo3[t];
            const int range = std::max(20, hi3[t] - mn);
            out[x] =
                static_cast<std::uint8_t>(std::clamp((view.at(x, y) - mn) * 255 / range, 0, 255));
        }
    }
    return {m_scratch.data(), w, h, w};
}

} // namespace doorpost::drivers::decode
