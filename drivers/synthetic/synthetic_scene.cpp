#include "drivers/synthetic/synthetic_scene.hpp"

#include "drivers/decode/zxing_formats.hpp"
#include "drivers/synthetic/splitmix.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <algorithm>
#include <array>
#include <cmath>
#include <exception>
#include <numbers>
#include <vector>

namespace doorpost::drivers::synthetic {
namespace {

// The code as a grid of modules (true = dark), with a quiet zone, as drawn on the card.
struct ModuleGrid {
    int width = 0;
    int height = 0;
    double rowScale = 1.0; // linear codes are stretched vertically
    std::vector<std::uint8_t> dark;
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y) * width + x] != 0; }
};

DriverResult<ModuleGrid> encode(const CodePayload& payload) {
    ZXing::BitMatrix matrix;
    try {
        matrix = ZXing::MultiFormatWriter(decode::toZxing(payload.format))
                     .setMargin(0)
                     .encode(payload.text, 0, 0);
    } catch (const std::exception& error) {
        return DriverError{DriverErrorKind::BadInput, std::string("cannot encode payload as ") +
                                                          toString(payload.format) + ": " +
                                                          error.what()};
    }
    const bool linear = matrix.height() == 1;
    const int quiet = linear ? 10 : (payload.format == decode::CodeFormat::QRCode ? 4 : 2);
    ModuleGrid grid;
    grid.width = matrix.width() + 2 * quiet;
    const int codeHeight = linear ? std::max(20, matrix.width() / 4) : matrix.height();
    const int quietY = linear ? 3 : quiet;
    grid.height = codeHeight + 2 * quietY;
    grid.dark.assign(static_cast<std::size_t>(grid.width) * grid.height, 0);
    for (int y = 0; y < codeHeight; ++y) {
        for (int x = 0; x < matrix.width(); ++x) {
            const bool set = matrix.get(x, linear ? 0 : y);
            grid.dark[static_cast<std::size_t>(y + quietY) * grid.width + x + quiet] = set ? 1 : 0;
        }
    }
    return grid;
}

using Mat3 = std::array<double, 9>;

// Solves the 8 unknowns of the homography taking src[i] to dst[i] (Gaussian elimination).
Mat3 homography(const std::array<double, 8>& src, const std::array<double, 8>& dst) {
    double a[8][9] = {};
    for (int i = 0; i < 4; ++i) {
        const double x = src[2 * i], y = src[2 * i + 1], u = dst[2 * i], v = dst[2 * i + 1];
        double* r1 = a[2 * i];
        double* r2 = a[2 * i + 1];
        r1[0] = x;
        r1[1] = y;
        r1[2] = 1;
        r1[6] = -u * x;
        r1[7] = -u * y;
        r1[8] = u;
        r2[3] = x;
        r2[4] = y;
        r2[5] = 1;
        r2[6] = -v * x;
        r2[7] = -v * y;
        r2[8] = v;
    }
    for (int c = 0; c < 8; ++c) {
        int pivot = c;
        for (int r = c + 1; r < 8; ++r) {
            if (std::abs(a[r][c]) > std::abs(a[pivot][c])) {
                pivot = r;
            }
        }
        std::swap(a[c], a[pivot]);
        for (int r = 0; r < 8; ++r) {
            if (r != c && a[c][c] != 0.0) {
                const double f = a[r][c] / a[c][c];
                for (int k = c; k < 9; ++k) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
    }
    Mat3 h{};
    for (int i = 0; i < 8; ++i) {
        h[static_cast<std::size_t>(i)] = a[i][i] != 0.0 ? a[i][8] / a[i][i] : 0.0;
    }
    h[8] = 1.0;
    return h;
}

// A separable Gaussian with a kernel out to 3 sigma (exact for small sigmas, unlike box passes).
void gaussianBlur(std::vector<float>& img, int w, int h, double sigma) {
    if (sigma <= 0.05) {
        return;
    }
    const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * sigma)));
    std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
    float total = 0;
    for (int i = -radius; i <= radius; ++i) {
        const auto k = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
        kernel[static_cast<std::size_t>(i + radius)] = k;
        total += k;
    }
    for (auto& k : kernel) {
        k /= total;
    }
    std::vector<float> tmp(img.size());
    for (int y = 0; y < h; ++y) {
        const float* in = img.data() + static_cast<std::size_t>(y) * w;
        float* out = tmp.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            float sum = 0;
            for (int i = -radius; i <= radius; ++i) {
                sum +=
                    kernel[static_cast<std::size_t>(i + radius)] * in[std::clamp(x + i, 0, w - 1)];
            }
            out[x] = sum;
        }
    }
    for (int y = 0; y < h; ++y) {
        float* out = img.data() + static_cast<std::size_t>(y) * w;
        for (int x = 0; x < w; ++x) {
            out[x] = 0;
        }
        for (int i = -radius; i <= radius; ++i) {
            const float k = kernel[static_cast<std::size_t>(i + radius)];
            const float* in =
                tmp.data() + static_cast<std::size_t>(std::clamp(y + i, 0, h - 1)) * w;
            for (int x = 0; x < w; ++x) {
                out[x] += k * in[x];
            }
        }
    }
}

