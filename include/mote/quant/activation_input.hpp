#pragma once
// Input scaling for the int8 Logistic and Tanh kernels (TFLite logistic_common / tanh_common):
// (q − zp) is mapped to Q4.27 by the multiplier for s_in · 2^27, and inputs with
// |q − zp| ≥ radius skip the fixed-point math (they saturate the output).
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/multiplier_range.hpp"

namespace mote::quant {

inline constexpr int activation_input_integer_bits = 4;  // Q4.27

struct ActivationInputScaling {
    std::int32_t zero_point = 0;
    std::int32_t radius = 0;  // |q − zp| ≥ radius: saturated
    Multiplier multiplier{};  // s_in · 2^27, as frexp + round (the exponent is a left shift)
};

// TFLite uses frexp and round directly (no 2^31 fix-up); for a float32 scale the rounded
// mantissa cannot reach 2^31, so quantize_multiplier gives the same pair.
constexpr ActivationInputScaling make_activation_input_scaling(QuantParams in) {
    const double real = static_cast<double>(in.scale) *
                        static_cast<double>(1 << (31 - activation_input_integer_bits));
    const Multiplier m = quantize_multiplier(real);
    return {in.zero_point, input_radius(activation_input_integer_bits, m.exponent), m};
}

}  // namespace mote::quant
