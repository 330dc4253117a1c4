#pragma once
// MUL of two int8 tensors of one shape (TFLite Micro reference): (q1 − zp1)·(q2 − zp2) is
// requantized with the multiplier for s1·s2/s_out (each scale widened to double, then multiplied
// and divided in double), + zp_out, then the fused-activation clamp.
// float: a · b, clamped to the activation range.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/quant/activation_range.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct MulParams {
    std::int32_t input1_zero_point = 0;
    std::int32_t input2_zero_point = 0;
    std::int32_t output_zero_point = 0;
    quant::Multiplier output{};
    quant::ClampRange clamp{};
    const char* error = nullptr;
};

constexpr MulParams make_mul_params(QuantParams in1, QuantParams in2, QuantParams out,
                                    Activation act = Activation::none) {
    MulParams p{};
    if (!quant::valid_int8_quant(in1) || !quant::valid_int8_quant(in2) ||
        !quant::valid_int8_quant(out)) {
        p.error = "mote: Mul: invalid int8 quantization parameters";
        return p;
    }
    const double real = static_cast<double>(in1.scale) * static_cast<double>(in2.scale) /
                        static_cast<double>(out.scale);
    p.output = quant::quantize_multiplier(real);
    if (p.output.exponent > 31 || p.output.exponent < -31) {
        p.error = "mote: Mul: requantization shift out of range";
        return p;
    }
    p.input1_zero_point = in1.zero_point;
    p.input2_zero_point = in2.zero_point;
    p.output_zero_point = out.zero_point;
    p.clamp = quant::activation_range_int8(act, out);
    return p;
}

constexpr std::int8_t mul_value(const MulParams& p, std::int8_t a, std::int8_t b) {
    const std::int32_t prod = (static_cast<std::int32_t>(a) - p.input1_zero_point) *
                              (static_cast<std::int32_t>(b) - p.input2_zero_point);
    std::int32_t v = quant::requantize(prod, p.output) + p.output_zero_point;
    v = v < p.clamp.min ? p.clamp.min : (v > p.clamp.max ? p.clamp.max : v);
    return static_cast<std::int8_t>(v);
}

constexpr void mul(const MulParams& p, const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                   int n) {
    for (int i = 0; i < n; ++i) out[i] = mul_value(p, a[i], b[i]);
}

constexpr void mul(quant::FloatRange range, const float* a, const float* b, float* out, int n) {
    for (int i = 0; i < n; ++i) {
        const float v = a[i] * b[i];
        out[i] = v < range.min ? range.min : (v > range.max ? range.max : v);
    }
}

}  // namespace mote::reference
