#pragma once
// HARD_SWISH: x · relu6(x + 3) / 6 (TFLite Micro reference).
//
// int8, in 16-bit fixed point:
//   hires   = (q − zp_in) · 2^7                          (input on the scale s_in / 128)
//   pre_out = SRDHM16(hires, M_out)                      (on the output scale before its shift)
//   reluish = hires rescaled by M_relu · 2^e_relu to the scale where 3.0 is 2^15, saturating to
//             int16 ([−3, 3] → [−1, 1]), then mapped to [0, 1] as (reluish + 2^15) / 2 (Q0.15)
//   out     = RoundingDivideByPOT(truncating doubling high mul(reluish, pre_out), −e_out) + zp_out
// where M_out · 2^e_out = (s_in / 128) / s_out and M_relu · 2^e_relu = (s_in / 128) / (3 / 2^15),
// each ratio divided in float32 and widened to double, quantized by QuantizeMultiplier and
// rounded to 16 bits (DownScaleInt32ToInt16Multiplier). A positive e_relu is applied as a
// saturating left shift by e_relu − 1 before the multiply and by 1 after it, so any saturation
// happens in the last step. TFLite adds zp_out in int16; it cannot overflow there
// (|RoundingDivideByPOT(...)| ≤ 32639), so the sum is formed in int32 before the clamp.
// TFLite requires e_out ≤ 0. We also require e_out ≥ −15 and −15 ≤ e_relu ≤ 31: beyond them
// TFLite's 16-bit rounding shift (or its `1 << shift`) is undefined or degenerate; no calibrated
// model gets there (it takes s_out > 512 · s_in, s_in < 1.8e−7 or s_in > 2.5e7).
// float: x · min(6, max(0, x + 3)) / 6, in that order.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct HardSwishParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    std::int16_t output_multiplier = 0;   // Q0.15
    int output_exponent = 0;              // in [−15, 0]: a rounding right shift
    std::int16_t reluish_multiplier = 0;  // Q0.15
    int reluish_exponent = 0;             // in [−15, 31]
    const char* error = nullptr;
};

namespace hard_swish_detail {

// TFLite DownScaleInt32ToInt16Multiplier: the 32-bit multiplier rounded to its top 16 bits.
constexpr std::int16_t downscale_to_int16(std::int32_t m) {
    constexpr std::int32_t rounding = 1 << 15;
    if (m >= INT32_MAX - rounding) return INT16_MAX;
    return static_cast<std::int16_t>((m + rounding) >> 16);
}

// gemmlowp's int16 SaturatingRoundingDoublingHighMul: round(a·b / 2^15) with the int32 version's
// rounding. The int32 function on a·2^16 computes exactly that value; the one input pair where
// the two differ (a = b = −32768, saturated in int16) cannot occur here: |hires| ≤ 32640 and the
// multipliers are positive.
constexpr std::int16_t rounding_doubling_high_mul(std::int16_t a, std::int16_t b) {
    return static_cast<std::int16_t>(quant::saturating_rounding_doubling_high_mul(a * 65536, b));
}

// TFLite SaturatingDoublingHighMul: a·b / 2^15 truncated toward zero (SQDMULH), no rounding.
// reluish ≥ 0 keeps it off the one saturating pair.
constexpr std::int16_t truncating_doubling_high_mul(std::int16_t a, std::int16_t b) {
    return static_cast<std::int16_t>((static_cast<std::int32_t>(a) * b) / (1 << 15));
}

constexpr std::int16_t saturating_left_shift(std::int16_t v, int amount) {
    const std::int64_t r = static_cast<std::int64_t>(v) * (std::int64_t{1} << amount);
    return static_cast<std::int16_t>(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

}  // namespace hard_swish_detail

constexpr HardSwishParams make_hard_swish_params(QuantParams in, QuantParams out) {
    HardSwishParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: HardSwish: invalid int8 quantization parameters";
        return p;
    }
    const float hires_input_scale = (1.0f / 128.0f) * in.scale;
    const float reluish_scale = 3.0f / 32768.0f;
    // Bounded in double first, so that the float32 quotients below cannot overflow.
    if (static_cast<double>(hires_input_scale) / static_cast<double>(out.scale) > 2.0) {
        p.error = "mote: HardSwish: output scale too small for the input scale (TFLite needs "
                  "s_out > about s_in / 128)";
        return p;
    }
    if (static_cast<double>(hires_input_scale) / static_cast<double>(reluish_scale) > 2147483648.0) {
        p.error = "mote: HardSwish: input scale out of range";
        return p;
    }
    const quant::Multiplier output =
        quant::quantize_multiplier(static_cast<double>(hires_input_scale / out.scale));
    const quant::Multiplier reluish =
        quant::quantize_multiplier(static_cast<double>(hires_input_scale / reluish_scale));
    if (output.exponent > 0 || output.exponent < -15) {
        p.error = "mote: HardSwish: output scale out of range for the input scale (needs about "
                  "s_in / 128 < s_out <= 512 s_in)";
        return p;
    }
    if (reluish.exponent > 31 || reluish.exponent < -15) {
        p.error = "mote: HardSwish: input scale out of range";
        return p;
    }
    p.input_zero_point = in.zero_point;
    p.output_zero_point = out.zero_point;
    p.output_multiplier = hard_swish_detail::downscale_to_int16(output.multiplier);
    p.output_exponent = output.exponent;
    p.reluish_multiplier = hard_swish_detail::downscale_to_int16(reluish.multiplier);
    p.reluish_exponent = reluish.exponent;
    return p;
}

constexpr std::int8_t hard_swish_value(const HardSwishParams& p, std::int8_t q) {
    using namespace hard_swish_detail;
    const auto hires = static_cast<std::int16_t>((q - p.input_zero_point) * (1 << 7));
    const std::int16_t pre_out = rounding_doubling_high_mul(hires, p.output_multiplier);
    std::int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, p.reluish_exponent - 1);
    reluish = rounding_doubling_high_mul(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = saturating_left_shift(reluish, 1);
    if (p.reluish_exponent < 0)
        reluish = static_cast<std::int16_t>(quant::rounding_divide_by_pot(reluish, -p.reluish_exponent));
    reluish = static_cast<std::int16_t>((reluish + (1 << 15)) >> 1);  // [−1, 1] → [0, 1]
    const std::int16_t pre_shift = truncating_doubling_high_mul(reluish, pre_out);
    const std::int32_t v = quant::rounding_divide_by_pot(pre_shift, -p.output_exponent) + p.output_zero_point;
    return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

constexpr void hard_swish(const float* in, float* out, int n) {
    for (int i = 0; i < n; ++i) {
        const float x = in[i];
        const float shifted = x + 3.0f;
        const float relu6 = shifted > 0.0f ? (shifted < 6.0f ? shifted : 6.0f) : 0.0f;
        out[i] = x * relu6 / 6.0f;
    }
}

}  // namespace mote::reference
