#pragma once
// QUANTIZE (float32 → int8, int8 → int8) and DEQUANTIZE (int8 → float32), TFLite Micro reference.
//
// float → int8: q = round(x / s) + zp, the division in float32 and the rounding half away from
// zero (std::round, not the current rounding mode), then clamped to [−128, 127]. We clamp x/s to
// ±512 before rounding (any such value saturates either way), which keeps the conversion defined
// where TFLite's float→int32 cast is not (|x/s| ≥ 2^31: TFLM's x86 build returns garbage there).
// NaN maps to the zero point (TFLite: undefined behaviour).
// int8 → int8: (q − zp_in) requantized with the multiplier for s_in/s_out (double division),
// + zp_out, clamped (reference_ops::Requantize).
// int8 → float: s · (q − zp). TFLite forms this product in double and rounds it to float once;
// |q − zp| ≤ 255 has 8 significant bits and s has 24, so the double product is exact and the
// single float32 multiply here rounds the same exact value the same way: identical bits.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct QuantizeParams {
    float scale = 1.0f;
    std::int32_t zero_point = 0;
    const char* error = nullptr;
};

constexpr QuantizeParams make_quantize_params(QuantParams out) {
    QuantizeParams p{out.scale, out.zero_point, nullptr};
    if (!quant::valid_int8_quant(out)) p.error = "mote: Quantize: invalid int8 output quantization";
    return p;
}

// round(v) with ties away from zero, for |v| ≤ 2^23 (exact: v − trunc(v) is representable).
constexpr std::int32_t round_half_away_small(float v) {
    auto t = static_cast<std::int32_t>(v);  // truncates toward zero
    const float frac = v - static_cast<float>(t);
    if (frac >= 0.5f) ++t;
    if (frac <= -0.5f) --t;
    return t;
}

constexpr std::int8_t quantize_value(const QuantizeParams& p, float x) {
    float q = x / p.scale;
    if (q != q) return static_cast<std::int8_t>(p.zero_point);
    q = q < -512.0f ? -512.0f : (q > 512.0f ? 512.0f : q);
    std::int32_t v = round_half_away_small(q) + p.zero_point;
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::int8_t>(v);
}

constexpr void quantize(const QuantizeParams& p, const float* in, std::int8_t* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = quantize_value(p, in[i]);
}

struct RequantizeParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    quant::Multiplier multiplier{};
    const char* error = nullptr;
};

constexpr RequantizeParams make_requantize_params(QuantParams in, QuantParams out) {
    RequantizeParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Quantize: invalid int8 quantization parameters";
        return p;
    }
    p.multiplier =
        quant::quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale));
    if (p.multiplier.exponent > 31 || p.multiplier.exponent < -31) {
        p.error = "mote: Quantize: requantization shift out of range";
        return p;
    }
    p.input_zero_point = in.zero_point;
    p.output_zero_point = out.zero_point;
    return p;
}

constexpr std::int8_t requantize_value(const RequantizeParams& p, std::int8_t q) {
    std::int32_t v = quant::requantize(static_cast<std::int32_t>(q) - p.input_zero_point, p.multiplier) +
                     p.output_zero_point;
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::int8_t>(v);
}

constexpr void requantize(const RequantizeParams& p, const std::int8_t* in, std::int8_t* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = requantize_value(p, in[i]);
}

struct DequantizeParams {
    float scale = 1.0f;
    std::int32_t zero_point = 0;
    const char* error = nullptr;
};

constexpr DequantizeParams make_dequantize_params(QuantParams in) {
    DequantizeParams p{in.scale, in.zero_point, nullptr};
    if (!quant::valid_int8_quant(in)) p.error = "mote: Dequantize: invalid int8 input quantization";
    return p;
}

constexpr float dequantize_value(const DequantizeParams& p, std::int8_t q) {
    return p.scale * static_cast<float>(static_cast<std::int32_t>(q) - p.zero_point);
}

constexpr void dequantize(const DequantizeParams& p, const std::int8_t* in, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = dequantize_value(p, in[i]);
}

}  // namespace mote::reference
