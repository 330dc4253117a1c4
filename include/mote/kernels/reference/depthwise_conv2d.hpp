#pragma once
// DepthwiseConv2D reference kernels. Weights [KH, KW, C·M]; output channel c·M + m reads input
// channel c. g.out_c = C·M.
#include <cstdint>

#include "mote/core/shape.hpp"
#include "mote/kernels/reference/conv2d.hpp"
#include "mote/kernels/reference/weighted_common.hpp"

namespace mote::reference {

inline void depthwise_conv2d(const WindowGeometry& g, int depth_multiplier, const RequantView& q,
                             const std::int8_t* in, const std::int8_t* weights, std::int8_t* out) {
    for (int oy = 0; oy < g.out_h; ++oy) {
        const int iy0 = oy * g.stride_h - g.pad_top;
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            for (int oc = 0; oc < g.out_c; ++oc) {
                const int c = oc / depth_multiplier;
                std::int32_t acc = q.bias[oc];
                for (int ky = 0; ky < g.kernel_h; ++ky) {
                    const int iy = iy0 + ky * g.dilation_h;
                    const bool row_in = iy >= 0 && iy < g.in_h;
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int ix = ix0 + kx * g.dilation_w;
                        const std::int32_t w = weights[(ky * g.kernel_w + kx) * g.out_c + oc];
                        const std::int32_t x = row_in && ix >= 0 && ix < g.in_w
                                                   ? in[(iy * g.in_w + ix) * g.in_c + c]
                                                   : q.input_zero_point;
                        acc += x * w;
                    }
                }
                *out++ = requantize_to_int8(acc, q, oc);
            }
        }
    }
}

inline void depthwise_conv2d(const WindowGeometry& g, int depth_multiplier, FloatClamp clamp,
                             const float* in, const float* weights, const float* bias,
                             float* out) {
    for (int oy = 0; oy < g.out_h; ++oy) {
        const int iy0 = oy * g.stride_h - g.pad_top;
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            for (int oc = 0; oc < g.out_c; ++oc) {
                const int c = oc / depth_multiplier;
                float acc = 0.0f;
                for (int ky = 0; ky < g.kernel_h; ++ky) {
                    const int iy = iy0 + ky * g.dilation_h;
                    if (iy < 0 || iy >= g.in_h) continue;
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int ix = ix0 + kx * g.dilation_w;
                        if (ix < 0 || ix >= g.in_w) continue;
                        acc += in[(iy * g.in_w + ix) * g.in_c + c] *
                               weights[(ky * g.kernel_w + kx) * g.out_c + oc];
                    }
                }
                if (bias) acc += bias[oc];
                *out++ = clamp_float(acc, clamp);
            }
        }
    }
}

}  // namespace mote::reference
