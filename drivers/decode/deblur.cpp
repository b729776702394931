#include "drivers/decode/deblur.hpp"

#include <cmath>
#include <numbers>

namespace doorpost::drivers::decode {

std::vector<float> wienerKernel(double sigma, double lambda) {
    // Sampled on a 512-point period, far longer than the kernel, so the wrap-around is negligible.
    constexpr int kPeriod = 512;
    const int radius = std::min(kPeriod / 2 - 1, static_cast<int>(std::ceil(5.0 * sigma)));
    std::vector<double> response(kPeriod / 2 + 1);
    for (int f = 0; f <= kPeriod / 2; ++f) {
        const double freq = static_cast<double>(f) / kPeriod;
        const double h =
            std::exp(-2.0 * std::numbers::pi * std::numbers::pi * sigma * sigma * freq * freq);
        response[static_cast<std::size_t>(f)] = h / (h * h + lambda);
    }
    std::vector<float> kernel(static_cast<std::size_t>(2 * radius + 1));
    double total = 0.0;
    for (int t = -radius; t <= radius; ++t) {
        // The response is real and even: the inverse transform is a cosine sum.
        double value = response[0];
        for (int f = 1; f < kPeriod / 2; ++f) {
            value += 2.0 * response[static_cast<std::size_t>(f)] *
                     std::cos(2.0 * std::numbers::pi * f * t / kPeriod);
        }
        value += response[kPeriod / 2] * std::cos(std::numbers::pi * t);
        kernel[static_cast<std::size_t>(t + radius)] = static_cast<float>(value / kPeriod);
        total += value / kPeriod;
    }
    for (auto& k : kernel) {
        k = static_cast<float>(k / total);
    }
    return kernel;
}

const std::vector<float>& Deblurrer::kernelFor(double sigma, double lambda) {
    for (const auto& cached : m_kernels) {
        if (cached.sigma == sigma && cached.lambda == lambda) {
            return cached.kernel;
        }
    }
    m_kernels.push_back({sigma, lambda, wienerKernel(sigma, lambda)});
    return m_kernels.back().kernel;
}

void Deblurrer::apply(FloatPlane& plane, const DeblurSpec& spec) {
    const std::vector<float>& kernel = kernelFor(spec.sigma, spec.lambda);
    static const std::vector<float> none;
    convolveSeparable(plane, kernel, spec.vertical ? kernel : none, m_scratch);
}

} // namespace doorpost::drivers::decode
