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

template <int Channels>
struct ChannelParams {
    std::array<std::int32_t, Channels> bias{};        // folded bias (accumulator start)
    std::array<std::int32_t, Channels> multiplier{};
    std::array<std::int32_t, Channels> exponent{};    // > 0 left shift, ≤ 0 rounding right shift
    std::array<std::int64_t, Channels> round{};       // exponent < 0: 2^30 + 2^(30 − exponent)
    std::int32_t output_zero_point = 0;
    std::int32_t min = -128, max = 127;
};

template <int Channels>
constexpr ChannelParams<Channels> channel_params(const quant::ChannelRequant<Channels>& r) {
    ChannelParams<Channels> p{};
    for (std::size_t c = 0; c < static_cast<std::size_t>(Channels); ++c) {
        p.bias[c] = r.bias[c];
        p.multiplier[c] = r.multiplier[c];
        p.exponent[c] = r.exponent[c];
        const int right = r.exponent[c] < 0 ? -r.exponent[c] : 0;
        p.round[c] = right > 0 ? (std::int64_t{1} << 30) + (std::int64_t{1} << (30 + right)) : 0;
    }
    p.output_zero_point = r.output_zero_point;
    p.min = r.clamp.min;
    p.max = r.clamp.max;
    return p;
}

// What a kernel sees: pointers, so one instantiation serves every channel count.
struct Requant {
    const std::int32_t* bias;
    const std::int32_t* multiplier;
    const std::int32_t* exponent;
    const std::int64_t* round;
    std::int32_t output_zero_point, min, max;
};

template <int Channels>
constexpr Requant view_of(const ChannelParams<Channels>& p) {
    return {p.bias.data(), p.multiplier.data(), p.exponent.data(), p.round.data(),
            p.output_zero_point, p.min, p.max};
}

inline std::int32_t requantize(std::int32_t acc, std::int32_t m, std::int32_t e, std::int64_t round) {
    if (e >= 0) {
        const auto x = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc) << e);
        return static_cast<std::int32_t>((static_cast<std::int64_t>(x) * m + (std::int64_t{1} << 30)) >> 31);
    }
    const std::int64_t q = round + (static_cast<std::int64_t>(acc >> 31) * (std::int64_t{1} << 31)) +
                           static_cast<std::int64_t>(acc) * m;
    return static_cast<std::int32_t>(q >> 32) >> (-e - 1);
}

inline std::int8_t requantize_to_int8(std::int32_t acc, const Requant& q, int c) {
    std::int32_t v = requantize(acc, q.multiplier[c], q.exponent[c], q.round[c]) + q.output_zero_point;
    v = v < q.min ? q.min : v;
    v = v > q.max ? q.max : v;
    return static_cast<std::int8_t>(v);
}

// Scalar requantization of a row of accumulators (channel c = first + i).
inline void requantize_row_scalar(const std::int32_t* acc, const Requant& q, int first, int n,
                                  std::int8_t* out) {
    for (int i = 0; i < n; ++i) out[i] = requantize_to_int8(acc[i], q, first + i);
}

}  // namespace mote::kernels
