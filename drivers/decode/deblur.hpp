#pragma once
// Undoing focus and motion blur on a located code. A phone held too close, or a camera focused
// on the room behind, blurs a code roughly like a Gaussian; its fine modules are then only a few
// grey levels apart, which no binarizer separates. A Wiener filter (the inverse of the blur,
// limited where the blur left nothing but quantisation noise) brings them back. A Gaussian is
// separable and so is this inverse: two 1-D passes of a few dozen taps over a few hundred pixels
// square, a fraction of a millisecond.

#include "drivers/decode/float_plane.hpp"

#include <vector>

namespace doorpost::drivers::decode {

struct DeblurSpec {
    double sigma = 2.5;   // of the blur to undo, in pixels
    double lambda = 1e-3; // regularisation: larger is safer with noise, smaller sharper
    bool vertical = true; // false: rows only (bars of a linear or stacked code stand upright)
};

// The 1-D Wiener inverse of a Gaussian of `sigma`: frequency response H / (H^2 + lambda),
// truncated where it has died out and normalised to keep the mean grey.
std::vector<float> wienerKernel(double sigma, double lambda);

class Deblurrer {
public:
    // Deblurs `plane` in place.
    void apply(FloatPlane& plane, const DeblurSpec& spec);

private:
    struct Cached {
        double sigma;
        double lambda;
        std::vector<float> kernel;
    };
    const std::vector<float>& kernelFor(double sigma, double lambda);

    std::vector<Cached> m_kernels;
    std::vector<float> m_scratch;
};

} // namespace doorpost::drivers::decode
