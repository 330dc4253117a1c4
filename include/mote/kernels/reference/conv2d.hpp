#pragma once
// Conv2D reference kernels. Weights [O, KH, KW, I]. The int8 kernel uses the folded bias
// (see quant/channel_requant.hpp), so padding taps contribute zp_in·w.
#include <cstdint>

#include "mote/core/shape.hpp"
#include "mote/kernels/reference/weighted_common.hpp"

namespace mote::reference {

inline bool window_inside(const WindowGeometry& g, int iy0, int ix0) {
    return iy0 >= 0 && ix0 >= 0 && iy0 + (g.kernel_h - 1) * g.dilation_h < g.in_h &&
           ix0 + (g.kernel_w - 1) * g.dilation_w < g.in_w;
}

inline std::int32_t dot_int8(const std::int8_t* a, const std::int8_t* b, int n) {
    std::int32_t acc = 0;
    for (int i = 0; i < n; ++i) acc += static_cast<std::int32_t>(a[i]) * b[i];
    return acc;
}

inline std::int32_t sum_int8(const std::int8_t* a, int n) {
    std::int32_t acc = 0;
    for (int i = 0; i < n; ++i) acc += a[i];
    return acc;
}

inline void conv2d(const WindowGeometry& g, const RequantView& q, const std::int8_t* in,
                   const std::int8_t* weights, std::int8_t* out) {
    const int taps = g.kernel_h * g.kernel_w * g.in_c;
    for (int oy = 0; oy < g.out_h; ++oy) {
        const int iy0 = oy * g.stride_h - g.pad_top;
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            const bool inside = window_inside(g, iy0, ix0);
            for (int o = 0; o < g.out_c; ++o) {
                const std::int8_t* w = weights + o * taps;
                std::int32_t acc = q.bias[o];
                for (int ky = 0; ky < g.kernel_h; ++ky) {
                    const int iy = iy0 + ky * g.dilation_h;
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int ix = ix0 + kx * g.dilation_w;
                        const std::int8_t* wt = w + (ky * g.kernel_w + kx) * g.in_c;
                        if (inside || (iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w))
                            acc += dot_int8(in + (iy * g.in_w + ix) * g.in_c, wt, g.in_c);
                        else
                            acc += q.input_zero_point * sum_int8(wt, g.in_c);
                    }
                }
                *out++ = requantize_to_int8(acc, q, o);
            }
        }
    }
}

// TFLite's order: Σ over (ky, kx, c) of in·w skipping padding taps, then + bias, then clamp.
inline void conv2d(const WindowGeometry& g, FloatClamp clamp, const float* in,
                   const float* weights, const float* bias, float* out) {
    const int taps = g.kernel_h * g.kernel_w * g.in_c;
    for (int oy = 0; oy < g.out_h; ++oy) {
        const int iy0 = oy * g.stride_h - g.pad_top;
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            for (int o = 0; o < g.out_c; ++o) {
                const float* w = weights + o * taps;
                float acc = 0.0f;
                for (int ky = 0; ky < g.kernel_h; ++ky) {
                    const int iy = iy0 + ky * g.dilation_h;
                    if (iy < 0 || iy >= g.in_h) continue;
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int ix = ix0 + kx * g.dilation_w;
                        if (ix < 0 || ix >= g.in_w) continue;
                        const float* px = in + (iy * g.in_w + ix) * g.in_c;
                        const float* wt = w + (ky * g.kernel_w + kx) * g.in_c;
                        for (int c = 0; c < g.in_c; ++c) acc += px[c] * wt[c];
                    }
                }
                if (bias) acc += bias[o];
                *out++ = clamp_float(acc, clamp);
            }
        }
    }
}

}  // namespace mote::reference
