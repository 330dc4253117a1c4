#pragma once
// ADD int8, optimized: the three rescales of reference::add (each input, then the sum) as the
// merged-rounding requantization of kernels/requant.hpp (one 64-bit multiply-accumulate and a
// shift each: SMLAL on Arm) instead of a saturating doubling high multiply and a rounding shift.
// Bit-exact to reference::add: the merged form equals MultiplyByQuantizedMultiplier for every
// int32 input (tests/unit/kernels_differential.cpp), and the inputs here are in range:
// |(q − zp)·2^20| < 2^28, and each scaled input is at most that in magnitude (multipliers < 1).
#include <cstdint>

#include "mote/kernels/reference/add.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels {

struct AddQ {
    ChannelQ input1, input2, output;
    std::int32_t input1_offset, input2_offset, output_offset, min, max;
};

constexpr AddQ add_q(const reference::AddParams& p) {
    return {channel_q(p.input1.multiplier, p.input1.exponent),
            channel_q(p.input2.multiplier, p.input2.exponent),
            channel_q(p.output.multiplier, p.output.exponent),
            p.input1_offset,
            p.input2_offset,
            p.output_offset,
            p.clamp.min,
            p.clamp.max};
}

inline void add(const AddQ& params, const std::int8_t* a, const std::int8_t* b, std::int8_t* out, int n) {
    const AddQ q = params;  // locals: int8 stores may alias the parameters
    for (int i = 0; i < n; ++i) {
        const std::int32_t x1 = requantize((q.input1_offset + a[i]) * (1 << reference::add_left_shift_int8), q.input1);
        const std::int32_t x2 = requantize((q.input2_offset + b[i]) * (1 << reference::add_left_shift_int8), q.input2);
        std::int32_t v = requantize(x1 + x2, q.output) + q.output_offset;
        v = v < q.min ? q.min : v;
        v = v > q.max ? q.max : v;
        out[i] = static_cast<std::int8_t>(v);
    }
}

}  // namespace mote::kernels
