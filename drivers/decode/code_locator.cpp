#include "drivers/decode/code_locator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace doorpost::drivers::decode {
namespace {

constexpr int kTile = 32;           // frame pixels per tile side
constexpr int kStep = 2;            // at full resolution, every 2nd pixel of every 2nd row
constexpr int kMinStep = 8;         // the smallest grey step that counts, however clean the frame
constexpr double kNoiseSteps = 3.0; // a step must stand this many noise deviations out
// On block averages (a dim hall) a little less: there a dim code's steps stand 2.5-3.5
// deviations out, and the noise's own steps pass 2.5 deviations on about 1% of samples, far
// below the 10.7% a tile needs. A dim faded QR was found on 17 frames of 29 instead of 2.
constexpr double kNoiseStepsAveraged = 2.5;
// Fractions of a tile's samples: edges in the weaker direction for a 2D code (a corner of a
// door or a rectangle has about 7%), edges in one direction for the bars of a linear code.
constexpr double kMin2D = 0.107;
constexpr double kMin1D = 0.213;

// Block averages of `block` x `block` pixels (block 1: the frame sampled every kStep pixels).
struct Grid {
    int width = 0;
    int height = 0;
    int pixelsPerCell = 1; // frame pixels per grid cell
    std::vector<std::uint8_t> cells;
    int at(int x, int y) const { return cells[static_cast<std::size_t>(y) * width + x]; }
};

Grid gridOf(const camera::LumaView& frame, int block) {
    Grid grid;
    const int step = block == 1 ? kStep : block;
    grid.pixelsPerCell = step;
    grid.width = frame.width() / step;
    grid.height = frame.height() / step;
    grid.cells.resize(static_cast<std::size_t>(grid.width) * grid.height);
    for (int gy = 0; gy < grid.height; ++gy) {
        for (int gx = 0; gx < grid.width; ++gx) {
            int sum = 0;
            if (block == 1) {
                sum = frame.at(gx * step, gy * step);
            } else {
                for (int y = gy * block; y < (gy + 1) * block; ++y) {
                    for (int x = gx * block; x < (gx + 1) * block; ++x) {
                        sum += frame.at(x, y);
                    }
                }
                sum = (sum + block * block / 2) / (block * block);
            }
            grid.cells[static_cast<std::size_t>(gy) * grid.width + gx] =
                static_cast<std::uint8_t>(sum);
        }
    }
    return grid;
}

} // namespace

double estimateNoise(const camera::LumaView& frame) {
    if (frame.empty() || frame.width() < 8 || frame.height() < 8) {
        return 0.0;
    }
    std::array<int, 256> histogram{};
    int count = 0;
    for (int y = 1; y < frame.height(); y += 4) {
        const std::uint8_t* row = frame.row(y);
        const auto step = static_cast<std::size_t>(frame.pixelStride());
        for (int x = 0; x + 1 < frame.width(); ++x) {
            ++histogram[static_cast<std::size_t>(std::abs(row[(x + 1) * step] - row[x * step]))];
            ++count;
        }
    }
    // The median of |a - b| for two pixels with Gaussian noise sigma is 0.954 sigma; a
    // histogram median with linear interpolation inside the bin keeps small sigmas apart.
    int seen = 0;
    for (int v = 0; v < 256; ++v) {
        const int inBin = histogram[static_cast<std::size_t>(v)];
        if (2 * (seen + inBin) > count) {
            const double within = inBin > 0 ? (count / 2.0 - seen) / inBin : 0.0;
            return std::max(0.0, v - 0.5 + within) / 0.954;
        }
        seen += inBin;
    }
    return 255.0;
}

