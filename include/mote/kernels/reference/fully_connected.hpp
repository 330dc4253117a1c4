#pragma once
// FullyConnected reference kernels. Weights [O, I].
#include <cstdint>

#include "mote/kernels/reference/conv2d.hpp"
#include "mote/kernels/reference/weighted_common.hpp"

namespace mote::reference {

inline void fully_connected(int inputs, int outputs, const RequantView& q, const std::int8_t* in,
                            const std::int8_t* weights, std::int8_t* out) {
    for (int o = 0; o < outputs; ++o) {
        const std::int32_t acc = q.bias[o] + dot_int8(in, weights + o * inputs, inputs);
        out[o] = requantize_to_int8(acc, q, o);
    }
}

inline void fully_connected(int inputs, int outputs, FloatClamp clamp, const float* in,
                            const float* weights, const float* bias, float* out) {
    for (int o = 0; o < outputs; ++o) {
        const float* w = weights + o * inputs;
        float acc = 0.0f;
        for (int i = 0; i < inputs; ++i) acc += in[i] * w[i];
        if (bias) acc += bias[o];
        out[o] = clamp_float(acc, clamp);
    }
}

}  // namespace mote::reference
