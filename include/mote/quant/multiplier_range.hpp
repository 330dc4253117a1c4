#pragma once
// The range-restricted variants of TFLite's multiplier helpers, used by ADD (smaller than one)
// and SOFTMAX (greater than one). Same rounding as quantize_multiplier /
// multiply_by_quantized_multiplier (double rounding, no TFLITE_SINGLE_ROUNDING); TFLite aborts
// when the real multiplier is outside the range, we report it through `valid`.
#include <cstdint>

#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::quant {

struct CheckedMultiplier {
    Multiplier m;
    bool valid;
};

// QuantizeMultiplierSmallerThanOneExp: real in (0, 1) → exponent ≤ 0 (a right shift).
constexpr CheckedMultiplier quantize_multiplier_smaller_than_one(double real) {
    const Multiplier m = quantize_multiplier(real);
    return {m, real > 0.0 && real < 1.0 && m.exponent <= 0};
}

// QuantizeMultiplierGreaterThanOne: real > 1 → exponent ≥ 0 (a left shift).
constexpr CheckedMultiplier quantize_multiplier_greater_than_one(double real) {
    const Multiplier m = quantize_multiplier(real);
    return {m, real > 1.0 && m.exponent >= 0};
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp: high multiply, then rounding right shift.
constexpr std::int32_t multiply_by_quantized_multiplier_smaller_than_one(std::int32_t x,
                                                                         Multiplier m) {
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m.multiplier),
                                  -m.exponent);
}

// MultiplyByQuantizedMultiplierGreaterThanOne: left shift (32-bit, wrapping as the reference
// build does; callers keep |x| small enough), then high multiply. No final rounding shift.
constexpr std::int32_t multiply_by_quantized_multiplier_greater_than_one(std::int32_t x,
                                                                         Multiplier m) {
    const auto shifted =
        static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << m.exponent);
    return saturating_rounding_doubling_high_mul(shifted, m.multiplier);
}

// TFLite CalculateInputRadius: the largest |input| (in input units) whose rescaled value still
// fits Q(integer_bits).(total_bits − integer_bits) after a left shift by input_left_shift:
// floor((2^integer_bits − 1) · 2^(total_bits − integer_bits) / 2^input_left_shift).
// The quotient by a power of two is exact in double, so integer shifts give the same floor.
constexpr std::int32_t input_radius(int integer_bits, int input_left_shift, int total_bits = 31) {
    const std::int64_t top = ((std::int64_t{1} << integer_bits) - 1) << (total_bits - integer_bits);
    if (input_left_shift >= 0) return static_cast<std::int32_t>(top >> input_left_shift);
    if (input_left_shift <= -32) return INT32_MAX;
    const std::int64_t r = top << -input_left_shift;
    return r > INT32_MAX ? INT32_MAX : static_cast<std::int32_t>(r);
}

}  // namespace mote::quant
