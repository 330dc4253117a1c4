#pragma once
// ADD and SUB of two int8 tensors of one shape with their own quantization (TFLite Micro
// reference).
//
// Each input (q − zp) is shifted left by 20 and scaled by s_i / (2·max(s1, s2)); the sum (SUB:
// the first scaled input minus the second) is scaled by 2·max(s1, s2) / (2^20 · s_out). Three
// multipliers from QuantizeMultiplierSmallerThanOneExp, each applied as a rounding doubling high
// multiply followed by a rounding right shift. Then + zp_out and the fused-activation clamp.
// ADD computes the real ratios in double from the float32 scales; SUB computes them in float32
// (2·max, each division) and widens the results, so their multipliers can differ in the last bits.
// SUB negates the second input after its rescale, not before: the rounding high multiply is not
// odd (its ties round toward +∞), so that order is part of the result.
// float: a + b and a − b, clamped to the activation range.
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
    bool subtract = false;  // SUB: the second rescaled input is subtracted
    const char* error = nullptr;
};

inline constexpr int add_left_shift_int8 = 20;

namespace add_detail {
struct Ratios {
    double input1, input2, output;
};

// TFLite's order of operations: std::max on the float32 scales, then ADD widens to double
// before dividing, SUB divides in float32 and widens the quotients.
constexpr Ratios add_ratios(QuantParams in1, QuantParams in2, QuantParams out) {
    const double twice_max = 2 * static_cast<double>(in1.scale > in2.scale ? in1.scale : in2.scale);
    return {static_cast<double>(in1.scale) / twice_max, static_cast<double>(in2.scale) / twice_max,
            twice_max / (static_cast<double>(1 << add_left_shift_int8) * static_cast<double>(out.scale))};
}
constexpr Ratios sub_ratios(QuantParams in1, QuantParams in2, QuantParams out) {
    // Scales whose float32 steps below would overflow give zero ratios, rejected as out of range.
    constexpr double float_max = 3.4028234663852886e38;
    const float max_scale = in1.scale > in2.scale ? in1.scale : in2.scale;
    if (2.0 * max_scale > float_max ||
        (1 << add_left_shift_int8) * static_cast<double>(out.scale) > float_max ||
        !(add_ratios(in1, in2, out).output < 1.0))
        return {};
    const float twice_max = 2 * max_scale;
    return {static_cast<double>(in1.scale / twice_max), static_cast<double>(in2.scale / twice_max),
            static_cast<double>(twice_max / ((1 << add_left_shift_int8) * out.scale))};
}

constexpr AddParams make_params(QuantParams in1, QuantParams in2, QuantParams out, Activation act,
                                bool subtract) {
    AddParams p{};
    if (!quant::valid_int8_quant(in1) || !quant::valid_int8_quant(in2) ||
        !quant::valid_int8_quant(out)) {
        p.error = subtract ? "mote: Sub: invalid int8 quantization parameters"
                           : "mote: Add: invalid int8 quantization parameters";
        return p;
    }
    p.input1_offset = -in1.zero_point;
    p.input2_offset = -in2.zero_point;
    p.output_offset = out.zero_point;
    p.left_shift = add_left_shift_int8;
    p.subtract = subtract;
    const Ratios r = subtract ? sub_ratios(in1, in2, out) : add_ratios(in1, in2, out);
    const quant::CheckedMultiplier m1 = quant::quantize_multiplier_smaller_than_one(r.input1);
    const quant::CheckedMultiplier m2 = quant::quantize_multiplier_smaller_than_one(r.input2);
    const quant::CheckedMultiplier mo = quant::quantize_multiplier_smaller_than_one(r.output);
    if (!m1.valid || !m2.valid || !mo.valid) {
        p.error = subtract
                      ? "mote: Sub: scale ratio out of range (output scale too small for the inputs)"
                      : "mote: Add: scale ratio out of range (output scale too small for the inputs)";
        return p;
    }
    p.input1 = m1.m;
    p.input2 = m2.m;
    p.output = mo.m;
    p.clamp = quant::activation_range_int8(act, out);
    return p;
}
}  // namespace add_detail

constexpr AddParams make_add_params(QuantParams in1, QuantParams in2, QuantParams out,
                                    Activation act = Activation::none) {
    return add_detail::make_params(in1, in2, out, act, false);
}

constexpr AddParams make_sub_params(QuantParams in1, QuantParams in2, QuantParams out,
                                    Activation act = Activation::none) {
    return add_detail::make_params(in1, in2, out, act, true);
}

constexpr std::int8_t add_value(const AddParams& p, std::int8_t a, std::int8_t b) {
    const std::int32_t shifted1 = (p.input1_offset + a) * (1 << p.left_shift);
    const std::int32_t shifted2 = (p.input2_offset + b) * (1 << p.left_shift);
    const std::int32_t scaled1 = quant::multiply_by_quantized_multiplier_smaller_than_one(shifted1, p.input1);
    const std::int32_t scaled2 = quant::multiply_by_quantized_multiplier_smaller_than_one(shifted2, p.input2);
    std::int32_t v = quant::multiply_by_quantized_multiplier_smaller_than_one(
                         scaled1 + (p.subtract ? -scaled2 : scaled2), p.output) +
                     p.output_offset;
    v = v < p.clamp.min ? p.clamp.min : (v > p.clamp.max ? p.clamp.max : v);
    return static_cast<std::int8_t>(v);
}

constexpr void add(const AddParams& p, const std::int8_t* a, const std::int8_t* b, std::int8_t* out,
                   int n) {
    for (int i = 0; i < n; ++i) out[i] = add_value(p, a[i], b[i]);
}

constexpr float clamp(quant::FloatRange range, float v) {
    return v < range.min ? range.min : (v > range.max ? range.max : v);
}

constexpr void add(quant::FloatRange range, const float* a, const float* b, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = clamp(range, a[i] + b[i]);
}

constexpr void sub(quant::FloatRange range, const float* a, const float* b, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = clamp(range, a[i] - b[i]);
}

}  // namespace mote::reference
