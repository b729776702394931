#include "drivers/decode/frame_decoder.hpp"

#include "drivers/decode/code_locator.hpp"
#include "drivers/decode/float_plane.hpp"
#include "drivers/decode/local_contrast.hpp"
#include "drivers/decode/region_probe.hpp"
#include "drivers/decode/resample.hpp"
#include "drivers/decode/zbar_reader.hpp"
#include "drivers/decode/zxing_formats.hpp"

#include <ZXing/ReadBarcode.h>
#include <algorithm>
#include <cmath>
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
constexpr std::array<double, kDecodeStageCount> kInitialCost{
    2500, 2500, 2500, 6000, 5000, 3000, 9000, 10000, 10000, 10000, 20000, 20000, 2500};
constexpr std::array<double, kStrategyCount> kInitialStrategyCost{
    15000, 12000, 12000, 12000, 20000, 20000, 25000, 30000, 12000, 12000, 8000, 3000};

// The self-checking linear formats among `formats` (every format: empty).
std::vector<CodeFormat> linearChecked(const std::vector<CodeFormat>& formats) {
    std::vector<CodeFormat> linear;
    for (const CodeFormat format : {CodeFormat::Code128, CodeFormat::Code93}) {
        if (formats.empty() || std::find(formats.begin(), formats.end(), format) != formats.end()) {
            linear.push_back(format);
        }
    }
    if (linear.empty()) {
        linear.push_back(CodeFormat::None); // a reader with nothing enabled
    }
    return linear;
}

double megapixels(const camera::LumaView& view) {
    return static_cast<double>(view.width()) * view.height() / 1e6;
}

DecodeStage stageOf(Strategy strategy) {
    switch (strategy) {
    case Strategy::Denoise:
        return DecodeStage::Denoised;
    case Strategy::Rotate:
        return DecodeStage::Rotated;
    case Strategy::Normalise:
    case Strategy::NormaliseWide:
        return DecodeStage::Normalised;
    case Strategy::DeblurLight:
    case Strategy::DeblurMedium:
    case Strategy::DeblurHeavy:
        return DecodeStage::Deblurred;
    case Strategy::Upscale:
        return DecodeStage::Upscaled;
    case Strategy::Zbar:
        return DecodeStage::Zbar;
    case Strategy::Harder:
        return DecodeStage::Harder;
    case Strategy::Inverted:
        return DecodeStage::Inverted;
    case Strategy::WholeFrame:
        return DecodeStage::Fast;
    }
    return DecodeStage::Fast;
}

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
    case DecodeStage::Denoised:
        return "denoised";
    case DecodeStage::Rotated:
        return "rotated";
    case DecodeStage::Normalised:
        return "normalised";
    case DecodeStage::Deblurred:
        return "deblurred";
    case DecodeStage::Upscaled:
        return "upscaled";
    case DecodeStage::Swept:
        return "swept";
    }
    return "fast";
}

