#pragma once
// ADD of two int8 tensors of one shape with their own quantization (TFLite Micro reference).
//
// Each input (q − zp) is shifted left by 20 and scaled by s_i / (2·max(s1, s2)); the sum is
// scaled by 2·max(s1, s2) / (2^20 · s_out). Three multipliers from QuantizeMultiplierSmallerThanOneExp
// (all real ratios computed in double from the float32 scales), each applied as a rounding doubling
// high multiply followed by a rounding right shift. Then + zp_out and the fused-activation clamp.
// float: a + b, clamped to the activation range.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/quant/activation_range.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier_range.hpp"

namespace mote::reference {

struct AddParams {
    std::int32_t input1_offset = 0;  // −zp1
    std::int32_t input2_offset = 0;  // −zp2
    std::int32_t output_offset = 0;  // zp_out
    int left_shift = 20;
    quant::Multiplier input1{};
    quant::Multiplier input2{};
    quant::Multiplier output{};
    quant::ClampRange clamp{};
    const char* error = nullptr;
};

inline constexpr int add_left_shift_int8 = 20;

constexpr AddParams make_add_params(QuantParams in1, QuantParams in2, QuantParams out,
                                    Activation act = Activation::none) {
    AddParams p{};
    if (!quant::valid_int8_quant(in1) || !quant::valid_int8_quant(in2) ||
        !quant::valid_int8_quant(out)) {
        p.error = "mote: Add: invalid int8 quantization parameters";
        return p;
    }
    p.input1_offset = -in1.zero_point;
    p.input2_offset = -in2.zero_point;
    p.output_offset = out.zero_point;
    p.left_shift = add_left_shift_int8;
    // std::max on the float32 scales, then widened: exactly TFLite's order of operations.
    const double twice_max = 2 * static_cast<double>(in1.scale > in2.scale ? in1.scale : in2.scale);
    const double real1 = static_cast<double>(in1.scale) / twice_max;
    const double real2 = static_cast<double>(in2.scale) / twice_max;
    const double real_out =
        twice_max / (static_cast<double>(1 << add_left_shift_int8) * static_cast<double>(out.scale));
    const quant::CheckedMultiplier m1 = quant::quantize_multiplier_smaller_than_one(real1);
    const quant::CheckedMultiplier m2 = quant::quantize_multiplier_smaller_than_one(real2);
    const quant::CheckedMultiplier mo = quant::quantize_multiplier_smaller_than_one(real_out);
    if (!m1.valid || !m2.valid || !mo.valid) {
        p.error = "mote: Add: scale ratio out of range (output scale too small for the inputs)";
        return p;
    }
    p.input1 = m1.m;
    p.input2 = m2.m;
    p.output = mo.m;
    p.clamp = quant::activation_range_int8(act, out);
    return p;
}

constexpr std::int8_t add_value(const AddParams& p, std::int8_t a, std::int8_t b) {
    const std::int32_t shifted1 = (p.input1_offset + a) * (1 << p.left_shift);
    const std::int32_t shifted2 = (p.input2_offset + b) * (1 << p.left_shift);
    const std::int32_t scaled1 = quant::multiply_by_quantized_multiplier_smaller_than_one(shifted1, p.input1);
    const std::int32_t scaled2 = quant::multiply_by_quantized_multiplier_smaller_than_one(shifted2, p.input2);
    std::int32_t v =
        quant::multiply_by_quantized_multiplier_smaller_than_one(scaled1 + scaled2, p.output) +
        p.output_offset;
    v = v < p.clamp.min ? p.clamp.min : (v > p.clamp.max ? p.clamp.max : v);
    return static_cast<std::int8_t>(v);
}

constexpr void add(const AddParams& p, const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                   int n) {
    for (int i = 0; i < n; ++i) out[i] = add_value(p, a[i], b[i]);
}

constexpr void add(quant::FloatRange range, const float* a, const float* b, float* out, int n) {
    for (int i = 0; i < n; ++i) {
        const float v = a[i] + b[i];
        out[i] = v < range.min ? range.min : (v > range.max ? range.max : v);
    }
}

}  // namespace mote::reference
