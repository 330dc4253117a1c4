#pragma once
// DepthwiseConv2D int8, optimized, for every depth multiplier M and window; DepthwisePlan below
// picks one of two paths per layer at compile time (depthwise_path):
// - depthwise_conv2d, channel vectors: per chunk of up to 32 channels, output pixels two at a
//   time in raster order (a pair may span two rows; an odd last pixel is paired with one past the
//   end, whose window still points into the input or the zero points and whose result is
//   dropped). A table lists, per tap of the window, the tap's weights and the input of each
//   pixel (padding taps point at a chunk of input zero points, so the inner loop has no bounds
//   checks); windows inside the input skip the per-tap checks. P::dw_taps2 starts both pixels'
//   channel accumulators (stack) at the folded bias and takes every tap as one channel-vector
//   multiply-accumulate, reading each weight once for both pixels. Requantization on the
//   accumulator rows. A table of up to `depthwise_stack_taps` taps is on the stack, a longer one
//   (tall audio kernels) in the layer's scratch. With M > 1 every multiplier m is one such pass
//   (weights and per-channel records re-laid [M][C] at compile time) whose outputs are scattered
//   to every M-th channel.
// - depthwise_grouped (kernels/depthwise_grouped.hpp): per input channel a GEMM of M weight rows
//   on the channel's gathered window; for one input channel, or few channels per multiplier.
// Bit-exact to reference::depthwise_conv2d.
#include <cstddef>
#include <cstdint>

#include "mote/kernels/conv2d.hpp"
#include "mote/kernels/depthwise_grouped.hpp"
#include "mote/kernels/pack.hpp"

namespace mote::kernels {

// Taps whose table fits the stack (Helium's whole-layer kernel has tables of this size too).
inline constexpr int depthwise_stack_taps = 64;
inline constexpr int depthwise_chunk = 32;

// Bytes of the tap table of a longer window (the layer's scratch), else 0.
constexpr std::size_t depthwise_taps_scratch_bytes(const WindowGeometry& g) {
    const int taps = g.kernel_h * g.kernel_w;
    const std::size_t table = (3 * static_cast<std::size_t>(taps) + 1) * sizeof(const std::int8_t*);
    return taps <= depthwise_stack_taps ? 0 : align16(table);
}

namespace detail {
// depthwise_conv2d; One: M == 1 (outputs stored in place, plain layers by the fused
// requantize-and-store).
template <class P, bool One>
inline void depthwise_taps(const WindowGeometry& g, int depth_multiplier, const Requant& q,
                           std::int32_t input_zero_point, const std::int8_t* in, const std::int8_t* weights,
                           std::int8_t* out, std::byte* scratch) {
    // Locals: int8 stores may alias anything, so fields read through g would be reloaded.
    const int c = g.in_c, m_count = One ? 1 : depth_multiplier, out_c = c * m_count;
    const int taps = g.kernel_h * g.kernel_w, pixels = g.out_h * g.out_w;
    if constexpr (One && P::capabilities.whole_depthwise) {
        if (taps <= depthwise_stack_taps) {
            P::depthwise(g, q, input_zero_point, in, weights, out);  // Helium: the whole layer
            return;
        }
    }
    // Steps between taps, and the window origins whose window lies inside the input.
    const std::ptrdiff_t step_x = static_cast<std::ptrdiff_t>(g.dilation_w) * c, row_w = g.kernel_w * step_x;
    const std::ptrdiff_t step_y = static_cast<std::ptrdiff_t>(g.dilation_h) * g.in_w * c;
    const int inner_h = g.in_h - (g.kernel_h - 1) * g.dilation_h, inner_w = g.in_w - (g.kernel_w - 1) * g.dilation_w;
    alignas(16) std::int8_t zp_chunk[depthwise_chunk];
    alignas(16) std::int32_t acc0[depthwise_chunk], acc1[depthwise_chunk];
    alignas(4) std::int8_t vals[depthwise_chunk];  // one pixel's outputs of one multiplier, to scatter
    for (int i = 0; i < depthwise_chunk; ++i) zp_chunk[i] = static_cast<std::int8_t>(input_zero_point);
    // Per tap {weights, input of pixel 0, input of pixel 1}, each at channel c0; then a null.
    const std::int8_t* stack_tab[3 * depthwise_stack_taps + 1];
    const std::int8_t** const tab =
        taps <= depthwise_stack_taps ? stack_tab : reinterpret_cast<const std::int8_t**>(scratch);
    tab[3 * taps] = nullptr;
    for (int c0 = 0; c0 < c; c0 += depthwise_chunk) {
        const int n = c - c0 < depthwise_chunk ? c - c0 : depthwise_chunk;
        const auto weight_slots = [&](int m) {
            const std::int8_t* w = weights + static_cast<std::ptrdiff_t>(m) * taps * c + c0;
            for (int t = 0; t < taps; ++t, w += c) tab[3 * t] = w;
        };
        if constexpr (One) weight_slots(0);
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
            std::int8_t* const o = out + static_cast<std::ptrdiff_t>(p) * out_c + c0 * m_count;
            if constexpr (One) {
                if constexpr (P::capabilities.fused_requantize) {
                    if (q.plain() && p + 1 < pixels) {
                        P::dw_taps2_plain(tab, n, q.bias + c0, q.q + c0, o, o + c);
                        continue;
                    }
                }
                P::dw_taps2(tab, n, q.bias + c0, acc0, acc1);
                P::requantize_row(acc0, q, c0, n, o);
                if (p + 1 < pixels) P::requantize_row(acc1, q, c0, n, o + c);
            } else {
                // Multiplier m: output channels (c0 + i)·M + m, every M-th byte of the pixel's row.
                for (int m = 0; m < m_count; ++m) {
                    weight_slots(m);
                    Requant qm = q;
                    qm.bias += m * c, qm.q += m * c;
                    const auto store = [&](const std::int32_t* acc, std::int8_t* dst) {
                        P::requantize_row(acc, qm, c0, n, vals);
                        for (int i = 0; i < n; ++i, dst += m_count) *dst = vals[i];
                    };
                    P::dw_taps2(tab, n, qm.bias + c0, acc0, acc1);
                    store(acc0, o + m);
                    if (p + 1 < pixels) store(acc1, o + out_c + m);
                }
            }
        }
    }
}
}  // namespace detail

