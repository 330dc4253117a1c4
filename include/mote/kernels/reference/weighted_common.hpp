#pragma once
// What the int8 weighted kernels (conv, depthwise, dense) share: the folded per-channel
// requantization, seen through pointers so one kernel serves every channel count.
#include <cstdint>

#include "mote/quant/channel_requant.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct RequantView {
    const std::int32_t* bias;
    const std::int32_t* multiplier;
    const std::int8_t* exponent;
    std::int32_t input_zero_point;
    std::int32_t output_zero_point;
    quant::ClampRange clamp;
};

template <int Channels>
constexpr RequantView view_of(const quant::ChannelRequant<Channels>& r) {
    return {r.bias.data(), r.multiplier.data(), r.exponent.data(), r.input_zero_point,
            r.output_zero_point, r.clamp};
}

inline std::int8_t requantize_to_int8(std::int32_t acc, const RequantView& q, int channel) {
    std::int32_t v = quant::multiply_by_quantized_multiplier(acc, q.multiplier[channel],
                                                             q.exponent[channel]);
    v += q.output_zero_point;
    v = v < q.clamp.min ? q.clamp.min : v;
    v = v > q.clamp.max ? q.clamp.max : v;
    return static_cast<std::int8_t>(v);
}

struct FloatClamp {
    float min, max;
};

inline float clamp_float(float v, FloatClamp c) {
    return v < c.min ? c.min : (v > c.max ? c.max : v);
}

}  // namespace mote::reference
