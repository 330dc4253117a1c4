#pragma once
// Standalone RELU and RELU6 (TFLite Micro reference).
//
// RELU int8 requantizes: out = zp_out + MultiplyByQuantizedMultiplier(q − zp_in, M), clamped to
// [max(−128, zp_out), 127], where M comes from s_in / s_out divided in float32 and then widened
// to double (which can differ in the last multiplier bits from a double division).
// RELU6 int8 ignores the output tensor's parameters: it clamps the raw input to
// [zp_in, min(127, zp_in + round(6 / s_in))] (6.0f / s_in in float32, rounded half away from zero).
// float: max(0, x) and min(max(0, x), 6).
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/activation_range.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct ReluParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    quant::Multiplier multiplier{};
    quant::ClampRange clamp{};
    const char* error = nullptr;
};

constexpr ReluParams make_relu_params(QuantParams in, QuantParams out) {
    ReluParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: ReLU: invalid int8 quantization parameters";
        return p;
    }
    const float ratio = in.scale / out.scale;  // float32 division, as TFLM does it
    p.multiplier = quant::quantize_multiplier(static_cast<double>(ratio));
    if (p.multiplier.exponent > 31 || p.multiplier.exponent < -31) {
        p.error = "mote: ReLU: requantization shift out of range";
        return p;
    }
    p.input_zero_point = in.zero_point;
    p.output_zero_point = out.zero_point;
    p.clamp = quant::activation_range_int8(Activation::relu, out);
    return p;
}

constexpr std::int8_t relu_value(const ReluParams& p, std::int8_t q) {
    std::int32_t v = p.output_zero_point +
                     quant::requantize(static_cast<std::int32_t>(q) - p.input_zero_point, p.multiplier);
    v = v < p.clamp.min ? p.clamp.min : (v > p.clamp.max ? p.clamp.max : v);
    return static_cast<std::int8_t>(v);
}

struct Relu6Params {
    std::int8_t lo = -128;
    std::int8_t hi = 127;
    const char* error = nullptr;
};

// Only the input parameters matter (TFLM's RELU6 copies the clamped input bytes).
constexpr Relu6Params make_relu6_params(QuantParams in) {
    Relu6Params p{};
    if (!quant::valid_int8_quant(in)) {
        p.error = "mote: ReLU6: invalid int8 input quantization";
        return p;
    }
    const float six = 6.0f / in.scale;
    std::int64_t hi = quant::round_half_away(static_cast<double>(six)) + in.zero_point;
    hi = hi > 127 ? 127 : (hi < -128 ? -128 : hi);
    p.lo = static_cast<std::int8_t>(in.zero_point);
    p.hi = static_cast<std::int8_t>(hi);
    return p;
}

constexpr void relu6(const Relu6Params& p, const std::int8_t* in, std::int8_t* out, int n) {
    for (int i = 0; i < n; ++i) {
        const std::int8_t v = in[i];
        out[i] = v > p.hi ? p.hi : (v < p.lo ? p.lo : v);
    }
}

constexpr void relu(const float* in, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = in[i] < 0.0f ? 0.0f : in[i];
}

constexpr void relu6(const float* in, float* out, int n) {
    for (int i = 0; i < n; ++i) {
        const float v = in[i];
        out[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
    }
}

}  // namespace mote::reference
