#pragma once
// SOFTMAX over the last axis (rows × depth), as TFLite Micro's reference kernels compute it.
//
// int8: output scale 1/256, zero point −128 (TFLM requires both). Per row: d = q − max(q);
// d < diff_min gives exactly −128; otherwise d is rescaled to Q5.26 by the multiplier for
// beta · s_in · 2^26 (capped at 2^31 − 1), exp() is gemmlowp's fixed-point exp, the sum is kept
// in Q12.19, and each output is exp · (1/sum) shifted down to 8 bits, minus 128, clamped.
// float: exp((x − max) · beta) in float32, divided by their float32 sum.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/fixed_point.hpp"
#include "mote/quant/multiplier_range.hpp"

namespace mote::reference {

struct SoftmaxParams {
    quant::Multiplier input_multiplier{};  // beta · s_in · 2^26 (exponent = left shift ≥ 0)
    std::int32_t diff_min = 0;             // most negative q − max(q) that still contributes
    const char* error = nullptr;
};

inline constexpr int softmax_scaled_diff_integer_bits = 5;   // Q5.26 input to exp
inline constexpr int softmax_accumulation_integer_bits = 12;  // Q12.19 sum of exps

// TFLite PreprocessSoftmaxScaling + CalculateInputRadius; beta and s_in widened to double.
constexpr SoftmaxParams make_softmax_params(QuantParams in, QuantParams out, float beta = 1.0f) {
    SoftmaxParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Softmax: invalid int8 quantization parameters";
        return p;
    }
    if (out.zero_point != -128 || out.scale != 1.0f / 256.0f) {
        p.error = "mote: Softmax: int8 output must have scale 1/256 and zero point -128";
        return p;
    }
    double real = static_cast<double>(beta) * static_cast<double>(in.scale) *
                  static_cast<double>(1 << (31 - softmax_scaled_diff_integer_bits));
    constexpr double cap = static_cast<double>((1LL << 31) - 1);
    if (real > cap) real = cap;
    const quant::CheckedMultiplier m = quant::quantize_multiplier_greater_than_one(real);
    if (!m.valid) {
        p.error = "mote: Softmax: beta * input scale * 2^26 must exceed 1";
        return p;
    }
    p.input_multiplier = m.m;
    p.diff_min = -quant::input_radius(softmax_scaled_diff_integer_bits, m.m.exponent);
    return p;
}

namespace detail {
constexpr quant::FixedPoint<0> softmax_exp(const SoftmaxParams& p, std::int32_t diff) {
    const std::int32_t rescaled =
        quant::multiply_by_quantized_multiplier_greater_than_one(diff, p.input_multiplier);
    return quant::exp_on_negative_values(
        quant::FixedPoint<softmax_scaled_diff_integer_bits>::from_raw(rescaled));
}
}  // namespace detail

// One row of `depth` values (constexpr so a layer may fold a softmax of constants).
constexpr void softmax_row(const SoftmaxParams& p, const std::int8_t* in, std::int8_t* out,
                           int depth) {
    std::int32_t max_in_row = -128;
    for (int c = 0; c < depth; ++c)
        if (in[c] > max_in_row) max_in_row = in[c];

    using Accum = quant::FixedPoint<softmax_accumulation_integer_bits>;
    Accum sum = Accum::zero();
    for (int c = 0; c < depth; ++c) {
        const std::int32_t diff = static_cast<std::int32_t>(in[c]) - max_in_row;
        if (diff >= p.diff_min)
            sum = sum + quant::rescale<softmax_accumulation_integer_bits>(detail::softmax_exp(p, diff));
    }

    const quant::Reciprocal r = quant::get_reciprocal(sum.raw, softmax_accumulation_integer_bits);
    const auto scale = quant::FixedPoint<0>::from_raw(r.scale);
    const int exponent = r.num_bits_over_unit + 31 - 8;
    for (int c = 0; c < depth; ++c) {
        const std::int32_t diff = static_cast<std::int32_t>(in[c]) - max_in_row;
        if (diff >= p.diff_min) {
            const std::int32_t unsat =
                quant::rounding_divide_by_pot((scale * detail::softmax_exp(p, diff)).raw, exponent);
            std::int32_t v = unsat - 128;
            v = v < -128 ? -128 : (v > 127 ? 127 : v);
            out[c] = static_cast<std::int8_t>(v);
        } else {
            out[c] = -128;
        }
    }
}

constexpr void softmax(const SoftmaxParams& p, const std::int8_t* in, std::int8_t* out, int rows,
                       int depth) {
    for (int r = 0; r < rows; ++r) softmax_row(p, in + r * depth, out + r * depth, depth);
}

// exp of every possible int8 difference from the row maximum (index −d, d ∈ [−255, 0]) as Q0.31,
// 0 where d < diff_min. A zero entry contributes nothing to the sum and yields −128, exactly what
// the diff_min test does, so the table kernel below gives the same bytes (1 KiB of flash).
using SoftmaxExpTable = std::array<std::int32_t, 256>;
constexpr SoftmaxExpTable make_softmax_exp_table(const SoftmaxParams& p) {
    SoftmaxExpTable t{};
    for (int k = 0; k < 256; ++k)
        t[static_cast<std::size_t>(k)] = -k >= p.diff_min ? detail::softmax_exp(p, -k).raw : 0;
    return t;
}

constexpr void softmax(const SoftmaxExpTable& table, const std::int8_t* in, std::int8_t* out,
                       int rows, int depth) {
    using Accum = quant::FixedPoint<softmax_accumulation_integer_bits>;
    for (int r = 0; r < rows; ++r, in += depth, out += depth) {
        std::int32_t max_in_row = -128;
        for (int c = 0; c < depth; ++c)
            if (in[c] > max_in_row) max_in_row = in[c];
        Accum sum = Accum::zero();
        for (int c = 0; c < depth; ++c)
            sum = sum + quant::rescale<softmax_accumulation_integer_bits>(quant::FixedPoint<0>::from_raw(
                            table[static_cast<std::size_t>(max_in_row - in[c])]));
        const quant::Reciprocal rc = quant::get_reciprocal(sum.raw, softmax_accumulation_integer_bits);
        const auto scale = quant::FixedPoint<0>::from_raw(rc.scale);
        const int exponent = rc.num_bits_over_unit + 31 - 8;
        for (int c = 0; c < depth; ++c) {
            const auto e = quant::FixedPoint<0>::from_raw(table[static_cast<std::size_t>(max_in_row - in[c])]);
            std::int32_t v = quant::rounding_divide_by_pot((scale * e).raw, exponent) - 128;
            v = v < -128 ? -128 : (v > 127 ? 127 : v);
            out[c] = static_cast<std::int8_t>(v);
        }
    }
}

inline void softmax(float beta, const float* in, float* out, int rows, int depth) {
    for (int r = 0; r < rows; ++r) {
        const float* x = in + r * depth;
        float* y = out + r * depth;
        float max = x[0];
        for (int c = 1; c < depth; ++c) max = x[c] > max ? x[c] : max;
        float sum = 0.0f;
        for (int c = 0; c < depth; ++c) {
            const float e = std::exp((x[c] - max) * beta);
            y[c] = e;
            sum += e;
        }
        for (int c = 0; c < depth; ++c) y[c] = y[c] / sum;
    }
}

}  // namespace mote::reference
