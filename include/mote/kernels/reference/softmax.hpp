#pragma once
// SOFTMAX over the last axis (rows × depth), as TFLite Micro's reference kernels compute it.
//
// int8 input, int8 or int16 output. TFLM requires the output quantization: int8 scale exactly
// 1/256 and zero point −128; int16 zero point −32768 and scale 1/65536 within 0.1 % (the kernel
// never reads it). Per row: d = q − max(q); d < diff_min gives the output type's minimum;
// otherwise d is rescaled to Q5.26 by the multiplier for beta · s_in · 2^26 (capped at 2^31 − 1),
// exp() is gemmlowp's fixed-point exp, the sum is kept in Q12.19, and each output is
// exp · (1/sum) shifted down to the output's 8 or 16 bits, plus the type's minimum, clamped.
// float: exp((x − max) · beta) in float32, divided by their float32 sum.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

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
template <class Out = std::int8_t>
constexpr SoftmaxParams make_softmax_params(QuantParams in, QuantParams out, float beta = 1.0f) {
    static_assert(std::is_same_v<Out, std::int8_t> || std::is_same_v<Out, std::int16_t>,
                  "mote: Softmax: an int8 input gives an int8 or int16 output");
    SoftmaxParams p{};
    if (!quant::valid_int8_quant(in)) {
        p.error = "mote: Softmax: invalid int8 input quantization";
        return p;
    }
    if constexpr (std::is_same_v<Out, std::int8_t>) {
        if (out.zero_point != -128 || out.scale != 1.0f / 256.0f) {
            p.error = "mote: Softmax: int8 output must have scale 1/256 and zero point -128";
            return p;
        }
    } else {
        constexpr float nominal = 1.0f / 65536.0f;
        const float delta = out.scale > nominal ? out.scale - nominal : nominal - out.scale;
        if (out.zero_point != -32768 || !(delta <= 0.001f * 1.0f / 65536.0f)) {
            p.error = "mote: Softmax: int16 output must have scale 1/65536 (within 0.1%) and zero point -32768";
            return p;
        }
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

// exp · (1/sum) as an Out code: (1/sum) = scale · 2^−num_bits_over_unit, shifted down to Out's
// bits and offset by Out's minimum.
template <class Out>
constexpr Out softmax_output(quant::Reciprocal r, quant::FixedPoint<0> e) {
    constexpr int out_bits = 8 * static_cast<int>(sizeof(Out));
    constexpr std::int32_t lo = std::numeric_limits<Out>::min();
    constexpr std::int32_t hi = std::numeric_limits<Out>::max();
    const int exponent = r.num_bits_over_unit + 31 - out_bits;
    std::int32_t v =
        quant::rounding_divide_by_pot((quant::FixedPoint<0>::from_raw(r.scale) * e).raw, exponent) + lo;
    v = v < lo ? lo : (v > hi ? hi : v);
    return static_cast<Out>(v);
}
}  // namespace detail

// One row of `depth` values (constexpr so a layer may fold a softmax of constants).
template <class Out>
constexpr void softmax_row(const SoftmaxParams& p, const std::int8_t* in, Out* out, int depth) {
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
    for (int c = 0; c < depth; ++c) {
        const std::int32_t diff = static_cast<std::int32_t>(in[c]) - max_in_row;
        out[c] = diff >= p.diff_min ? detail::softmax_output<Out>(r, detail::softmax_exp(p, diff))
                                    : std::numeric_limits<Out>::min();
    }
}

template <class Out>
constexpr void softmax(const SoftmaxParams& p, const std::int8_t* in, Out* out, int rows,
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

template <class Out>
constexpr void softmax(const SoftmaxExpTable& table, const std::int8_t* in, Out* out, int rows,
                       int depth) {
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
        for (int c = 0; c < depth; ++c)
            out[c] = detail::softmax_output<Out>(
                rc, quant::FixedPoint<0>::from_raw(table[static_cast<std::size_t>(max_in_row - in[c])]));
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
