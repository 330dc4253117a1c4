#pragma once
// Fused activations become clamp bounds on the quantized output (TFLite
// CalculateActivationRangeQuantized: 6.0f / scale divided in float, rounded half away from zero).
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/quant/multiplier.hpp"

namespace mote::quant {

struct ClampRange {
    std::int32_t min = -128;
    std::int32_t max = 127;
};

constexpr ClampRange activation_range_int8(Activation a, QuantParams out) {
    const auto quantize = [&](float real) {
        const float q = real / out.scale;
        return out.zero_point + static_cast<std::int32_t>(round_half_away(static_cast<double>(q)));
    };
    ClampRange r{};
    if (a == Activation::relu || a == Activation::relu6) {
        const std::int32_t zero = quantize(0.0f);
        r.min = zero > -128 ? zero : -128;
    }
    if (a == Activation::relu6) {
        const std::int32_t six = quantize(6.0f);
        r.max = six < 127 ? six : 127;
    }
    return r;
}

struct FloatRange {
    float min, max;
};

constexpr FloatRange activation_range_float(Activation a) {
    constexpr float inf = __builtin_huge_valf();
    switch (a) {
        case Activation::relu: return {0.0f, inf};
        case Activation::relu6: return {0.0f, 6.0f};
        default: return {-inf, inf};
    }
}

}  // namespace mote::quant
