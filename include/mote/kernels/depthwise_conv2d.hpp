#pragma once
// DepthwiseConv2D int8 (depth multiplier 1), optimized: per output pixel and per chunk of up to
// 32 channels, a vector of channel accumulators (stack) starts at the folded bias and takes every
// tap of the window as one channel-vector multiply-accumulate; padding taps point at a chunk of
// input zero points, so the inner loop has no bounds checks. Requantization on the accumulator
// row. No scratch. Bit-exact to reference::depthwise_conv2d.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/kernels/conv2d.hpp"

namespace mote::kernels {

inline constexpr int depthwise_max_taps = 64;
inline constexpr int depthwise_chunk = 32;

constexpr bool depthwise_supported(const WindowGeometry& g, int depth_multiplier) {
    return depth_multiplier == 1 && g.kernel_h * g.kernel_w <= depthwise_max_taps;
}

// weights: [KH·KW, C] (TFLite).
template <class P = Primitives>
inline void depthwise_conv2d(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                             const std::int8_t* in, const std::int8_t* weights, std::int8_t* out) {
    const int c = g.out_c;
    alignas(16) std::int8_t zp_chunk[depthwise_chunk];
    alignas(16) std::int32_t acc[depthwise_chunk];
    for (int i = 0; i < depthwise_chunk; ++i) zp_chunk[i] = static_cast<std::int8_t>(input_zero_point);
    const std::int8_t* base[depthwise_max_taps];
    const std::int8_t* taps[depthwise_max_taps];
    for (int oy = 0; oy < g.out_h; ++oy) {
        const int iy0 = oy * g.stride_h - g.pad_top;
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int ix0 = ox * g.stride_w - g.pad_left;
            int t = 0;
            for (int ky = 0; ky < g.kernel_h; ++ky) {
                const int iy = iy0 + ky * g.dilation_h;
                const bool row_in = iy >= 0 && iy < g.in_h;
                for (int kx = 0; kx < g.kernel_w; ++kx, ++t) {
                    const int ix = ix0 + kx * g.dilation_w;
                    base[t] = row_in && ix >= 0 && ix < g.in_w
                                  ? in + (static_cast<std::ptrdiff_t>(iy) * g.in_w + ix) * c
                                  : nullptr;
                }
            }
            for (int c0 = 0; c0 < c; c0 += depthwise_chunk) {
                const int n = c - c0 < depthwise_chunk ? c - c0 : depthwise_chunk;
                for (int i = 0; i < t; ++i) taps[i] = base[i] ? base[i] + c0 : zp_chunk;
                std::memcpy(acc, q.bias + c0, static_cast<std::size_t>(n) * sizeof(std::int32_t));
                P::dw_taps(taps, t, weights + c0, c, n, acc);
                P::requantize_row(acc, q, c0, n, out + c0);
            }
            out += c;
        }
    }
}

}  // namespace mote::kernels
