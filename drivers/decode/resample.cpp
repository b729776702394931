#include "drivers/decode/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <utility>
#include <vector>

namespace doorpost::drivers::decode {

std::pair<int, int> warpedSize(const camera::LumaView& view, double angleDeg, double scaleX,
                               double scaleY) {
    const double a = angleDeg * std::numbers::pi / 180.0;
    const double c = std::cos(a), s = std::sin(a);
    const double w = view.width(), h = view.height();
    return {
        std::max(1, static_cast<int>(std::lround((std::abs(w * c) + std::abs(h * s)) * scaleX))),
        std::max(1, static_cast<int>(std::lround((std::abs(w * s) + std::abs(h * c)) * scaleY)))};
}

void warpRegion(const camera::LumaView& view, double angleDeg, double scaleX, double scaleY,
                camera::LumaImage& out, int windowLeft, int windowTop, int windowWidth,
                int windowHeight) {
    if (view.empty() || scaleX <= 0.0 || scaleY <= 0.0 || windowWidth <= 0 || windowHeight <= 0) {
        out = camera::LumaImage();
        return;
    }
    const auto [outW, outH] = warpedSize(view, angleDeg, scaleX, scaleY);
    if (out.width() != windowWidth || out.height() != windowHeight) {
        out = camera::LumaImage(windowWidth, windowHeight);
    }
    const double a = angleDeg * std::numbers::pi / 180.0;
    const double c = std::cos(a), s = std::sin(a);
    const double cx = view.width() / 2.0, cy = view.height() / 2.0;
    const int maxX = view.width() - 1, maxY = view.height() - 1;
    for (int wy = 0; wy < windowHeight; ++wy) {
        std::uint8_t* row = out.row(wy);
        const double dy = (windowTop + wy + 0.5 - outH / 2.0) / scaleY;
        // Where in the source this output row starts, and the step per output pixel: the
        // output's x axis runs along the source's direction at angleDeg.
        const double dx0 = (windowLeft + 0.5 - outW / 2.0) / scaleX;
        double fx = cx + c * dx0 - s * dy - 0.5;
        double fy = cy + s * dx0 + c * dy - 0.5;
        const double stepX = c / scaleX, stepY = s / scaleX;
        for (int x = 0; x < windowWidth; ++x, fx += stepX, fy += stepY) {
            const int x0 = static_cast<int>(std::floor(fx)), y0 = static_cast<int>(std::floor(fy));
            if (x0 < 0 || y0 < 0 || x0 >= maxX || y0 >= maxY) {
                row[x] = 128;
                continue;
            }
            const double ax = fx - x0, ay = fy - y0;
            const std::uint8_t* r0 = view.row(y0);
            const std::uint8_t* r1 = view.row(y0 + 1);
            const auto p = static_cast<std::size_t>(view.pixelStride());
            const auto i0 = static_cast<std::size_t>(x0) * p;
            const double top = (1 - ax) * r0[i0] + ax * r0[i0 + p];
            const double bottom = (1 - ax) * r1[i0] + ax * r1[i0 + p];
            row[x] = static_cast<std::uint8_t>((1 - ay) * top + ay * bottom + 0.5);
        }
    }
}

void warpRegion(const camera::LumaView& view, double angleDeg, double scaleX, double scaleY,
                camera::LumaImage& out) {
    const auto [outW, outH] = warpedSize(view, angleDeg, scaleX, scaleY);
    warpRegion(view, angleDeg, scaleX, scaleY, out, 0, 0, outW, outH);
}

camera::LumaView uprightBars(const camera::LumaView& view, double angleDeg, camera::LumaImage& out,
                             camera::LumaImage& scratch) {
    constexpr double kCoarse = 0.25;
    warpRegion(view, angleDeg, kCoarse, kCoarse, scratch);
    const camera::LumaView coarse = trimToBars(scratch.view());
    if (coarse.empty()) {
        return {};
    }
    // The coarse window in full-size pixels, a coarse pixel of slack on each side.
    const auto offset = coarse.data() - scratch.view().data();
    const int left = static_cast<int>(offset % scratch.width()),
              top = static_cast<int>(offset / scratch.width());
    const auto [fullW, fullH] = warpedSize(view, angleDeg, 1.0, 1.0);
    const int x0 = std::max(0, static_cast<int>((left - 1) / kCoarse));
    const int y0 = std::max(0, static_cast<int>((top - 1) / kCoarse));
    const int x1 = std::min(fullW, static_cast<int>((left + coarse.width() + 1) / kCoarse));
    const int y1 = std::min(fullH, static_cast<int>((top + coarse.height() + 1) / kCoarse));
    warpRegion(view, angleDeg, 1.0, 1.0, out, x0, y0, x1 - x0, y1 - y0);
    return out.view();
}

camera::LumaView trimToBars(const camera::LumaView& view) {
    if (view.empty() || view.width() < 16 || view.height() < 16) {
        return view;
    }
    std::vector<long> rows(static_cast<std::size_t>(view.height()), 0);
    std::vector<long> columns(static_cast<std::size_t>(view.width()), 0);
    for (int y = 0; y < view.height(); ++y) {
        for (int x = 0; x + 1 < view.width(); ++x) {
            const int step = std::abs(view.at(x + 1, y) - view.at(x, y));
            rows[static_cast<std::size_t>(y)] += step;
            columns[static_cast<std::size_t>(x)] += step;
        }
    }
    const auto span = [](const std::vector<long>& activity, int margin, int size) {
        const long peak = *std::max_element(activity.begin(), activity.end());
        int first = size, last = -1;
        for (int i = 0; i < size; ++i) {
            if (5 * activity[static_cast<std::size_t>(i)] >= peak) {
                first = std::min(first, i);
                last = i;
            }
        }
        if (last < 0) {
            return std::pair{0, size};
        }
        return std::pair{std::max(0, first - margin), std::min(size, last + 1 + margin)};
    };
    // A margin of 1/16 of the size across the bars and 1/8 along (the quiet zone).
    const auto [top, bottom] = span(rows, std::max(2, view.height() / 16), view.height());
    const auto [left, right] = span(columns, std::max(2, view.width() / 8), view.width());
    return view.cropped(left, top, right - left, bottom - top);
}

} // namespace doorpost::drivers::decode
