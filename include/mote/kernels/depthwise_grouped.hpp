#pragma once
// DepthwiseConv2D int8 with depth multiplier M on C input channels as a grouped convolution: C
// groups of one input channel, each giving M output channels (c·M + m). Output pixels two at a
// time; per pass over a chunk of input channels, each channel's window is gathered into a column
// of its own (P::col_t; padding taps read as the input zero point, whose products are in the
// folded bias), then one GEMM of M weight rows × KH·KW against both pixels' columns
// (detail::gemm_rows: the micro-kernels and fused requantization of kernels/conv2d.hpp).
// Weights [C][M][KH·KW] in P's order, groups group_stride apart (kernels/pack.hpp,
// depthwise_gemm_weights). The columns of as many channels as fit `stack_column_bytes` live on
// the stack; a window whose two columns do not fit goes to the layer's scratch. Bit-exact to
// reference::depthwise_conv2d.
#include <cstddef>
#include <cstdint>

#include "mote/kernels/conv2d.hpp"

namespace mote::kernels {

// Elements from one channel's column to the next: a multiple of 4, so that every column starts
// word-aligned (the DSP micro-kernels read columns with LDRD).
constexpr int grouped_column_stride(const WindowGeometry& g) { return (g.kernel_h * g.kernel_w + 3) & ~3; }

template <class P = Primitives>
constexpr std::size_t grouped_column_bytes(const WindowGeometry& g) {
    return static_cast<std::size_t>(grouped_column_stride(g)) * sizeof(typename P::col_t);
}

// Input channels gathered per pass: as many as have both pixels' columns on the stack, at least 1.
template <class P = Primitives>
constexpr int grouped_channels_per_pass(const WindowGeometry& g) {
    const auto fit = static_cast<int>(stack_column_bytes / (2 * grouped_column_bytes<P>(g)));
    return fit < 1 ? 1 : fit < g.in_c ? fit : g.in_c;
}

template <class P = Primitives>
constexpr std::size_t grouped_scratch_bytes(const WindowGeometry& g) {
    const std::size_t two = 2 * grouped_column_bytes<P>(g);
    return two <= stack_column_bytes ? 0 : align16(two);
}

namespace detail {
// The windows of output pixel p in input channels c0 .. c0 + n − 1: channel c0 + i's column at
// col + i·stride, tap t (raster order over the kernel) at element t. Per kernel row, the taps
// left and right of the image are zero points, the ones between are copied; a window inside the
// image skips the checks.
template <class P>
inline void gather_channels(const WindowGeometry& g, std::int32_t zp, const std::int8_t* in, int p,
                            int c0, int n, int stride, typename P::col_t* col) {
    using col_t = typename P::col_t;
    const int oy = p / g.out_w, ox = p - oy * g.out_w;
    const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    const int kw = g.kernel_w, dw = g.dilation_w;
    // The kernel columns [kx0, kx1) whose input column ix0 + kx·dw is inside the image.
    const int left = ix0 >= 0 ? 0 : (-ix0 + dw - 1) / dw;
    const int kx0 = left < kw ? left : kw;
    const int right = (g.in_w - ix0 + dw - 1) / dw;
    const int kx1 = right < kx0 ? kx0 : right > kw ? kw : right;
    const std::ptrdiff_t step = static_cast<std::ptrdiff_t>(dw) * g.in_c;  // between taps of a row
    const std::ptrdiff_t row_step = static_cast<std::ptrdiff_t>(g.dilation_h) * g.in_w * g.in_c;
    const std::ptrdiff_t first = (static_cast<std::ptrdiff_t>(iy0) * g.in_w + ix0 + kx0 * dw) * g.in_c + c0;
    const auto pad = static_cast<col_t>(zp);
    if (iy0 >= 0 && iy0 + (g.kernel_h - 1) * g.dilation_h < g.in_h && kx0 == 0 && kx1 == kw) {
        for (int i = 0; i < n; ++i) {
            col_t* d = col + i * stride;
            const std::int8_t* row = in + first + i;
            for (int ky = 0; ky < g.kernel_h; ++ky, row += row_step) {
                const std::int8_t* src = row;
                for (int kx = 0; kx < kw; ++kx, src += step) *d++ = static_cast<col_t>(*src);
            }
        }
        return;
    }
    for (int i = 0; i < n; ++i) {
        col_t* d = col + i * stride;
        std::ptrdiff_t at = first + i;  // tap (ky, kx0) of channel c0 + i
        for (int ky = 0, iy = iy0; ky < g.kernel_h; ++ky, iy += g.dilation_h, at += row_step) {
            if (static_cast<unsigned>(iy) >= static_cast<unsigned>(g.in_h)) {
                for (int kx = 0; kx < kw; ++kx) *d++ = pad;
                continue;
            }
            int kx = 0;
            for (; kx < kx0; ++kx) *d++ = pad;
            for (std::ptrdiff_t a = at; kx < kx1; ++kx, a += step) *d++ = static_cast<col_t>(in[a]);
            for (; kx < kw; ++kx) *d++ = pad;
        }
    }
}

template <class P>
inline void grouped_columns(const WindowGeometry& g, int depth_multiplier, const Requant& q,
                            std::int32_t zp, const std::int8_t* in, const weight_t<P>* weights,
                            std::int8_t* out, typename P::col_t* col0, int per_pass) {
    const int taps = g.kernel_h * g.kernel_w, stride = grouped_column_stride(g);
    const int pixels = g.out_h * g.out_w, m = depth_multiplier;
    typename P::col_t* const col1 = col0 + static_cast<std::ptrdiff_t>(per_pass) * stride;
    for (int p = 0; p < pixels; p += 2) {
        const bool pair = p + 1 < pixels;
        std::int8_t* const out0 = out + static_cast<std::ptrdiff_t>(p) * g.out_c;
        for (int c0 = 0; c0 < g.in_c; c0 += per_pass) {
            const int n = g.in_c - c0 < per_pass ? g.in_c - c0 : per_pass;
            gather_channels<P>(g, zp, in, p, c0, n, stride, col0);
            if (pair) gather_channels<P>(g, zp, in, p + 1, c0, n, stride, col1);
            for (int i = 0; i < n; ++i) {
                const int o = (c0 + i) * m;  // the group's first output channel
                Requant group = q;
                group.bias += o, group.q += o;
                const weight_t<P>* w = weights + static_cast<std::ptrdiff_t>(c0 + i) * group_stride(m, taps);
                if (pair)
                    gemm_rows<P, 2>(col0 + i * stride, col1 + i * stride, taps, m, group, w, out0 + o,
                                    out0 + g.out_c + o, nullptr);
                else
                    gemm_rows<P, 1>(col0 + i * stride, nullptr, taps, m, group, w, out0 + o, nullptr, nullptr);
            }
        }
    }
}
}  // namespace detail

// weights: depthwise_gemm_weights<P, W, C, M, KH·KW>() (or pack_groups of depthwise_rows);
// scratch: at least grouped_scratch_bytes<P>(g), 16-byte aligned.
template <class P = Primitives>
inline void depthwise_grouped(const WindowGeometry& g, int depth_multiplier, const Requant& q,
                              std::int32_t input_zero_point, const std::int8_t* in,
                              const weight_t<P>* weights, std::int8_t* out, std::byte* scratch) {
    using col_t = typename P::col_t;
    if (grouped_scratch_bytes<P>(g) == 0) {
        alignas(16) col_t cols[stack_column_bytes / sizeof(col_t)];
        detail::grouped_columns<P>(g, depth_multiplier, q, input_zero_point, in, weights, out, cols,
                                   grouped_channels_per_pass<P>(g));
    } else {
        detail::grouped_columns<P>(g, depth_multiplier, q, input_zero_point, in, weights, out,
                                   reinterpret_cast<col_t*>(scratch), 1);
    }
}

}  // namespace mote::kernels