// Corners of the card in the frame: turned about the vertical axis in 3D, projected, then
// rotated in the image plane.
std::array<double, 8> cardCorners(const ModuleGrid& g, const SceneSpec& spec) {
    const Degradation& d = spec.degradation;
    const double s = d.moduleSize;
    const double halfW = g.width * s / 2.0;
    const double halfH = g.height * s / 2.0;
    const double cx = spec.centerX * spec.width;
    const double cy = spec.centerY * spec.height;
    const double tilt = d.tiltDeg * std::numbers::pi / 180.0;
    const double rot = d.rotationDeg * std::numbers::pi / 180.0;
    const double focal = 1.2 * spec.width;
    const std::array<double, 8> src{0,
                                    0,
                                    static_cast<double>(g.width),
                                    0,
                                    static_cast<double>(g.width),
                                    static_cast<double>(g.height),
                                    0,
                                    static_cast<double>(g.height)};
    std::array<double, 8> dst{};
    for (int i = 0; i < 4; ++i) {
        const double px = src[2 * i] * s - halfW;
        const double py = src[2 * i + 1] * s - halfH;
        const double x3 = px * std::cos(tilt);
        const double z3 = px * std::sin(tilt);
        const double xp = focal * x3 / (focal + z3);
        const double yp = focal * py / (focal + z3);
        dst[2 * i] = cx + xp * std::cos(rot) - yp * std::sin(rot);
        dst[2 * i + 1] = cy + xp * std::sin(rot) + yp * std::cos(rot);
    }
    return dst;
}

} // namespace

DriverResult<CodeBounds> codeBounds(const SceneSpec& spec) {
    if (!spec.code) {
        return DriverError{DriverErrorKind::BadInput, "scene has no code"};
    }
    auto grid = encode(*spec.code);
    if (!grid) {
        return grid.error();
    }
    const auto corners = cardCorners(grid.value(), spec);
    CodeBounds bounds{corners[0], corners[1], corners[0], corners[1]};
    for (int i = 1; i < 4; ++i) {
        bounds.left = std::min(bounds.left, corners[2 * i]);
        bounds.right = std::max(bounds.right, corners[2 * i]);
        bounds.top = std::min(bounds.top, corners[2 * i + 1]);
        bounds.bottom = std::max(bounds.bottom, corners[2 * i + 1]);
    }
    return bounds;
}