FrameDecoder::FrameDecoder(DecoderOptions options)
    : m_options(std::move(options)), m_costPerMpx(kInitialCost),
      m_strategyCostPerMpx(kInitialStrategyCost),
      m_zbar(std::make_unique<ZbarReader>(m_options.formats)),
      m_zbarLinear(std::make_unique<ZbarReader>(linearChecked(m_options.formats))) {}

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
    m_exhaustiveRun = exhaustive;
    const auto fits = [&](double expectedUs) {
        const auto limit = raised ? m_options.budget : m_options.idleBudget;
        return static_cast<double>(elapsedUs().count()) + expectedUs <=
               static_cast<double>(limit.count());
    };
    // Runs one stage on `mpx` megapixels if it fits in the time left (always when mandatory or
    // exhaustive), and learns its cost.
    auto attempt = [&](DecodeStage stage, double mpx, bool mandatory, auto&& body) {
        if (outcome.read) {
            return;
        }
        const auto index = static_cast<std::size_t>(stage);
        // A quarter more than the average: a stage's cost varies with the content.
        if (!exhaustive && !mandatory && !fits(1.25 * m_costPerMpx[index] * mpx)) {
            return;
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
        m_costPerMpx[index] = 0.5 * m_costPerMpx[index] + 0.5 * (took / std::max(mpx, 0.001));
    };
    auto readZxing = [&](const camera::LumaView& view, const ZXing::DecodeHints& hints,
                         DecodeStage stage) {
        const ZXing::Result result = ZXing::ReadBarcode(zxingView(view), hints);
        if (result.isValid()) {
            outcome.read = fromZxing(result, stage);
        }
    };

    // Edges all one way are bars (linear or PDF417), edges every way a matrix code; skipping the
    // other kind's detectors halves the cost of a failed attempt. In between, both.
    const auto formatsFor = [&](const RegionProbe& probe) {
        ZXing::BarcodeFormats wanted = toZxing(m_options.formats);
        if (wanted.empty()) {
            wanted = ZXing::BarcodeFormat::Any;
        }
        const ZXing::BarcodeFormats bars =
            ZXing::BarcodeFormat::LinearCodes | ZXing::BarcodeFormat::PDF417;
        const ZXing::BarcodeFormats matrix =
            ZXing::BarcodeFormat::Aztec | ZXing::BarcodeFormat::DataMatrix |
            ZXing::BarcodeFormat::MaxiCode | ZXing::BarcodeFormat::QRCode |
            ZXing::BarcodeFormat::MicroQRCode;
        if (probe.coherence >= 0.45 && !(wanted & bars).empty()) {
            return wanted & bars;
        }
        if (probe.coherence < 0.1 && !(wanted & matrix).empty()) {
            return wanted & matrix;
        }
        return wanted;
    };

    // 1. Where the frame has code-like texture, read there first: a few hundred pixels square
    //    instead of the whole frame.
    LocatorResult located;
    if (!exhaustive || m_options.enhance) {
        located = locateCodeRegions(frame, 2);
    }
    const std::vector<Region>& regions = located.regions;
    if (!exhaustive) {
        outcome.sawCandidate = !regions.empty() || located.flooded;
        // Code-like texture, or a frame so noisy a code may hide anywhere: worth the full
        // budget. An empty doorway stops at the idle budget.
        raised = outcome.sawCandidate;
        for (const auto& region : regions) {
            const camera::LumaView crop =
                frame.cropped(region.left, region.top, region.width, region.height);
            const RegionProbe probe = probeRegion(crop, located.noiseSigma);
            const double lean = std::abs(probe.edgeAngleDeg);
            if (probe.coherence >= 0.35 && lean > 8.0 && lean < 82.0) {
                continue; // leaning bars: ZXing reads along rows; the Rotate enhancement is next
            }
            if (probe.edgeWidth >= 5.1) {
                continue; // blurred beyond a plain read (sigma >= 2): deblurring is next
            }
            if (located.noiseSigma >= 25.0) {
                // Too noisy for a plain read, and ZXing's PDF417 detector can spend 20 ms on a
                // noisy region: denoising is next.
                continue;
            }
            // Upright bars: a linear code with wide bars shows sparse texture at its ends, and
            // the locator's region may stop short of them; a quarter more on either side.
            const int widen = std::max(64, region.width / 4);
            const camera::LumaView read =
                probe.coherence >= 0.2 && located.noiseSigma < 12.0
                    ? frame.cropped(region.left - widen, region.top, region.width + 2 * widen,
                                    region.height)
                    : crop;
            attempt(DecodeStage::Located, megapixels(read), true, [&] {
                readZxing(
                    read,
                    ZXing::DecodeHints(fast).setTryDownscale(true).setFormats(formatsFor(probe)),
                    DecodeStage::Located);
            });
        }
    }

    // A located code that was not read is remembered for a while: a dim code in sensor noise
    // shows its texture to the locator on one frame in several (the noise decides), while the
    // hand holding it hardly moves. Where nothing is located, the enhancements carry on at the
    // remembered place, if it still looks like it did (its contrast): not on the wall behind a
    // card that left.
    std::optional<Region> recalled;
    if (!exhaustive && m_options.enhance) {
        if (!regions.empty()) {
            m_memory = RememberedRegion{regions.front(), 0.0, 0};
        } else if (m_memory && !located.flooded && ++m_memory->framesSince <= kMemoryFrames) {
            const Region& r = m_memory->region;
            const double contrast =
                probeRegion(frame.cropped(r.left, r.top, r.width, r.height), located.noiseSigma)
                    .contrast;
            if (contrast >= 0.7 * m_memory->contrast && contrast <= 1.4 * m_memory->contrast) {
                recalled = r;
                raised = true;
            }
        } else {
            m_memory.reset();
        }
    }
    if (exhaustive) {
        // Still images: the whole picture through every stage, then the enhancements.
        attempt(DecodeStage::Fast, megapixels(frame), true,
                [&] { readZxing(frame, fast, DecodeStage::Fast); });
        if (m_options.harderRetry) {
            attempt(DecodeStage::Harder, megapixels(frame), false,
                    [&] { readZxing(frame, harder, DecodeStage::Harder); });
        }
        if (m_options.stretchRetry) {
            attempt(DecodeStage::Stretched, megapixels(frame), false, [&] {
                readZxing(stretchLocally(frame),
                          ZXing::DecodeHints(base).setTryHarder(true).setTryRotate(false),
                          DecodeStage::Stretched);
            });
        }
        if (m_options.invertedRetry) {
            attempt(DecodeStage::Inverted, megapixels(frame), false,
                    [&] { runStrategy(Strategy::Inverted, frame, frame, {}, outcome); });
        }
        if (m_options.zbarFallback && m_zbar->enabled()) {
            attempt(DecodeStage::Zbar, megapixels(frame), false,
                    [&] { runStrategy(Strategy::Zbar, frame, frame, {}, outcome); });
        }
        if (m_options.enhance) {
            for (const auto& region : regions) {
                const camera::LumaView crop =
                    frame.cropped(region.left, region.top, region.width, region.height);
                const RegionTraits traits{located.noiseSigma,
                                          probeRegion(crop, located.noiseSigma)};
                for (const Strategy strategy : orderStrategies(traits)) {
                    if (outcome.read) {
                        break;
                    }
                    if (strategy == Strategy::WholeFrame || strategy == Strategy::Zbar ||
                        strategy == Strategy::Inverted) {
                        continue; // done above
                    }
                    attempt(stageOf(strategy), megapixels(crop), true,
                            [&] { runStrategy(strategy, crop, frame, traits, outcome); });
                }
            }
        }
    } else if (regions.empty() && !recalled) {
        m_schedule.beginFrame(std::nullopt, {});
        // 2. Nothing located. Half size, whole frame: a code held close (modules too big for
        //    the locator's tiles) reads at half size, and 2x2 averaging halves noise.
        attempt(DecodeStage::Half, megapixels(frame) / 4, true, [&] {
            const int w = frame.width() / 2, h = frame.height() / 2;
            m_half.resize(static_cast<std::size_t>(w) * h);
            for (int y = 0; y < h; ++y) {
                const std::uint8_t* r0 = frame.row(2 * y);
                const std::uint8_t* r1 = frame.row(2 * y + 1);
                const auto step = static_cast<std::size_t>(frame.pixelStride());
                std::uint8_t* out = m_half.data() + static_cast<std::size_t>(y) * w;
                for (int x = 0; x < w; ++x) {
                    const std::size_t a = 2 * static_cast<std::size_t>(x) * step;
                    out[x] = static_cast<std::uint8_t>(
                        (r0[a] + r0[a + step] + r1[a] + r1[a + step] + 2) / 4);
                }
            }
            readZxing(camera::LumaView(m_half.data(), w, h, w), fast, DecodeStage::Half);
        });
        // 3. One band of the frame at full size, a different one each frame: the locator is a
        //    shortcut, never the only way to a read, but a whole frame at full size every frame
        //    would cost an empty doorway more than its budget. Three frames cover the frame.
        if (located.flooded) {
            attempt(DecodeStage::Fast, megapixels(frame), false, [&] {
                readZxing(frame, ZXing::DecodeHints(fast).setTryDownscale(true), DecodeStage::Fast);
            });
        }
        const int bandHeight = frame.height() * 2 / 5;
        const int bandTop = (frame.height() - bandHeight) * m_sweepBand / 2;
        const camera::LumaView band = frame.cropped(0, bandTop, frame.width(), bandHeight);
        attempt(DecodeStage::Swept, megapixels(band), false, [&] {
            m_sweepBand = (m_sweepBand + 1) % 3;
            readZxing(band, fast, DecodeStage::Swept);
        });
    } else if (m_options.enhance) {
        // 4. Enhancements of the main located code, in the order its looks suggest, carried
        //    on over the next frames of the same code (strategy_schedule.hpp).
        const Region main = recalled ? *recalled : regions.front();
        camera::LumaView target = frame.cropped(main.left, main.top, main.width, main.height);
        RegionTraits traits{located.noiseSigma, probeRegion(target, located.noiseSigma)};
        Region targetRect = main;
        if (!recalled && m_memory) {
            m_memory->contrast = traits.probe.contrast;
        }
        m_deadline = cpuStart + m_options.budget;
        if (traits.probe.coherence >= 0.2) {
            // Bars: the ends of a code are sparse texture, and a linear reader wants its quiet
            // zone; a tile more on either side.
            targetRect = {main.left - 32, main.top, main.width + 64, main.height};
            target =
                frame.cropped(targetRect.left, targetRect.top, targetRect.width, targetRect.height);
        }
        // A dim hall (the locator averages blocks there): the enhancements read the mean of
        // the code's last frames, aligned, instead of this one frame (frame_stack.hpp), and
        // choose by what the mean looks like: n frames have 1/sqrt(n) of the noise.
        if (located.blockSize > 1 && !located.flooded) {
            m_stack.add(frame, targetRect);
            if (m_stack.count() >= 2) {
                target = m_stack.mean(m_stackImage);
                traits.noiseSigma = located.noiseSigma / std::sqrt(m_stack.count());
                traits.probe = probeRegion(target, traits.noiseSigma);
            }
        } else {
            m_stack.reset();
        }
        m_schedule.beginFrame(main, traits);
        // Pass 0 runs the required strategies and the round's next ones; when none of the
        // round's remaining ones fits in what is left (the costly ones, when the cheap ones
        // were tried on earlier frames), pass 1 starts a new round at once: the cheap ones
        // again on this frame's picture (a dim code in noise reads on some frames and not on
        // others) instead of a frame that only waits for a costly one to fit.
        for (int pass = 0; pass < 2 && !outcome.read; ++pass) {
            const std::vector<Strategy> pending = m_schedule.pending();
            bool ranOptional = false, skipped = false;
            for (std::size_t i = pass == 0 ? 0 : m_schedule.requiredCount(); i < pending.size();
                 ++i) {
                if (outcome.read) {
                    break;
                }
                const Strategy strategy = pending[i];
                const double mpx = megapixels(strategy == Strategy::WholeFrame ? frame : target);
                const auto index = static_cast<std::size_t>(strategy);
                // What the region plainly needs comes first and always runs: an estimate
                // learned on other regions must not keep it from ever running on this one.
                const bool mandatory = pass == 0 && i == 0 && m_schedule.requiredCount() > 0;
                if (!mandatory && !fits(1.25 * m_strategyCostPerMpx[index] * mpx)) {
                    skipped = true;
                    continue; // left for the next frame of this code
                }
                const auto stageStart = cpuNow();
                try {
                    runStrategy(strategy, target, frame, traits, outcome);
                } catch (...) {
                    ++outcome.libraryErrors;
                }
                ++outcome.stagesRun;
                const auto took = static_cast<double>((cpuNow() - stageStart).count());
                m_strategyCostPerMpx[index] =
                    0.5 * m_strategyCostPerMpx[index] + 0.5 * (took / std::max(mpx, 0.001));
                m_schedule.tried(strategy);
                ranOptional = ranOptional || i >= m_schedule.requiredCount();
            }
            if (ranOptional || !skipped) {
                break;
            }
            m_schedule.newRound();
        }
        if (outcome.read) {
            m_schedule.readDone();
        }
    }
    if (outcome.read) {
        m_memory.reset(); // the code was read: the next frames are a new person's
        m_stack.reset();
    }
    outcome.cpu = elapsedUs();
    outcome.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return outcome;
}

