#pragma once
// Requantization for the optimized kernels: the same bits as quant::multiply_by_quantized_multiplier
// (TFLite: SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), in fewer instructions.
//
// Why it is exact. Let p = x·m (64-bit). The reference high multiply truncates (p + nudge)/2^31
// toward zero with nudge = 2^30 for p ≥ 0 and 1 − 2^30 for p < 0; for p < 0 that equals
// floor((p + 2^30)/2^31), so SRDHM(x, m) = floor((p + 2^30)/2^31) for every p (m > 0 here, so
// the INT32_MIN·INT32_MIN saturation never happens; m == 0 gives 0 either way). The rounding
// divide by 2^r (r ≥ 1) is floor((y − s + 2^(r−1))/2^r) with s = (y < 0); nested floors merge:
//     v = floor((p + 2^30 − s·2^31 + 2^(30+r)) / 2^(31+r)),
// and s may be taken as (x < 0) (if x < 0 but y ≥ 0 the numerator stays in [0, 2^(31+r)) both
// ways). With round = 2^30 + 2^(30+r) precomputed per channel this is one multiply-accumulate
// into 64 bits (SMLAL on Arm) and one shift of the high word. Exponents ≥ 0 (left shift, r = 0)
// take the plain SRDHM. tests/unit/kernels_differential.cpp checks this against the reference.
#include <array>
#include <cstdint>

#include "mote/quant/channel_requant.hpp"

namespace mote::kernels {

// How a primitive set wants GEMM weights [rows, cols] laid out (kernels/pack.hpp).
enum class WeightLayout { rows, permuted4, paired4, paired4_wide };

// Per output channel, one 16-byte record (two LDRD on Arm): the multiplier, the shift, and the
// rounding constant of the merged double rounding.
struct ChannelQ {
    std::int32_t multiplier;
    std::int32_t shift;      // exponent < 0: −exponent − 1 (≥ 0); exponent ≥ 0: −exponent − 1 (< 0)
    std::uint32_t round_lo;  // exponent < 0: 2^30 + 2^(30 − exponent), low and high words
    std::int32_t round_hi;
};

template <int Channels>
struct ChannelParams {
    std::array<std::int32_t, Channels> bias{};  // folded bias (accumulator start)
    std::array<ChannelQ, Channels> q{};
    std::int32_t output_zero_point = 0;
    std::int32_t min = -128, max = 127;
    // The output zero point is in the rounding constants: (V + zp·2^(32+shift)) >> (32+shift)
    // = (V >> (32+shift)) + zp exactly, and with shift ≤ 22 the 64-bit sum cannot overflow
    // (|acc·m| < 2^62, zp·2^54 ≤ 2^61), nor its high word leave 32 bits.
    bool zp_in_round = false;
};

constexpr ChannelQ channel_q(std::int32_t multiplier, int exponent) {
    const std::int64_t round =
        exponent < 0 ? (std::int64_t{1} << 30) + (std::int64_t{1} << (30 - exponent)) : 0;
    return {multiplier, -exponent - 1, static_cast<std::uint32_t>(round & 0xFFFFFFFF),
            static_cast<std::int32_t>(round >> 32)};
}

// See ChannelParams::zp_in_round for why the bound is shift ≤ 22.
constexpr bool can_fold_zero_point(const ChannelQ& c) { return c.shift >= 0 && c.shift <= 22; }
constexpr void fold_zero_point(ChannelQ& c, std::int32_t zero_point) {
    const std::int64_t round =
        static_cast<std::int64_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.round_hi)) << 32) | c.round_lo) +
        static_cast<std::int64_t>(zero_point) * (std::int64_t{1} << (32 + c.shift));
    c.round_lo = static_cast<std::uint32_t>(static_cast<std::uint64_t>(round) & 0xFFFFFFFFu);
    c.round_hi = static_cast<std::int32_t>(round >> 32);
}

template <int Channels>
constexpr ChannelParams<Channels> channel_params(const quant::ChannelRequant<Channels>& r) {
    ChannelParams<Channels> p{};
    for (std::size_t c = 0; c < static_cast<std::size_t>(Channels); ++c) {
        p.bias[c] = r.bias[c];
        p.q[c] = channel_q(r.multiplier[c], r.exponent[c]);
    }
    p.output_zero_point = r.output_zero_point;
    p.min = r.clamp.min;
    p.max = r.clamp.max;
    bool fold = true;
    for (const ChannelQ& c : p.q) fold = fold && can_fold_zero_point(c);
    if (fold) {
        for (ChannelQ& c : p.q) fold_zero_point(c, p.output_zero_point);
        p.zp_in_round = true;
    }
    return p;
}

// What a kernel sees: pointers, so one instantiation serves every channel count.
struct Requant {
    const std::int32_t* bias;
    const ChannelQ* q;
    std::int32_t output_zero_point, min, max;
    bool all_right_shifts = false;  // every exponent < 0: no per-output branch needed
    bool zp_in_round = false;       // ChannelParams::zp_in_round: requantize() adds the zero point
    // The zero point still to add after requantize().
    std::int32_t zero_point_to_add() const { return zp_in_round ? 0 : output_zero_point; }
    // Right shifts only, zero point folded, clamp = the int8 range: saturate and store.
    bool plain() const { return all_right_shifts && zp_in_round && min == -128 && max == 127; }
};

template <int Channels>
constexpr Requant view_of(const ChannelParams<Channels>& p) {
    bool right = true;
    for (const ChannelQ& c : p.q) right = right && c.shift >= 0;
    return {p.bias.data(), p.q.data(), p.output_zero_point, p.min, p.max, right, p.zp_in_round};
}

inline std::int32_t requantize(std::int32_t acc, const ChannelQ& c) {
    if (c.shift < 0) {  // exponent ≥ 0: left shift (wrapping, as the reference), then SRDHM
        const auto x = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << (-c.shift - 1));
        return static_cast<std::int32_t>((static_cast<std::int64_t>(x) * c.multiplier + (std::int64_t{1} << 30)) >> 31);
    }
    const std::int64_t round = static_cast<std::int64_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(c.round_hi)) << 32) | c.round_lo);
    const std::int64_t q = round + static_cast<std::int64_t>(acc >> 31) * (std::int64_t{1} << 31) +
                           static_cast<std::int64_t>(acc) * c.multiplier;
    return static_cast<std::int32_t>(q >> 32) >> c.shift;
}

inline std::int8_t requantize_to_int8(std::int32_t acc, const Requant& q, int c) {
    std::int32_t v = requantize(acc, q.q[c]) + q.zero_point_to_add();
    v = v < q.min ? q.min : v;
    v = v > q.max ? q.max : v;
    return static_cast<std::int8_t>(v);
}

// Scalar requantization of a row of accumulators (channel c = first + i). The parameters are
// copied to locals: int8 stores may alias anything, so fields read through q would be reloaded.
inline void requantize_row_scalar(const std::int32_t* acc, const Requant& qr, int first, int n,
                                  std::int8_t* out) {
    const ChannelQ* cq = qr.q + first;
    const std::int32_t zp = qr.zero_point_to_add(), lo = qr.min, hi = qr.max;
    for (int i = 0; i < n; ++i) {
        std::int32_t v = requantize(acc[i], cq[i]) + zp;
        v = v < lo ? lo : v;
        v = v > hi ? hi : v;
        out[i] = static_cast<std::int8_t>(v);
    }
}

}  // namespace mote::kernels
