// Requantization math pinned at compile time, including TFLite's edge cases.
#include <mote/quant/requantize.hpp>

using mote::quant::Multiplier;
using mote::quant::multiply_by_quantized_multiplier;
using mote::quant::quantize_multiplier;
using mote::quant::rounding_divide_by_pot;
using mote::quant::saturating_rounding_doubling_high_mul;

static_assert(quantize_multiplier(0.0) == Multiplier{0, 0});
static_assert(quantize_multiplier(0.5) == Multiplier{1 << 30, 0});
static_assert(quantize_multiplier(1.0) == Multiplier{1 << 30, 1});
static_assert(quantize_multiplier(0.75) == Multiplier{1610612736, 0});
// A mantissa that rounds up to 2^31 is halved and the exponent bumped.
static_assert(quantize_multiplier(0.99999999999) == Multiplier{1 << 30, 1});
// Below 2^-32 the multiplier flushes to zero.
static_assert(quantize_multiplier(1e-11) == Multiplier{0, 0});
static_assert(quantize_multiplier(3e-10).exponent == -31);

// SRDHM rounds ties away from zero for positive products, toward zero for negative ones.
static_assert(saturating_rounding_doubling_high_mul(3, 1 << 30) == 2);
static_assert(saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);
static_assert(saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
// Rounding shift: ties away from zero.
static_assert(rounding_divide_by_pot(5, 1) == 3 && rounding_divide_by_pot(-5, 1) == -3);
static_assert(rounding_divide_by_pot(-6, 2) == -2 && rounding_divide_by_pot(6, 2) == 2);
// Two roundings: 379 / 2 after the high multiply -> 190 (the MEAN example of ops/README.md).
static_assert(rounding_divide_by_pot(379, 1) == 190);
// A left shift happens before the high multiply.
static_assert(multiply_by_quantized_multiplier(100, 1 << 30, 2) == 200);
static_assert(multiply_by_quantized_multiplier(100, 1 << 30, -2) == 13);

int main() {}
