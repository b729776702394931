#include "drivers/decode/strategy_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace doorpost::drivers::decode {
namespace {

// A located region is the same code as last frame's if they overlap this much (a hand moves a
// few dozen pixels between frames; a different card at the same spot is rarely the same size).
constexpr double kSameCode = 0.3;
// A code may drop out of the locator for a frame or two (motion blur at its worst).
constexpr int kFramesToForget = 3;

} // namespace

const char* toString(Strategy strategy) {
    switch (strategy) {
    case Strategy::Denoise:
        return "denoise";
    case Strategy::Rotate:
        return "rotate";
    case Strategy::Normalise:
        return "normalise";
    case Strategy::NormaliseWide:
        return "normalise_wide";
    case Strategy::DeblurLight:
        return "deblur_1.5";
    case Strategy::DeblurMedium:
        return "deblur_2.5";
    case Strategy::DeblurHeavy:
        return "deblur_3.5";
    case Strategy::Upscale:
        return "upscale";
    case Strategy::Zbar:
        return "zbar";
    case Strategy::Harder:
        return "harder";
    case Strategy::Inverted:
        return "inverted";
    case Strategy::WholeFrame:
        return "whole_frame";
    }
    return "?";
}

std::vector<Strategy> orderStrategies(const RegionTraits& traits, std::size_t* required) {
    std::vector<Strategy> order;
    const auto add = [&](Strategy s) {
        if (std::find(order.begin(), order.end(), s) == order.end()) {
            order.push_back(s);
        }
    };
    const RegionProbe& p = traits.probe;
    // Noisy for the code in view: a dim code (a third of the contrast) drowns in a third of the
    // noise. A dim hall's noise (over 6 grey levels, where the locator averages blocks) always:
    // the probe's contrast there is mostly the noise's own, and a dim faded QR read on one frame
    // in four after smoothing, which ran on one frame in four behind the deblurring it seemed
    // to need.
    const bool noisy = traits.noiseSigma >= 7.5 ||
                       (traits.noiseSigma >= 4.0 && traits.noiseSigma >= 0.12 * p.contrast);
    // Bars that lean: a linear or stacked code (edges mostly one way) off the row direction.
    const double lean = std::abs(p.edgeAngleDeg);
    const bool leaning = p.coherence >= 0.2 && lean > 4.0 && lean < 86.0;
    // A Gaussian blur of sigma s widens a sharp edge (~2 px here) to about 2.55 s.
    const double blurSigma = p.edgeWidth / 2.55;
    if (noisy) {
        add(Strategy::Denoise);
    }
    if (leaning) {
        add(Strategy::Rotate);
    }
    if (required != nullptr) {
        *required = order.size();
    }
    if (!noisy && blurSigma >= 1.2) {
        const std::array<Strategy, 3> deblur{Strategy::DeblurLight, Strategy::DeblurMedium,
                                             Strategy::DeblurHeavy};
        const std::array<double, 3> sigmas{1.5, 2.5, 3.5};
        std::array<int, 3> byDistance{0, 1, 2};
        std::sort(byDistance.begin(), byDistance.end(), [&](int a, int b) {
            return std::abs(sigmas[static_cast<std::size_t>(a)] - blurSigma) <
                   std::abs(sigmas[static_cast<std::size_t>(b)] - blurSigma);
        });
        for (const int i : byDistance) {
            add(deblur[static_cast<std::size_t>(i)]);
        }
    }
    // Local normalisation is cheap and what glare, faded print and dark frames need; no probe
    // measures a faded code's contrast well (the card's edge is in the region too).
    // Bars (PDF417 rows, wide Code128 bars) normalise better over the wider window, matrix
    // codes next to a glare spot over the smaller one.
    add(p.coherence >= 0.2 ? Strategy::NormaliseWide : Strategy::Normalise);
    if (!noisy && blurSigma < 2.0) {
        // A clean, sharp region that did not read may be part of a code (the locator stops
        // short of a wide code's sparse ends): the whole frame, at full size.
        add(Strategy::WholeFrame);
    }
    if (p.coherence >= 0.2 && blurSigma < 2.0) {
        // Bars: ZXing's harder search scans every row, which reads soft and short codes.
        add(Strategy::Harder);
    }
    add(Strategy::NormaliseWide);
    add(Strategy::Normalise);
    add(Strategy::Zbar);
    add(Strategy::Upscale);
    add(Strategy::Denoise);
    add(Strategy::Rotate);
    add(Strategy::Harder);
    add(Strategy::DeblurLight);
    add(Strategy::DeblurMedium);
    add(Strategy::DeblurHeavy);
    add(Strategy::Inverted);
    add(Strategy::WholeFrame);
    return order;
}

double overlap(const Region& a, const Region& b) {
    const int x0 = std::max(a.left, b.left), y0 = std::max(a.top, b.top);
    const int x1 = std::min(a.left + a.width, b.left + b.width);
    const int y1 = std::min(a.top + a.height, b.top + b.height);
    if (x1 <= x0 || y1 <= y0) {
        return 0.0;
    }
    const double inter = static_cast<double>(x1 - x0) * (y1 - y0);
    const double uni =
        static_cast<double>(a.width) * a.height + static_cast<double>(b.width) * b.height - inter;
    return inter / uni;
}

void StrategySchedule::beginFrame(const std::optional<Region>& region, const RegionTraits& traits) {
    if (!region) {
        if (++m_framesWithout >= kFramesToForget) {
            reset();
        }
        return;
    }
    m_framesWithout = 0;
    if (!m_region || overlap(*m_region, *region) < kSameCode) {
        m_tried.fill(false);
        m_framesOnCode = 0;
    }
    ++m_framesOnCode;
    m_region = region;
    // Re-ordered on every frame: what the region looks like changes (motion blur settles), the
    // round's record of what was tried does not.
    m_order = orderStrategies(traits, &m_required);
    if (std::all_of(m_order.begin() + static_cast<std::ptrdiff_t>(m_required), m_order.end(),
                    [&](Strategy s) { return m_tried[static_cast<std::size_t>(s)]; })) {
        m_tried.fill(false);
    }
}

std::vector<Strategy> StrategySchedule::pending() const {
    std::vector<Strategy> left(m_order.begin(),
                               m_order.begin() + static_cast<std::ptrdiff_t>(m_required));
    for (std::size_t i = m_required; i < m_order.size(); ++i) {
        if (!m_tried[static_cast<std::size_t>(m_order[i])]) {
            left.push_back(m_order[i]);
        }
    }
    return left;
}

void StrategySchedule::tried(Strategy strategy) {
    m_tried[static_cast<std::size_t>(strategy)] = true;
}

void StrategySchedule::newRound() {
    m_tried.fill(false);
}

void StrategySchedule::readDone() {
    m_tried.fill(false);
}

void StrategySchedule::reset() {
    m_region.reset();
    m_order.clear();
    m_required = 0;
    m_tried.fill(false);
    m_framesOnCode = 0;
    m_framesWithout = 0;
}

} // namespace doorpost::drivers::decode