void FrameDecoder::runStrategy(Strategy strategy, const camera::LumaView& target,
                               const camera::LumaView& frame, const RegionTraits& traits,
                               DecodeOutcome& outcome) {
    ZXing::DecodeHints hints;
    hints.setFormats(toZxing(m_options.formats));
    hints.setMaxNumberOfSymbols(1); // zxing-cpp #740
    hints.setTryHarder(false).setTryRotate(false).setTryDownscale(false);
    // An enhanced picture must show a linear code on more rows before it counts: sharpening and
    // normalising also turn noise into bar-like texture.
    hints.setMinLineCount(3);
    const DecodeStage stage = stageOf(strategy);
    const bool linear = traits.probe.coherence >= 0.2;

    // Edges all one way are bars (linear or PDF417), edges every way a matrix code; skipping the
    // other kind's detectors halves the cost of a failed attempt. In between, both.
    ZXing::BarcodeFormats wanted = toZxing(m_options.formats);
    if (wanted.empty()) {
        wanted = ZXing::BarcodeFormat::Any;
    }
    // An enhanced picture is read only for formats that check themselves (Reed-Solomon, or
    // Code128's and Code93's check characters): sharpening and normalising turn texture into
    // bar-like patterns, and a format without a check (ITF, Codabar, Code39) or with one check
    // digit (EAN/UPC) read "9961" from part of a normalised Code128 in testing.
    const ZXing::BarcodeFormats checked =
        ZXing::BarcodeFormat::QRCode | ZXing::BarcodeFormat::MicroQRCode |
        ZXing::BarcodeFormat::PDF417 | ZXing::BarcodeFormat::DataMatrix |
        ZXing::BarcodeFormat::Aztec | ZXing::BarcodeFormat::MaxiCode |
        ZXing::BarcodeFormat::Code128 | ZXing::BarcodeFormat::Code93;
    if (strategy != Strategy::WholeFrame && strategy != Strategy::Harder &&
        strategy != Strategy::Inverted && strategy != Strategy::Zbar) {
        wanted &= checked;
        if (wanted.empty()) {
            return;
        }
    }
    hints.setFormats(wanted);
    const ZXing::BarcodeFormats bars =
        ZXing::BarcodeFormat::LinearCodes | ZXing::BarcodeFormat::PDF417;
    const ZXing::BarcodeFormats matrix =
        ZXing::BarcodeFormat::Aztec | ZXing::BarcodeFormat::DataMatrix |
        ZXing::BarcodeFormat::MaxiCode | ZXing::BarcodeFormat::QRCode |
        ZXing::BarcodeFormat::MicroQRCode;
    if (strategy != Strategy::WholeFrame && traits.probe.coherence >= 0.45 &&
        !(wanted & bars).empty()) {
        hints.setFormats(wanted & bars);
    } else if (strategy != Strategy::WholeFrame && traits.probe.coherence < 0.15 &&
               !(wanted & matrix).empty()) {
        hints.setFormats(wanted & matrix);
    }
    const auto zxing = [&](const camera::LumaView& view) {
        if (outcome.read) {
            return;
        }
        const ZXing::Result result = ZXing::ReadBarcode(zxingView(view), hints);
        if (result.isValid()) {
            outcome.read = fromZxing(result, stage);
        }
    };
    const auto zbar = [&](const camera::LumaView& view) {
        // On an enhanced picture, zbar looks for linear codes only: its QR finder costs up to
        // 15 ms on a smoothed noisy region, and ZXing reads QR there anyway.
        ZbarReader& reader = strategy == Strategy::Zbar ? *m_zbar : *m_zbarLinear;
        if (outcome.read || !m_options.zbarFallback || !reader.enabled() || !view.contiguous()) {
            return;
        }
        // zbar's cost varies most with content (noise): it runs only if its learned cost fits
        // before the frame's deadline, and its cost is learned apart from the strategy's.
        const double mpx = megapixels(view);
        const auto started = cpuNow();
        if (!m_exhaustiveRun &&
            static_cast<double>(started.count()) + 1.25 * m_zbarCostPerMpx * mpx >
                static_cast<double>(m_deadline.count())) {
            return;
        }
        auto read = reader.read(view);
        const auto took = static_cast<double>((cpuNow() - started).count());
        m_zbarCostPerMpx = 0.8 * m_zbarCostPerMpx + 0.2 * took / std::max(mpx, 0.001);
        // The same rule for zbar's reads of an enhanced picture: only self-checking formats.
        if (read && (strategy == Strategy::Zbar || read->format == CodeFormat::QRCode ||
                     read->format == CodeFormat::Code128 || read->format == CodeFormat::Code93)) {
            read->stage = stage;
            outcome.read = std::move(read);
        }
    };
    // Both readers for bars (zbar reads blurred and noisy Code128 that ZXing misses), ZXing only
    // for 2D codes (zbar has no PDF417 and reads QR no better).
    const auto readBoth = [&](const camera::LumaView& view) {
        zxing(view);
        if (linear) {
            zbar(view);
        }
    };
    const auto enhanced = [&](const FloatPlane& plane) {
        toLuma(plane, m_enhanced);
        return m_enhanced.view();
    };
    // Bars standing upright (or lying flat) in sensor noise: smoothing along the bars averages
    // the noise away without softening the edges a reader needs, which an even blur cannot
    // (a dim Code128 at 2.5-3 px modules in noise 8-12 read on 1 frame in 8 after the even blur,
    // on 6 in 8 after this). ZXing's harder search then reads every row.
    const double lean = std::abs(traits.probe.edgeAngleDeg);
    const auto smoothAlongBars = [&](const camera::LumaView& view, bool upright) {
        FloatPlane plane = toFloat(view);
        const auto along = gaussianKernel(4.0);
        const auto across = gaussianKernel(0.5);
        if (upright) {
            convolveSeparable(plane, across, along, m_floatScratch);
        } else {
            convolveSeparable(plane, along, across, m_floatScratch);
        }
        hints.setTryHarder(true);
        readBoth(enhanced(plane));
        hints.setTryHarder(false);
    };
    switch (strategy) {
    case Strategy::Denoise: {
        if (linear && (lean <= 8.0 || lean >= 82.0)) {
            smoothAlongBars(target, lean <= 8.0);
            if (outcome.read) {
                break;
            }
        }
        if (!linear) {
            // A matrix code's modules (3 px at a door) blur into each other under the smoothing
            // that suits bars: a light one, then each neighbourhood stretched (a dim QR held
            // still read on 22 of 33 frames so, on 3 after Gaussian 1.0, on 0 after 1.5).
            FloatPlane light = toFloat(target);
            const auto lightKernel = gaussianKernel(0.7);
            convolveSeparable(light, lightKernel, lightKernel, m_floatScratch);
            toLuma(light, m_scratchImage);
            normaliseLocally(m_scratchImage.view(), 4.0, m_enhanced, m_floatScratch);
            zxing(m_enhanced.view());
            if (outcome.read) {
                break;
            }
        }
        FloatPlane plane = toFloat(target);
        const auto kernel = gaussianKernel(1.0);
        convolveSeparable(plane, kernel, kernel, m_floatScratch);
        zxing(enhanced(plane));
        if (!outcome.read) {
            // Smoother still, then each neighbourhood stretched to full contrast: a dim code
            // (exposure 0.3, so 60 grey levels or less) in sensor noise leaves too little
            // contrast after smoothing for ZXing's binarizer (it wants 24 levels a block).
            plane = toFloat(target);
            const auto wide = gaussianKernel(1.5);
            convolveSeparable(plane, wide, wide, m_floatScratch);
            toLuma(plane, m_scratchImage);
            normaliseLocally(m_scratchImage.view(), 6.0, m_enhanced, m_floatScratch);
            readBoth(m_enhanced.view());
        }
        break;
    }
    case Strategy::Rotate: {
        const camera::LumaView upright =
            uprightBars(target, traits.probe.edgeAngleDeg, m_enhanced, m_scratchImage);
        readBoth(upright);
        if (!outcome.read && traits.noiseSigma >= 4.0) {
            // (Smoothing copies the turned picture to floats before it reuses its buffer.)
            smoothAlongBars(upright, true);
        }
        break;
    }
    case Strategy::Normalise:
    case Strategy::NormaliseWide:
        normaliseLocally(target, strategy == Strategy::Normalise ? 4.0 : 8.0, m_enhanced,
                         m_floatScratch);
        readBoth(m_enhanced.view());
        break;
    case Strategy::DeblurLight:
    case Strategy::DeblurMedium:
    case Strategy::DeblurHeavy: {
        const double sigma = strategy == Strategy::DeblurLight
                                 ? 1.5
                                 : (strategy == Strategy::DeblurMedium ? 2.5 : 3.5);
        DeblurSpec spec;
        spec.sigma = sigma;
        if (linear) {
            // Bars and stacked rows: undo the blur across the bars only, where it can be undone
            // harder (the rows along the bars average the quantisation noise).
            spec.vertical = false;
            spec.lambda = strategy == Strategy::DeblurLight ? 1e-2 : 1e-4;
        } else {
            spec.lambda = strategy == Strategy::DeblurLight
                              ? 1e-2
                              : (strategy == Strategy::DeblurMedium ? 3e-3 : 1e-3);
        }
        FloatPlane plane = toFloat(target);
        m_deblurrer.apply(plane, spec);
        // ZXing's harder search scans every row of bars, not every few: it reads deblurred
        // Code128 that the fast scan misses.
        hints.setTryHarder(linear);
        readBoth(enhanced(plane));
        break;
    }
    case Strategy::Upscale:
        warpRegion(target, 0.0, 2.0, 2.0, m_enhanced);
        readBoth(m_enhanced.view());
        break;
    case Strategy::Zbar:
        if (target.contiguous()) {
            zbar(target);
        } else {
            m_enhanced = copyOf(target);
            zbar(m_enhanced.view());
        }
        break;
    case Strategy::Harder:
        hints.setTryHarder(true).setTryRotate(true).setTryDownscale(true).setMinLineCount(2);
        zxing(target);
        break;
    case Strategy::Inverted: {
        m_enhanced = copyOf(target);
        for (auto& v : m_enhanced.pixels()) {
            v = static_cast<std::uint8_t>(255 - v);
        }
        hints.setMinLineCount(2);
        zxing(m_enhanced.view());
        break;
    }
    case Strategy::WholeFrame:
        hints.setMinLineCount(2);
        zxing(frame);
        break;
    }
}

void FrameDecoder::resetStream() {
    m_schedule.reset();
    m_memory.reset();
    m_stack.reset();
    m_sweepBand = 0;
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
