#pragma once
// LEAKY_RELU (TFLite Micro reference).
//
// int8: d = q − zp_in; out = zp_out + MultiplyByQuantizedMultiplier(d, M) with M the identity
// multiplier s_in / s_out for d ≥ 0 and the alpha multiplier s_in · alpha / s_out for d < 0,
// clamped to [−128, 127]. Both real ratios are formed in float32 (in that order of operations)
// and then widened to double; each gets its own QuantizeMultiplier pair. A negative alpha gives
// a negative multiplier, which the arithmetic handles as TFLite's does.
// float: x > 0 ? x : x · alpha.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct LeakyReluParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    quant::Multiplier identity{};  // for q ≥ zp_in
    quant::Multiplier alpha{};     // for q < zp_in
    const char* error = nullptr;
};

constexpr LeakyReluParams make_leaky_relu_params(QuantParams in, QuantParams out, float alpha) {
    LeakyReluParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: LeakyRelu: invalid int8 quantization parameters";
        return p;
    }
    // Ranges checked in double first, so that no float32 step below overflows (in a constant
    // expression that would be a compile error without this message). Ratios beyond 2^31 need
    // shifts beyond 31.
    constexpr double float_max = 3.4028234663852886e38, ratio_max = 2147483648.0;
    const double product = static_cast<double>(in.scale) * static_cast<double>(alpha);
    if (!(product >= -float_max && product <= float_max)) {
        p.error = "mote: LeakyRelu: alpha out of range";
        return p;
    }
    const double identity_bound = static_cast<double>(in.scale) / static_cast<double>(out.scale);
    const double alpha_bound = product / static_cast<double>(out.scale);
    if (identity_bound > ratio_max || alpha_bound > ratio_max || alpha_bound < -ratio_max) {
        p.error = "mote: LeakyRelu: requantization shift out of range";
        return p;
    }
    p.identity = quant::quantize_multiplier(static_cast<double>(in.scale / out.scale));
    p.alpha = quant::quantize_multiplier(static_cast<double>(in.scale * alpha / out.scale));
    if (p.identity.exponent > 31 || p.identity.exponent < -31 || p.alpha.exponent > 31 ||
        p.alpha.exponent < -31) {
        p.error = "mote: LeakyRelu: requantization shift out of range";
        return p;
    }
    p.input_zero_point = in.zero_point;
    p.output_zero_point = out.zero_point;
    return p;
}

constexpr std::int8_t leaky_relu_value(const LeakyReluParams& p, std::int8_t q) {
    const std::int32_t d = static_cast<std::int32_t>(q) - p.input_zero_point;
    std::int32_t v = p.output_zero_point + quant::requantize(d, d >= 0 ? p.identity : p.alpha);
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::int8_t>(v);
}

constexpr void leaky_relu(float alpha, const float* in, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : in[i] * alpha;
}

}  // namespace mote::reference