// Output channel c·M + m of depth multiplier M. weights: [M][KH·KW][C] (pack.hpp,
// depthwise_by_multiplier; for M == 1 TFLite's [KH·KW, C]); q: the per-channel records in the
// order [M][C] (by_multiplier below; for M == 1 the layer's own); scratch:
// depthwise_taps_scratch_bytes(g), pointer-aligned.
template <class P = Primitives>
inline void depthwise_conv2d(const WindowGeometry& g, int depth_multiplier, const Requant& q,
                             std::int32_t input_zero_point, const std::int8_t* in, const std::int8_t* weights,
                             std::int8_t* out, std::byte* scratch) {
    if (depth_multiplier == 1)
        detail::depthwise_taps<P, true>(g, 1, q, input_zero_point, in, weights, out, scratch);
    else
        detail::depthwise_taps<P, false>(g, depth_multiplier, q, input_zero_point, in, weights, out, scratch);
}

// ChannelParams in the order [M][C] (record c·M + m at m·C + c), as depthwise_conv2d reads them.
template <int Channels>
constexpr ChannelParams<Channels> by_multiplier(const ChannelParams<Channels>& p, int depth_multiplier) {
    ChannelParams<Channels> r = p;
    const int c = Channels / depth_multiplier;
    for (int o = 0; o < Channels; ++o) {
        const auto to = static_cast<std::size_t>(o % depth_multiplier * c + o / depth_multiplier);
        r.bias[to] = p.bias[static_cast<std::size_t>(o)];
        r.q[to] = p.q[static_cast<std::size_t>(o)];
    }
    return r;
}

// How an int8 DepthwiseConv2D runs with depth multiplier M on C input channels.
enum class DepthwisePath {
    taps,     // depthwise_conv2d: channel vectors, one pass per multiplier
    grouped,  // depthwise_grouped: per channel a GEMM of M rows on a gathered column
};

// Measured on the Cortex-M4 (DSP set, instructions per MAC over C = 2..16, M = 2..8): the taps
// pass wins while there are enough channels per multiplier, C ≥ 2·M for windows of up to 16
// taps and C ≥ 4·M for larger ones (the GEMM's fixed costs per column are spread over the
// window); with M == 1, from two channels on.
constexpr DepthwisePath depthwise_path(const WindowGeometry& g, int depth_multiplier) {
    const int m = depth_multiplier, per_multiplier = m == 1 ? 2 : g.kernel_h * g.kernel_w <= 16 ? 2 * m : 4 * m;
    return g.in_c >= per_multiplier ? DepthwisePath::taps : DepthwisePath::grouped;
}

// A DepthwiseConv2D layer's optimized kernel on primitive set P: the path, its flash (weights in
// the path's layout and the per-channel records), its scratch, and the call. G: the layer's
// geometry (G.out_c = C·M); Requant: its quant::ChannelRequant.
template <const auto& W, WindowGeometry G, int M, const auto& Requant, class P = Primitives>
struct DepthwisePlan {
    static constexpr DepthwisePath path = depthwise_path(G, M);
    static constexpr bool taps = path == DepthwisePath::taps;
    static constexpr int window = G.kernel_h * G.kernel_w;
    static constexpr auto params =
        taps && M > 1 ? by_multiplier(channel_params(Requant), M) : channel_params(Requant);
    static constexpr const char* kernel = taps ? "depthwise taps" : "depthwise grouped GEMM";
    static constexpr std::size_t flash_bytes =
        (taps ? W.values.size() : gemm_weight_bytes<P>(static_cast<std::size_t>(G.in_c) * group_stride(M, window))) +
        sizeof(params.bias) + sizeof(params.q);
    static constexpr std::size_t scratch_bytes =
        taps ? depthwise_taps_scratch_bytes(G) : grouped_scratch_bytes<P>(G);

    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        const std::int32_t zp = Requant.input_zero_point;
        const kernels::Requant view = view_of(params);
        if constexpr (taps && M == 1)
            depthwise_conv2d<P>(G, M, view, zp, in, W.values.data(), out, scratch);
        else if constexpr (taps)
            depthwise_conv2d<P>(G, M, view, zp, in, by_multiplier_weights<W, G.in_c, M, window>.data(), out, scratch);
        else
            depthwise_grouped<P>(G, M, view, zp, in, depthwise_gemm_weights<P, W, G.in_c, M, window>(), out, scratch);
    }
};

}  // namespace mote::kernels
