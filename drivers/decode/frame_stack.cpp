#include "drivers/decode/frame_stack.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace doorpost::drivers::decode {
namespace {

// The same code if this much of the new region lies inside the stack's.
constexpr double kContained = 0.9;
constexpr int kGrow = 32; // a locator tile

// Every shifted copy of the region must lie inside the frame.
Region clampRegion(const Region& wanted, const camera::LumaView& frame) {
    Region region = wanted;
    const int right = std::min(wanted.left + wanted.width, frame.width() - FrameStack::kMaxShift);
    const int bottom = std::min(wanted.top + wanted.height, frame.height() - FrameStack::kMaxShift);
    region.left = std::max(region.left, FrameStack::kMaxShift);
    region.top = std::max(region.top, FrameStack::kMaxShift);
    region.width = right - region.left;
    region.height = bottom - region.top;
    return region;
}

// The fraction of `a` inside `b`.
double containedIn(const Region& a, const Region& b) {
    const int x0 = std::max(a.left, b.left), y0 = std::max(a.top, b.top);
    const int x1 = std::min(a.left + a.width, b.left + b.width);
    const int y1 = std::min(a.top + a.height, b.top + b.height);
    if (x1 <= x0 || y1 <= y0 || a.width <= 0 || a.height <= 0) {
        return 0.0;
    }
    return static_cast<double>(x1 - x0) * (y1 - y0) / (static_cast<double>(a.width) * a.height);
}
// Every 3rd pixel of every 2nd row is compared: thousands of samples, enough to see a shift of
// one pixel through sensor noise, for 58 shifts in about a millisecond.
constexpr int kSampleStep = 3;

} // namespace

void FrameStack::reset() {
    m_region = {};
    m_mean.clear();
    m_count = 0;
    m_lastDx = 0;
    m_lastDy = 0;
}

void FrameStack::add(const camera::LumaView& frame, const Region& wanted) {
    Region region = clampRegion(wanted, frame);
    if (region.width < 16 || region.height < 16) {
        reset();
        return;
    }
    if (m_count > 0 && containedIn(region, m_region) < kContained) {
        reset();
    }
    if (m_count == 0) {
        // A tile more on every side: the located region of the same code varies by a tile
        // from frame to frame, and a region that is not inside the stack's starts a new one.
        region = clampRegion({wanted.left - kGrow, wanted.top - kGrow, wanted.width + 2 * kGrow,
                              wanted.height + 2 * kGrow},
                             frame);
        m_region = region;
        m_mean.resize(static_cast<std::size_t>(region.width) * region.height);
        for (int y = 0; y < region.height; ++y) {
            for (int x = 0; x < region.width; ++x) {
                m_mean[static_cast<std::size_t>(y) * region.width + x] =
                    frame.at(region.left + x, region.top + y);
            }
        }
        m_count = 1;
        m_lastDx = m_lastDy = 0;
        return;
    }
    const Region& r = m_region;
    // Brightness moves between frames (auto-exposure): compare after taking out the difference
    // of the means.
    double frameSum = 0.0, meanSum = 0.0;
    int samples = 0;
    for (int y = kMaxShift; y < r.height - kMaxShift; y += kSampleStep) {
        for (int x = kMaxShift; x < r.width - kMaxShift; x += kSampleStep) {
            frameSum += frame.at(r.left + x, r.top + y);
            meanSum += m_mean[static_cast<std::size_t>(y) * r.width + x];
            ++samples;
        }
    }
    const double offset = samples > 0 ? (frameSum - meanSum) / samples : 0.0;
    const auto sadAt = [&](int dx, int dy) {
        double sad = 0.0;
        // Every 2nd row, each starting one pixel further on: samples a module width apart on
        // every row (or column) would see every module at the same phase, blind to a shift of
        // one pixel.
        for (int y = kMaxShift, row = 0; y < r.height - kMaxShift; y += 2, ++row) {
            const float* mean = m_mean.data() + static_cast<std::size_t>(y) * r.width;
            for (int x = kMaxShift + row % kSampleStep; x < r.width - kMaxShift; x += kSampleStep) {
                sad += std::abs(frame.at(r.left + x + dx, r.top + y + dy) - offset - mean[x]);
            }
        }
        return sad;
    };
    double best = std::numeric_limits<double>::max();
    int bestDx = 0, bestDy = 0;
    const auto consider = [&](int dx, int dy) {
        if (std::abs(dx) > kMaxShift || std::abs(dy) > kMaxShift) {
            return;
        }
        const double sad = sadAt(dx, dy);
        // Ties go to the smaller shift.
        if (sad < best - 1e-6 ||
            (std::abs(sad - best) <= 1e-6 &&
             std::abs(dx) + std::abs(dy) < std::abs(bestDx) + std::abs(bestDy))) {
            best = sad;
            bestDx = dx;
            bestDy = dy;
        }
    };
    // Every second shift, then the neighbours of the best: a code's modules are 2-4 pixels,
    // so the match worsens smoothly over one pixel and the coarse best is next to the best.
    for (int dy = -kMaxShift; dy <= kMaxShift; dy += 2) {
        for (int dx = -kMaxShift; dx <= kMaxShift; dx += 2) {
            consider(dx, dy);
        }
    }
    const int coarseDx = bestDx, coarseDy = bestDy;
    for (int dy = coarseDy - 1; dy <= coarseDy + 1; ++dy) {
        for (int dx = coarseDx - 1; dx <= coarseDx + 1; ++dx) {
            if ((dx - coarseDx) % 2 != 0 || (dy - coarseDy) % 2 != 0) {
                consider(dx, dy);
            }
        }
    }
    m_lastDx = bestDx;
    m_lastDy = bestDy;
    m_count = std::min(m_count + 1, kWindow);
    const float weight = 1.0F / static_cast<float>(m_count);
    for (int y = 0; y < r.height; ++y) {
        float* mean = m_mean.data() + static_cast<std::size_t>(y) * r.width;
        for (int x = 0; x < r.width; ++x) {
            const float v = frame.at(r.left + x + bestDx, r.top + y + bestDy);
            mean[x] += weight * (v - mean[x]);
        }
    }
}

camera::LumaView FrameStack::mean(camera::LumaImage& out) const {
    if (m_count == 0) {
        out = camera::LumaImage();
        return out.view();
    }
    if (out.width() != m_region.width || out.height() != m_region.height) {
        out = camera::LumaImage(m_region.width, m_region.height);
    }
    for (int y = 0; y < m_region.height; ++y) {
        const float* mean = m_mean.data() + static_cast<std::size_t>(y) * m_region.width;
        std::uint8_t* row = out.row(y);
        for (int x = 0; x < m_region.width; ++x) {
            row[x] = static_cast<std::uint8_t>(std::clamp(std::lround(mean[x]), 0L, 255L));
        }
    }
    return out.view();
}

} // namespace doorpost::drivers::decode
