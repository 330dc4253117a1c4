#pragma once
// QUANTIZE (float32 → int8; requantization between integer types) and DEQUANTIZE (int8 →
// float32), TFLite Micro reference.
//
// float → int8: q = round(x / s) + zp, the division in float32 and the rounding half away from
// zero (std::round, not the current rounding mode), then clamped to [−128, 127]. We clamp x/s to
// ±512 before rounding (any such value saturates either way), which keeps the conversion defined
// where TFLite's float→int32 cast is not (|x/s| ≥ 2^31: TFLM's x86 build returns garbage there).
// NaN maps to the zero point (TFLite: undefined behaviour).
// integer → integer (reference_ops::Requantize), for TFLM's pairs int8 → int8 / uint8 / int16 /
// int32, uint8 → int8 and int16 → int8 / int16 / int32: (q − zp_in) requantized with the
// multiplier for s_in/s_out (double division), + zp_out, clamped to the output type. TFLM's
// shortcut for int8 ↔ uint8 at equal scales and zero points 128 apart (q ^ 0x80) is the same
// function: the multiplier is then exactly one (2^30 with exponent 1).
// int8 → float: s · (q − zp). TFLite forms this product in double and rounds it to float once;
// |q − zp| ≤ 255 has 8 significant bits and s has 24, so the double product is exact and the
// single float32 multiply here rounds the same exact value the same way: identical bits.
#include <cstdint>
#include <limits>
#include <type_traits>

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

// The (input, output) element types TFLM's QUANTIZE requantizes between.
template <class In, class Out>
inline constexpr bool requantizes =
    (std::is_same_v<In, std::int8_t> &&
     (std::is_same_v<Out, std::int8_t> || std::is_same_v<Out, std::uint8_t> ||
      std::is_same_v<Out, std::int16_t> || std::is_same_v<Out, std::int32_t>)) ||
    (std::is_same_v<In, std::uint8_t> && std::is_same_v<Out, std::int8_t>) ||
    (std::is_same_v<In, std::int16_t> &&
     (std::is_same_v<Out, std::int8_t> || std::is_same_v<Out, std::int16_t> ||
      std::is_same_v<Out, std::int32_t>));

// A positive, finite scale and a zero point that T can hold.
template <class T>
constexpr bool valid_quant_for(QuantParams q) {
    return quant::valid_int8_quant({q.scale, 0}) &&
           q.zero_point >= std::numeric_limits<T>::min() && q.zero_point <= std::numeric_limits<T>::max();
}

struct RequantizeParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    quant::Multiplier multiplier{};
    const char* error = nullptr;
};

template <class In = std::int8_t, class Out = std::int8_t>
constexpr RequantizeParams make_requantize_params(QuantParams in, QuantParams out) {
    static_assert(requantizes<In, Out>, "mote: Quantize: TFLM does not requantize these types");
    RequantizeParams p{};
    if (!valid_quant_for<In>(in) || !valid_quant_for<Out>(out)) {
        p.error = "mote: Quantize: invalid quantization parameters (scale > 0, zero point in range)";
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

template <class Out = std::int8_t, class In>
constexpr Out requantize_value(const RequantizeParams& p, In q) {
    // In int64: an int32 output's zero point may push the sum past int32 (TFLM: undefined).
    std::int64_t v = quant::requantize(static_cast<std::int32_t>(q) - p.input_zero_point, p.multiplier);
    v += p.output_zero_point;
    constexpr std::int64_t lo = std::numeric_limits<Out>::min();
    constexpr std::int64_t hi = std::numeric_limits<Out>::max();
    v = v < lo ? lo : (v > hi ? hi : v);
    return static_cast<Out>(v);
}

template <class In, class Out>
constexpr void requantize(const RequantizeParams& p, const In* in, Out* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = requantize_value<Out>(p, in[i]);
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