LocatorResult locateCodeRegions(const camera::LumaView& frame, std::size_t maxRegions) {
    LocatorResult result;
    if (frame.empty() || frame.width() < 2 * kTile || frame.height() < 2 * kTile) {
        return result;
    }
    result.noiseSigma = estimateNoise(frame);
    // Averaging n x n pixels divides the noise by n; a code's modules (2-4 pixels or more)
    // survive 2x2 and mostly 4x4.
    const int block = result.noiseSigma <= 6.0 ? 1 : (result.noiseSigma <= 14.0 ? 2 : 4);
    result.blockSize = block;
    const Grid grid = gridOf(frame, block);
    // The noise of the difference of two cells.
    const double cellNoise = result.noiseSigma / block * std::sqrt(2.0);
    const double steps = block == 1 ? kNoiseSteps : kNoiseStepsAveraged;
    const int strong = std::max(kMinStep, static_cast<int>(std::lround(steps * cellNoise)));

    const int cellsPerTile = kTile / grid.pixelsPerCell;
    const int tilesX = frame.width() / kTile;
    const int tilesY = frame.height() / kTile;
    const int samples = (cellsPerTile - 1) * (cellsPerTile - 1);
    std::vector<std::uint8_t> textured(static_cast<std::size_t>(tilesX) * tilesY, 0);
    int texturedCount = 0;
    for (int ty = 0; ty < tilesY; ++ty) {
        for (int tx = 0; tx < tilesX; ++tx) {
            // Strong steps that turn the other way from the last one along the same row
            // (column): the edges of bars and modules alternate dark/light, while a blurred
            // edge of a door or a sleeve is several steps the same way. Counting strong steps,
            // not summing gradients, keeps sensor noise (many small steps) out.
            int edgesX = 0, edgesY = 0;
            std::array<int, kTile> lastY{};
            for (int y = ty * cellsPerTile; y < (ty + 1) * cellsPerTile - 1; ++y) {
                int lastX = 0;
                for (int x = tx * cellsPerTile; x < (tx + 1) * cellsPerTile - 1; ++x) {
                    const int c = grid.at(x, y);
                    const int dx = grid.at(x + 1, y) - c;
                    if (std::abs(dx) >= strong) {
                        const int sign = dx > 0 ? 1 : -1;
                        edgesX += sign != lastX ? 1 : 0;
                        lastX = sign;
                    }
                    const int dy = grid.at(x, y + 1) - c;
                    if (std::abs(dy) >= strong) {
                        const int sign = dy > 0 ? 1 : -1;
                        int& last = lastY[static_cast<std::size_t>(x - tx * cellsPerTile)];
                        edgesY += sign != last ? 1 : 0;
                        last = sign;
                    }
                }
            }
            const bool is2D = std::min(edgesX, edgesY) >= kMin2D * samples;
            const bool is1D = std::max(edgesX, edgesY) >= kMin1D * samples;
            if (is2D || is1D) {
                textured[static_cast<std::size_t>(ty) * tilesX + tx] = 1;
                ++texturedCount;
            }
        }
    }
    result.flooded = texturedCount * 2 > tilesX * tilesY;
    if (texturedCount == 0 || result.flooded) {
        return result;
    }
    // Connected groups of textured tiles (8-neighbourhood), each as a bounding box.
    struct Group {
        int x0, y0, x1, y1, tiles;
    };
    std::vector<Group> groups;
    std::vector<int> stack;
    for (int start = 0; start < tilesX * tilesY; ++start) {
        if (textured[static_cast<std::size_t>(start)] != 1) {
            continue;
        }
        Group g{tilesX, tilesY, -1, -1, 0};
        stack.assign(1, start);
        textured[static_cast<std::size_t>(start)] = 2;
        while (!stack.empty()) {
            const int at = stack.back();
            stack.pop_back();
            const int x = at % tilesX, y = at / tilesX;
            g.x0 = std::min(g.x0, x);
            g.y0 = std::min(g.y0, y);
            g.x1 = std::max(g.x1, x);
            g.y1 = std::max(g.y1, y);
            ++g.tiles;
            for (int dy = -1; dy <= 1; ++dy) {
                for (int dx = -1; dx <= 1; ++dx) {
                    const int nx = x + dx, ny = y + dy;
                    if (nx >= 0 && ny >= 0 && nx < tilesX && ny < tilesY &&
                        textured[static_cast<std::size_t>(ny) * tilesX + nx] == 1) {
                        textured[static_cast<std::size_t>(ny) * tilesX + nx] = 2;
                        stack.push_back(ny * tilesX + nx);
                    }
                }
            }
        }
        // A lone tile or a one-tile-thin line is the edge of something; a code is a blob of
        // texture. A tilted linear code fills only part of its bounding box (a diagonal band).
        const int boxTiles = (g.x1 - g.x0 + 1) * (g.y1 - g.y0 + 1);
        if (g.tiles >= 3 && g.x1 > g.x0 && g.y1 > g.y0 && 4 * g.tiles >= boxTiles) {
            groups.push_back(g);
        }
    }
    // Groups whose boxes touch or lie one tile apart are one code: a faded or blurred code shows
    // its texture in patches.
    for (bool merged = true; merged;) {
        merged = false;
        for (std::size_t i = 0; i < groups.size() && !merged; ++i) {
            for (std::size_t j = i + 1; j < groups.size() && !merged; ++j) {
                Group& a = groups[i];
                const Group& b = groups[j];
                if (a.x0 <= b.x1 + 2 && b.x0 <= a.x1 + 2 && a.y0 <= b.y1 + 2 && b.y0 <= a.y1 + 2) {
                    a = {std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1),
                         std::max(a.y1, b.y1), a.tiles + b.tiles};
                    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(j));
                    merged = true;
                }
            }
        }
    }
    std::sort(groups.begin(), groups.end(),
              [](const Group& a, const Group& b) { return a.tiles > b.tiles; });
    for (const auto& g : groups) {
        if (result.regions.size() >= maxRegions) {
            break;
        }
        // A tile of margin: the quiet zone and finder patterns may sit in untextured tiles.
        // Two in a noisy frame, where a code's border tiles drown in the noise.
        const int margin = block == 1 ? 1 : 2;
        const int x0 = std::max(0, (g.x0 - margin) * kTile);
        const int y0 = std::max(0, (g.y0 - margin) * kTile);
        const int x1 = std::min(frame.width(), (g.x1 + 1 + margin) * kTile);
        const int y1 = std::min(frame.height(), (g.y1 + 1 + margin) * kTile);
        result.regions.push_back({x0, y0, x1 - x0, y1 - y0});
    }
    return result;
}

std::vector<Region> locateCodes(const camera::LumaView& frame, std::size_t maxRegions,
                                bool* flooded) {
    LocatorResult result = locateCodeRegions(frame, maxRegions);
    if (flooded != nullptr) {
        *flooded = result.flooded;
    }
    return std::move(result.regions);
}

} // namespace doorpost::drivers::decode
