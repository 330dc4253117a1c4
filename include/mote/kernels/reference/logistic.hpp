#pragma once
// LOGISTIC (sigmoid), as TFLite Micro's reference kernels compute it.
//
// int8: output scale 1/256 and zero point −128 (TFLM checks the zero point and assumes the
// scale; we require both). x = q − zp_in; x ≤ −radius gives −128, x ≥ radius gives 127; otherwise
// x is requantized to Q4.27 (MultiplyByQuantizedMultiplier), gemmlowp's fixed-point logistic gives
// a Q0.31 value, which is rounding-shifted right by 23 (to 1/256 units), offset by −128, clamped.
// float: 1 for x > 16.619047…, exp(x) for x < −9, else 1 / (1 + exp(−x)), all float32.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/activation_input.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/fixed_point.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct LogisticParams {
    quant::ActivationInputScaling input{};
    const char* error = nullptr;
};

constexpr LogisticParams make_logistic_params(QuantParams in, QuantParams out) {
    LogisticParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Logistic: invalid int8 quantization parameters";
        return p;
    }
    if (out.zero_point != -128 || out.scale != 1.0f / 256.0f) {
        p.error = "mote: Logistic: int8 output must have scale 1/256 and zero point -128";
        return p;
    }
    p.input = quant::make_activation_input_scaling(in);
    return p;
}

constexpr std::int8_t logistic_value(const LogisticParams& p, std::int8_t q) {
    const std::int32_t x = static_cast<std::int32_t>(q) - p.input.zero_point;
    if (x <= -p.input.radius) return -128;
    if (x >= p.input.radius) return 127;
    const std::int32_t in_q4 = quant::requantize(x, p.input.multiplier);
    const std::int32_t out_q0 =
        quant::logistic(quant::FixedPoint<quant::activation_input_integer_bits>::from_raw(in_q4)).raw;
    std::int32_t v = quant::rounding_divide_by_pot(out_q0, 31 - 8) - 128;
    v = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::int8_t>(v);
}

inline void logistic(const float* in, float* out, int n) {
    constexpr float cutoff_upper = 16.619047164916992188f;
    constexpr float cutoff_lower = -9.0f;
    for (int i = 0; i < n; ++i) {
        const float x = in[i];
        out[i] = x > cutoff_upper   ? 1.0f
                 : x < cutoff_lower ? std::exp(x)
                                    : 1.0f / (1.0f + std::exp(-x));
    }
}

}  // namespace mote::reference
