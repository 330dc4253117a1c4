#pragma once
// Fixed-point requantization exactly as TFLite's reference kernels do it (no
// TFLITE_SINGLE_ROUNDING): a saturating rounding doubling high multiply, then a rounding
// arithmetic right shift. Two roundings; the golden outputs depend on both.
#include <cstdint>
#include <limits>

#include "mote/quant/multiplier.hpp"

namespace mote::quant {

// round(a·b / 2^31) with ties away from zero; the single overflow case saturates.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
    if (a == b && a == std::numeric_limits<std::int32_t>::min())
        return std::numeric_limits<std::int32_t>::max();
    const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
    const std::int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
    return static_cast<std::int32_t>((ab + nudge) / (1LL << 31));  // truncating division
}

// x / 2^exponent rounded to nearest, ties away from zero (exponent in [0, 31]).
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
    const std::int32_t mask = static_cast<std::int32_t>((1LL << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite MultiplyByQuantizedMultiplier: x · multiplier · 2^(exponent − 31).
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier,
                                                        int exponent) {
    const int left = exponent > 0 ? exponent : 0;
    const int right = exponent > 0 ? 0 : -exponent;
    const auto shifted = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

constexpr std::int32_t requantize(std::int32_t x, Multiplier m) {
    return multiply_by_quantized_multiplier(x, m.multiplier, m.exponent);
}

}  // namespace mote::quant
