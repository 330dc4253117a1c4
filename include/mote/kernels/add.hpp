#pragma once
// ADD int8, optimized: the three rescales of reference::add (each input, then the sum) as the
// merged-rounding requantization of kernels/requant.hpp (one 64-bit multiply-accumulate and a
// shift each: SMLAL on Arm) instead of a saturating doubling high multiply and a rounding shift.
// Bit-exact to reference::add: the merged form equals MultiplyByQuantizedMultiplier for every
// int32 input (tests/unit/kernels_differential.cpp), and the inputs here are in range:
// |(q − zp)·2^20| < 2^28, and each scaled input is at most that in magnitude (multipliers < 1).
#include <array>
#include <cstdint>

#include "mote/kernels/primitives.hpp"
#include "mote/kernels/reference/add.hpp"
#include "mote/kernels/requant.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::kernels {

struct AddQ {
    ChannelQ input1, input2, output;
    std::int32_t input1_offset, input2_offset, output_offset, min, max;
    // The input with the larger scale has the real multiplier 1/2: 2^30 with exponent 0, and
    // SRDHM(x·2^20, 2^30) = x·2^19 exactly. Such an input needs no multiply at all.
    bool input1_half, input2_half;
    bool output_zp_in_round;  // output_offset is in output's rounding constant (requant.hpp)
};

constexpr bool is_half(const quant::Multiplier& m) { return m.multiplier == (1 << 30) && m.exponent == 0; }

constexpr AddQ add_q(const reference::AddParams& p) {
    AddQ q{channel_q(p.input1.multiplier, p.input1.exponent),
           channel_q(p.input2.multiplier, p.input2.exponent),
           channel_q(p.output.multiplier, p.output.exponent),
           p.input1_offset,
           p.input2_offset,
           p.output_offset,
           p.clamp.min,
           p.clamp.max,
           is_half(p.input1),
           is_half(p.input2),
           false};
    if (can_fold_zero_point(q.output)) {
        fold_zero_point(q.output, q.output_offset);
        q.output_zp_in_round = true;
    }
    return q;
}

namespace detail {
template <bool Half>
inline std::int32_t add_input(std::int32_t v, std::int32_t offset, const ChannelQ& q) {
    constexpr int shift = reference::add_left_shift_int8;
    if constexpr (Half) return (v + offset) * (1 << (shift - 1));
    else return requantize((v + offset) * (1 << shift), q);
}

template <bool Half1, bool Half2>
inline void add_loop(const AddQ& params, const std::int8_t* a, const std::int8_t* b, std::int8_t* out, int n) {
    const AddQ q = params;  // locals: int8 stores may alias the parameters
    for (int i = 0; i < n; ++i) {
        const std::int32_t x1 = add_input<Half1>(a[i], q.input1_offset, q.input1);
        const std::int32_t x2 = add_input<Half2>(b[i], q.input2_offset, q.input2);
        std::int32_t v = requantize(x1 + x2, q.output) + (q.output_zp_in_round ? 0 : q.output_offset);
        v = v < q.min ? q.min : v;
        v = v > q.max ? q.max : v;
        out[i] = static_cast<std::int8_t>(v);
    }
}
}  // namespace detail

// An int8 input's rescaled value for each of its 256 codes (the input whose multiplier is not
// 1/2), plus the other input's offset·2^19: one table load instead of a requantization per
// element, for 1 KiB of flash per layer.
struct AddInputTable {
    std::array<std::int32_t, 256> scaled{};  // index: code + 128
};
constexpr AddInputTable add_input_table(std::int32_t multiplier, int exponent, std::int32_t offset,
                                        std::int32_t other_offset) {
    AddInputTable t{};
    for (int v = -128; v < 128; ++v)
        t.scaled[static_cast<std::size_t>(v + 128)] =
            quant::multiply_by_quantized_multiplier((v + offset) * (1 << reference::add_left_shift_int8),
                                                    multiplier, exponent) +
            other_offset * (1 << (reference::add_left_shift_int8 - 1));
    return t;
}

namespace detail {
// `half` is the input with multiplier 1/2, `other` reads the table (at code 0).
template <const AddQ& Q, class P = Primitives>
inline void add_loop_table(const std::int32_t* table0, const std::int8_t* half,
                           const std::int8_t* other, std::int8_t* out, int n) {
    constexpr int shift = reference::add_left_shift_int8 - 1;
    for (int i = 0; i < n; ++i) {
        const std::int32_t x = half[i] * (1 << shift) + table0[other[i]];
        std::int32_t v;
        if constexpr (P::capabilities.right_shift_requantize) {
            if constexpr (Q.output.shift >= 0) v = P::requantize_right(x, Q.output);
            else v = requantize(x, Q.output);
        } else {
            v = requantize(x, Q.output);
        }
        v += Q.output_zp_in_round ? 0 : Q.output_offset;
        v = v < Q.min ? Q.min : v;
        v = v > Q.max ? Q.max : v;
        out[i] = static_cast<std::int8_t>(v);
    }
}
}  // namespace detail

// A layer's parameters are compile-time constants: every multiplier and offset folds into the
// code. P is the reference parameters (the table is computed from them).
template <const AddQ& Q, const reference::AddParams& P>
inline void add(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, int n) {
    if constexpr (Q.input1_half != Q.input2_half) {
        static constexpr AddInputTable table =
            Q.input1_half ? add_input_table(P.input2.multiplier, P.input2.exponent, P.input2_offset, P.input1_offset)
                          : add_input_table(P.input1.multiplier, P.input1.exponent, P.input1_offset, P.input2_offset);
        if constexpr (Q.input1_half) detail::add_loop_table<Q>(table.scaled.data() + 128, a, b, out, n);
        else detail::add_loop_table<Q>(table.scaled.data() + 128, b, a, out, n);
    } else {
        detail::add_loop<Q.input1_half, Q.input2_half>(Q, a, b, out, n);
    }
}

inline void add(const AddQ& q, const std::int8_t* a, const std::int8_t* b, std::int8_t* out, int n) {
    if (q.input1_half) detail::add_loop<true, false>(q, a, b, out, n);
    else if (q.input2_half) detail::add_loop<false, true>(q, a, b, out, n);
    else detail::add_loop<false, false>(q, a, b, out, n);
}

}  // namespace mote::kernels
