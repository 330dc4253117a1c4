#pragma once
// DepthwiseConv2D int8 (depth multiplier 1), optimized: per chunk of up to 32 channels, output
// pixels two at a time in raster order (a pair may span two rows; an odd last pixel is paired with
// one past the end, whose window still points into the input or the zero points and whose result
// is dropped). A table lists, per tap of the window, the tap's weights and the input of each pixel
// (padding taps point at a chunk of input zero points, so the inner loop has no bounds checks);
// windows inside the input skip the per-tap checks. P::dw_taps2 starts both pixels' channel
// accumulators (stack) at the folded bias and takes every tap as one channel-vector
// multiply-accumulate, reading each weight once for both pixels. Requantization on the
// accumulator rows. No scratch. Bit-exact to reference::depthwise_conv2d.
#include <cstddef>
#include <cstdint>

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
    if constexpr (requires { P::depthwise(g, q, input_zero_point, in, weights, out); }) {
        P::depthwise(g, q, input_zero_point, in, weights, out);  // Helium: the whole layer
        return;
    }
    const int c = g.out_c, taps = g.kernel_h * g.kernel_w, pixels = g.out_h * g.out_w;
    // Steps between taps, and the window origins whose window lies inside the input.
    const std::ptrdiff_t step_x = static_cast<std::ptrdiff_t>(g.dilation_w) * c, row_w = g.kernel_w * step_x;
    const std::ptrdiff_t step_y = static_cast<std::ptrdiff_t>(g.dilation_h) * g.in_w * c;
    const int inner_h = g.in_h - (g.kernel_h - 1) * g.dilation_h, inner_w = g.in_w - (g.kernel_w - 1) * g.dilation_w;
    alignas(16) std::int8_t zp_chunk[depthwise_chunk];
    alignas(16) std::int32_t acc0[depthwise_chunk], acc1[depthwise_chunk];
    for (int i = 0; i < depthwise_chunk; ++i) zp_chunk[i] = static_cast<std::int8_t>(input_zero_point);
    // Per tap {weights, input of pixel 0, input of pixel 1}, each at channel c0; then a null.
    const std::int8_t* tab[3 * depthwise_max_taps + 1];
    tab[3 * taps] = nullptr;
    for (int c0 = 0; c0 < c; c0 += depthwise_chunk) {
        const int n = c - c0 < depthwise_chunk ? c - c0 : depthwise_chunk;
        for (int t = 0; t < taps; ++t) tab[3 * t] = weights + t * c + c0;
        int oy = 0, ox = 0;
        for (int p = 0; p < pixels; p += 2) {
            // Slots 1 and 2: the windows of pixels p and p + 1 (past the end for an odd last pixel:
            // every pointer is still in the input or the zero points, the result is dropped).
            for (const std::int8_t** dst = tab + 1; dst != tab + 3; ++dst) {
                const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
                if (++ox == g.out_w) ox = 0, ++oy;
                const std::int8_t** d = dst;
                if (iy0 >= 0 && iy0 < inner_h && ix0 >= 0 && ix0 < inner_w) {
                    std::ptrdiff_t y = (static_cast<std::ptrdiff_t>(iy0) * g.in_w + ix0) * c + c0;
                    for (int ky = 0; ky < g.kernel_h; ++ky, y += step_y)
                        for (std::ptrdiff_t x = 0; x != row_w; x += step_x, d += 3) *d = in + (y + x);
                    continue;
                }
                for (int ky = 0, iy = iy0; ky < g.kernel_h; ++ky, iy += g.dilation_h) {
                    const bool row_in = static_cast<unsigned>(iy) < static_cast<unsigned>(g.in_h);
                    const std::int8_t* row = in + c0 + static_cast<std::ptrdiff_t>(row_in ? iy : 0) * g.in_w * c;
                    for (int kx = 0, ix = ix0; kx < g.kernel_w; ++kx, ix += g.dilation_w, d += 3)
                        *d = row_in && static_cast<unsigned>(ix) < static_cast<unsigned>(g.in_w) ? row + ix * c
                                                                                                  : zp_chunk;
                }
            }
            std::int8_t* const o = out + static_cast<std::ptrdiff_t>(p) * c + c0;
            if constexpr (requires { P::dw_taps2_plain(tab, n, q.bias, q.q, o, o); }) {
                if (q.plain() && p + 1 < pixels) {
                    P::dw_taps2_plain(tab, n, q.bias + c0, q.q + c0, o, o + c);
                    continue;
                }
            }
            P::dw_taps2(tab, n, q.bias + c0, acc0, acc1);
            P::requantize_row(acc0, q, c0, n, o);
            if (p + 1 < pixels) P::requantize_row(acc1, q, c0, n, o + c);
        }
    }
}

}  // namespace mote::kernels