DriverResult<camera::LumaImage> renderScene(const SceneSpec& spec) {
    if (spec.width <= 0 || spec.height <= 0 || spec.width > 8192 || spec.height > 8192) {
        return DriverError{DriverErrorKind::BadInput, "scene size out of range"};
    }
    const int w = spec.width;
    const int h = spec.height;
    const Degradation& d = spec.degradation;
    SplitMix rng(spec.seed * 0x2545F4914F6CDD1Dull + 7);

    // Background: a soft gradient with a few darker and lighter rectangles (doors, clothes).
    std::vector<float> img(static_cast<std::size_t>(w) * h);
    const double g0 = 70 + 40 * rng.uniform();
    const double gx = 40 * (rng.uniform() - 0.5);
    const double gy = 40 * (rng.uniform() - 0.5);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            img[static_cast<std::size_t>(y) * w + x] =
                static_cast<float>(g0 + gx * x / w + gy * y / h);
        }
    }
    const int rects = 6 + static_cast<int>(rng.next() % 6);
    for (int r = 0; r < rects; ++r) {
        const int rx = static_cast<int>(rng.uniform() * w);
        const int ry = static_cast<int>(rng.uniform() * h);
        const int rw = 20 + static_cast<int>(rng.uniform() * w / 3);
        const int rh = 20 + static_cast<int>(rng.uniform() * h / 3);
        const float level = static_cast<float>(30 + 150 * rng.uniform());
        for (int y = ry; y < std::min(h, ry + rh); ++y) {
            for (int x = rx; x < std::min(w, rx + rw); ++x) {
                img[static_cast<std::size_t>(y) * w + x] = level;
            }
        }
    }

    double glareX = 0, glareY = 0, glareRadius = 1;
    if (spec.code) {
        auto grid = encode(*spec.code);
        if (!grid) {
            return grid.error();
        }
        const ModuleGrid& g = grid.value();
        const double halfW = g.width * d.moduleSize / 2.0;
        const double halfH = g.height * d.moduleSize / 2.0;
        const double cx = spec.centerX * w;
        const double cy = spec.centerY * h;
        const std::array<double, 8> src{0,
                                        0,
                                        static_cast<double>(g.width),
                                        0,
                                        static_cast<double>(g.width),
                                        static_cast<double>(g.height),
                                        0,
                                        static_cast<double>(g.height)};
        const std::array<double, 8> dst = cardCorners(g, spec);
        const Mat3 back = homography(dst, src); // image -> module grid
        double minX = w, minY = h, maxX = 0, maxY = 0;
        for (int i = 0; i < 4; ++i) {
            minX = std::min(minX, dst[2 * i]);
            maxX = std::max(maxX, dst[2 * i]);
            minY = std::min(minY, dst[2 * i + 1]);
            maxY = std::max(maxY, dst[2 * i + 1]);
        }
        const double paper = 225.0;
        const double ink = paper - 200.0 * std::clamp(d.contrast, 0.0, 1.0);
        const int x0 = std::max(0, static_cast<int>(minX) - 1);
        const int x1 = std::min(w - 1, static_cast<int>(maxX) + 1);
        const int y0 = std::max(0, static_cast<int>(minY) - 1);
        const int y1 = std::min(h - 1, static_cast<int>(maxY) + 1);
        for (int y = y0; y <= y1; ++y) {
            for (int x = x0; x <= x1; ++x) {
                // 2x2 supersampling gives the anti-aliased edges a lens would.
                int inside = 0;
                double sum = 0;
                for (int sy = 0; sy < 2; ++sy) {
                    for (int sx = 0; sx < 2; ++sx) {
                        const double fx = x + 0.25 + 0.5 * sx;
                        const double fy = y + 0.25 + 0.5 * sy;
                        const double den = back[6] * fx + back[7] * fy + back[8];
                        const double u = (back[0] * fx + back[1] * fy + back[2]) / den;
                        const double v = (back[3] * fx + back[4] * fy + back[5]) / den;
                        if (u < 0 || v < 0 || u >= g.width || v >= g.height) {
                            continue;
                        }
                        ++inside;
                        sum += g.at(static_cast<int>(u), static_cast<int>(v)) ? ink : paper;
                    }
                }
                if (inside > 0) {
                    float& p = img[static_cast<std::size_t>(y) * w + x];
                    p = static_cast<float>((sum + (4 - inside) * p) / 4.0);
                }
            }
        }
        glareX = cx + (rng.uniform() - 0.5) * halfW;
        glareY = cy + (rng.uniform() - 0.5) * halfH;
        glareRadius = 0.45 * std::min(halfW, halfH);
    }

    gaussianBlur(img, w, h, d.blurSigma);

    camera::LumaImage out(w, h);
    const double glarePeak = 255.0 * std::clamp(d.glare, 0.0, 1.0);
    for (int y = 0; y < h; ++y) {
        std::uint8_t* row = out.row(y);
        for (int x = 0; x < w; ++x) {
            double v = img[static_cast<std::size_t>(y) * w + x] * d.exposure;
            if (glarePeak > 0) {
                const double dx = (x - glareX) / glareRadius;
                const double dy = (y - glareY) / glareRadius;
                v += glarePeak * std::exp(-(dx * dx + dy * dy));
            }
            if (d.noiseSigma > 0) {
                v += d.noiseSigma * rng.gaussian();
            }
            row[x] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
        }
    }
    return out;
}

} // namespace doorpost::drivers::synthetic
