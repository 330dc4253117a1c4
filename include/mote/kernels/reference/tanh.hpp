#pragma once
// TANH, as TFLite Micro's reference kernels compute it.
//
// int8: output scale 1/128 and zero point 0 (TFLM assumes both without checking; we require
// them). x = q − zp_in; x ≤ −radius gives −128, x ≥ radius gives 127; otherwise x is requantized
// to Q4.27, gemmlowp's fixed-point tanh gives a Q0.31 value, rounding-shifted right by 24 (to
// 1/128 units) and clamped to [−128, 127].
// float: std::tanh in float32.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/activation_input.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/fixed_point.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct TanhParams {
    quant::ActivationInputScaling input{};
    const char* error = nullptr;
};

constexpr TanhParams make_tanh_params(QuantParams in, QuantParams out) {
    TanhParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Tanh: invalid int8 quantization parameters";
        return p;
    }
    if (out.zero_point != 0 || out.scale != 1.0f / 128.0f) {
        p.error = "mote: Tanh: int8 output must have scale 1/128 and zero point 0";
        return p;
    }
    p.input = quant::make_activation_input_scaling(in);
    return p;
}

constexpr std::int8_t tanh_value(const TanhParams& p, std::int8_t q) {
    const std::int32_t x = static_cast<std::int32_t>(q) - p.input.zero_point;
    if (x <= -p.input.radius) return -128;
    if (x >= p.input.radius) return 127;
    const std::int32_t in_q4 = quant::requantize(x, p.input.multiplier);
    const std::int32_t out_q0 =
        quant::tanh(quant::FixedPoint<quant::activation_input_integer_bits>::from_raw(in_q4)).raw;
    std::int32_t v = quant::rounding_divide_by_pot(out_q0, 31 - 7);
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::int8_t>(v);
}

inline void tanh(const float* in, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}

}  // namespace mote::reference
