#include "drivers/capture/diagnostics.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

namespace doorpost::drivers::capture {
namespace {

constexpr double kSmoothing = 0.1;    // about the last 10 frames
constexpr double kTooDark = 45.0;     // mean luma
constexpr double kTooBright = 215.0;  // mean luma
constexpr double kGlare = 0.15;       // clipped fraction
constexpr double kBlurry = 30.0;      // Laplacian variance (4x4 blocks) with structure in view
constexpr double kStructure = 0.3;    // mean absolute gradient (4x4 blocks): something in view
constexpr std::uint64_t kSettle = 15; // frames before the picture hints speak

} // namespace

PictureStats measurePicture(const camera::LumaView& frame) {
    PictureStats stats;
    constexpr int kBlock = 4;
    if (frame.empty() || frame.width() < 4 * kBlock || frame.height() < 4 * kBlock) {
        return stats;
    }
    // Measured on 4x4 block averages: sensor noise is white and averages away, while the edges
    // of a code or a face survive; so a noisy but focused camera is not called blurry.
    const int w = frame.width() / kBlock;
    const int h = frame.height() / kBlock;
    std::vector<float> small(static_cast<std::size_t>(w) * h);
    std::uint64_t clipped = 0;
    double sum = 0;
    for (int by = 0; by < h; ++by) {
        for (int bx = 0; bx < w; ++bx) {
            int block = 0;
            for (int y = by * kBlock; y < (by + 1) * kBlock; ++y) {
                for (int x = bx * kBlock; x < (bx + 1) * kBlock; ++x) {
                    const int v = frame.at(x, y);
                    block += v;
                    clipped += v >= 250 ? 1 : 0;
                }
            }
            small[static_cast<std::size_t>(by) * w + bx] =
                static_cast<float>(block) / (kBlock * kBlock);
            sum += block;
        }
    }
    auto at = [&](int x, int y) {
        return static_cast<double>(small[static_cast<std::size_t>(y) * w + x]);
    };
    double sumLap = 0, sumLap2 = 0, sumGrad = 0;
    std::uint64_t count = 0;
    for (int y = 1; y < h - 1; ++y) {
        for (int x = 1; x < w - 1; ++x) {
            const double c = at(x, y);
            const double lap = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * c;
            sumLap += lap;
            sumLap2 += lap * lap;
            sumGrad += std::abs(at(x + 1, y) - c) + std::abs(at(x, y + 1) - c);
            ++count;
        }
    }
    const double n = static_cast<double>(count);
    const double pixels = static_cast<double>(w) * h * kBlock * kBlock;
    stats.meanLuma = sum / pixels;
    stats.clipped = static_cast<double>(clipped) / pixels;
    const double meanLap = sumLap / n;
    stats.sharpness = sumLap2 / n - meanLap * meanLap;
    stats.edgeEnergy = sumGrad / (2 * n);
    return stats;
}

void SourceDiagnostics::addFrame(const PictureStats& picture, bool read, bool failed) {
    const double a = m_frames == 0 ? 1.0 : kSmoothing;
    m_smoothed.sharpness += a * (picture.sharpness - m_smoothed.sharpness);
    m_smoothed.edgeEnergy += a * (picture.edgeEnergy - m_smoothed.edgeEnergy);
    m_smoothed.meanLuma += a * (picture.meanLuma - m_smoothed.meanLuma);
    m_smoothed.clipped += a * (picture.clipped - m_smoothed.clipped);
    ++m_frames;
    m_framesWithRead += read ? 1 : 0;
    m_failed += failed ? 1 : 0;
    m_sinceRead = read ? 0 : m_sinceRead + 1;
}

DiagnosticsSnapshot SourceDiagnostics::snapshot() const {
    DiagnosticsSnapshot out;
    out.frames = m_frames;
    out.framesWithRead = m_framesWithRead;
    out.failedAttempts = m_failed;
    out.picture = m_smoothed;
    if (m_frames >= kSettle) {
        if (m_smoothed.meanLuma < kTooDark) {
            out.hints.emplace_back("too dark");
        } else if (m_smoothed.meanLuma > kTooBright || m_smoothed.clipped > kGlare) {
            out.hints.emplace_back("too bright or glare");
        }
        if (m_smoothed.meanLuma >= kTooDark && m_smoothed.edgeEnergy > kStructure &&
            m_smoothed.sharpness < kBlurry) {
            out.hints.emplace_back("lens dirty or out of focus");
        }
    }
    if (m_failed > 0 && m_failed * 10 >= m_frames) {
        out.hints.emplace_back("decoder failing on many frames");
    }
    return out;
}

} // namespace doorpost::drivers::capture
