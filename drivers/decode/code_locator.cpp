#include "drivers/decode/code_locator.hpp"

#include <algorithm>
#include <cstdlib>

namespace doorpost::drivers::decode {
namespace {

constexpr int kTile = 32;       // frame pixels per tile side
constexpr int kStep = 2;        // gradients are sampled every 2nd pixel of every 2nd row
constexpr int kStrongEdge = 24; // a grey-level step that counts as an edge
constexpr int kMinEdges2D =
    24; // edges per tile in the weaker direction: a 2D code (a corner has ~15)
constexpr int kMinEdges1D = 48; // edges per tile in one direction: bars of a linear code

} // namespace

std::vector<Region> locateCodes(const camera::LumaView& frame, std::size_t maxRegions,
                                bool* flooded) {
    std::vector<Region> regions;
    if (frame.empty() || frame.width() < 2 * kTile || frame.height() < 2 * kTile) {
        return regions;
    }
    const int tilesX = frame.width() / kTile;
    const int tilesY = frame.height() / kTile;
    std::vector<std::uint8_t> textured(static_cast<std::size_t>(tilesX) * tilesY, 0);
    int texturedCount = 0;
    for (int ty = 0; ty < tilesY; ++ty) {
        for (int tx = 0; tx < tilesX; ++tx) {
            int edgesX = 0, edgesY = 0;
            for (int y = ty * kTile; y < (ty + 1) * kTile - kStep; y += kStep) {
                for (int x = tx * kTile; x < (tx + 1) * kTile - kStep; x += kStep) {
                    const int c = frame.at(x, y);
                    edgesX += std::abs(frame.at(x + kStep, y) - c) >= kStrongEdge ? 1 : 0;
                    edgesY += std::abs(frame.at(x, y + kStep) - c) >= kStrongEdge ? 1 : 0;
                }
            }
            // Counting strong steps, not summing gradients, keeps sensor noise (many small
            // steps) from looking like a code.
            const bool is2D = std::min(edgesX, edgesY) >= kMinEdges2D;
            const bool is1D = std::max(edgesX, edgesY) >= kMinEdges1D;
            if (is2D || is1D) {
                textured[static_cast<std::size_t>(ty) * tilesX + tx] = 1;
                ++texturedCount;
            }
        }
    }
    if (flooded != nullptr) {
        *flooded = texturedCount * 2 > tilesX * tilesY;
    }
    if (texturedCount == 0 || texturedCount * 2 > tilesX * tilesY) {
        return regions;
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
        // A lone tile, a one-tile-thin line or a sparse L of tiles is the edge of something;
        // a code is a compact blob of texture.
        const int boxTiles = (g.x1 - g.x0 + 1) * (g.y1 - g.y0 + 1);
        if (g.tiles >= 3 && g.x1 > g.x0 && g.y1 > g.y0 && 2 * g.tiles >= boxTiles) {
            groups.push_back(g);
        }
    }
    std::sort(groups.begin(), groups.end(),
              [](const Group& a, const Group& b) { return a.tiles > b.tiles; });
    for (const auto& g : groups) {
        if (regions.size() >= maxRegions) {
            break;
        }
        // One tile of margin: the quiet zone and finder patterns may sit in untextured tiles.
        const int x0 = std::max(0, (g.x0 - 1) * kTile);
        const int y0 = std::max(0, (g.y0 - 1) * kTile);
        const int x1 = std::min(frame.width(), (g.x1 + 2) * kTile);
        const int y1 = std::min(frame.height(), (g.y1 + 2) * kTile);
        regions.push_back({x0, y0, x1 - x0, y1 - y0});
    }
    return regions;
}

} // namespace doorpost::drivers::decode
