#pragma once
// Conv2D int8, optimized: im2col of two output pixels at a time (int16 or int8, as the primitive
// set wants), then a GEMM micro-kernel of 2 pixels × 2 output channels over the whole window,
// requantization fused into the output store. Pointwise (1×1, stride 1) convolutions with an
// int8 column read the input in place (a plain GEMM). Columns of up to `stack_column_bytes`
// live on the stack; larger ones in the layer's scratch (counted in the arena at compile time).
// Bit-exact to reference::conv2d (padding taps read as the input zero point, bias folded).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/core/shape.hpp"
#include "mote/kernels/compact.hpp"
#include "mote/kernels/pack.hpp"
#include "mote/kernels/primitives.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels {

constexpr std::size_t align16(std::size_t n) { return (n + 15) & ~std::size_t{15}; }

inline constexpr std::size_t stack_column_bytes = 512;  // both columns together

constexpr bool is_pointwise(const WindowGeometry& g) {
    return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
           g.pad_top == 0 && g.pad_left == 0;
}

// The GEMM's K for a convolution: the window size, rounded up to a multiple of 8 where that
// lets the three-pixel kernel run (e.g. 3×3×3 = 27 → 32: 18 % more MACs, a third fewer
// instructions). The padded weights are zeros (kernels/pack.hpp, pad_rows), the padded column
// elements are set to zero once per call.
template <class P = Primitives>
constexpr int conv2d_k(const WindowGeometry& g) {
    const int k = g.kernel_h * g.kernel_w * g.in_c;
    if constexpr (P::capabilities.three_pixel_gemm) {
        if (k % 8 != 0 && k > 16 && g.out_c % 2 == 0 && g.out_h * g.out_w >= 3) return (k + 7) & ~7;
    }
    return k;
}

// Bytes of one column, 0 when the input is read in place.
template <class P = Primitives>
constexpr std::size_t conv2d_column_bytes(const WindowGeometry& g) {
    if (sizeof(typename P::col_t) == 1 && is_pointwise(g)) return 0;
    return align16(static_cast<std::size_t>(conv2d_k<P>(g)) * sizeof(typename P::col_t));
}

template <class P>
constexpr bool uses_three_pixels(const WindowGeometry& g) {
    if constexpr (P::capabilities.three_pixel_gemm) {
        return conv2d_k<P>(g) % 8 == 0 && g.out_c % 2 == 0 && g.out_h * g.out_w >= 3;
    } else {
        return false;
    }
}

// The path conv2d() takes for g, as describe() names it.
template <class P = Primitives>
constexpr const char* conv2d_path(const WindowGeometry& g) {
    if (uses_three_pixels<P>(g)) return is_pointwise(g) ? "GEMM 3x2, pointwise" : "GEMM 3x2, im2col";
    return is_pointwise(g) ? "GEMM 2x2, pointwise" : "GEMM 2x2, im2col";
}

// The column buffer: two columns, or one interleaved block of three.
template <class P = Primitives>
constexpr std::size_t conv2d_buffer_bytes(const WindowGeometry& g) {
    const std::size_t two = 2 * conv2d_column_bytes<P>(g);
    if (!uses_three_pixels<P>(g)) return two;
    const std::size_t three = align16(3 * static_cast<std::size_t>(conv2d_k<P>(g)) * sizeof(typename P::col_t));
    return three > two ? three : two;
}

template <class P = Primitives>
constexpr std::size_t conv2d_scratch_bytes(const WindowGeometry& g) {
    const std::size_t bytes = conv2d_buffer_bytes<P>(g);
    return bytes <= stack_column_bytes ? 0 : bytes;
}

namespace detail {
// The im2col column of output pixel p (or the input pixel itself, read in place). With Lanes > 1
// the column is one lane of an interleaved block: element e at col[(e/4)·4·Lanes + e%4], groups
// of four of the Lanes columns side by side (col = block + lane·4).
template <class P, int Lanes = 1>
inline const typename P::col_t* column(const WindowGeometry& g, std::int32_t zp,
                                       const std::int8_t* in, int p, typename P::col_t* col) {
    using col_t = typename P::col_t;
    const auto at = [col](int e) { return col + (e & ~3) * Lanes + (e & 3); };
    // n elements from src (or n zero points) at element e of the column
    const auto load = [&](const std::int8_t* src, int e, int n) {
        if constexpr (Lanes == 1) {
            P::load_col(src, col + e, n);
        } else if (((e | n) & 3) == 0) {
            P::template load_col_lanes<Lanes>(src, at(e), n);
        } else {
            for (int i = 0; i < n; ++i) *at(e + i) = static_cast<col_t>(src[i]);
        }
    };
    const auto fill = [&](int e, int n) {
        if constexpr (Lanes == 1) {
            P::fill_col(col + e, n, zp);
        } else if (((e | n) & 3) == 0) {
            P::template fill_col_lanes<Lanes>(at(e), n, zp);
        } else {
            for (int i = 0; i < n; ++i) *at(e + i) = static_cast<col_t>(zp);
        }
    };
    if (is_pointwise(g)) {
        const std::int8_t* src = in + static_cast<std::ptrdiff_t>(p) * g.in_c;
        if constexpr (sizeof(col_t) == 1 && Lanes == 1) {
            return reinterpret_cast<const col_t*>(src);
        } else {
            load(src, 0, g.in_c);
            return col;
        }
    }
    const int oy = p / g.out_w, ox = p - oy * g.out_w;
    const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    int e = 0;
    for (int ky = 0; ky < g.kernel_h; ++ky) {
        const int iy = iy0 + ky * g.dilation_h;
        const bool row_in = iy >= 0 && iy < g.in_h;
        if (row_in && g.dilation_w == 1 && ix0 >= 0 && ix0 + g.kernel_w <= g.in_w) {
            // the whole kernel row is inside and contiguous in memory
            load(in + (static_cast<std::ptrdiff_t>(iy) * g.in_w + ix0) * g.in_c, e, g.kernel_w * g.in_c);
            e += g.kernel_w * g.in_c;
            continue;
        }
        for (int kx = 0; kx < g.kernel_w; ++kx) {
            const int ix = ix0 + kx * g.dilation_w;
            if (row_in && ix >= 0 && ix < g.in_w)
                load(in + (static_cast<std::ptrdiff_t>(iy) * g.in_w + ix) * g.in_c, e, g.in_c);
            else
                fill(e, g.in_c);
            e += g.in_c;
        }
    }
    return col;
}

// Output channels go in chunks: accumulators of 2 pixels × `out_chunk` channels on the stack,
// then one requantize_row per pixel (vectorized where the primitive set can).
inline constexpr int out_chunk = 16;

// The `rows` weight rows against one or two columns: accumulate from the folded bias, requantize,
// store output channel r at out[r], or at out[index[r]] when an index is given (compacted rows).
template <class P, int Pixels>
inline void gemm_rows(const typename P::col_t* c0, const typename P::col_t* c1, int k, int rows,
                      const Requant& q, const weight_t<P>* w, std::int8_t* out0, std::int8_t* out1,
                      const std::int16_t* index) {
    static_assert(Pixels == 1 || Pixels == 2);
    if constexpr (P::capabilities.gemm_block) {
        P::template gemm_block<Pixels>(c0, c1, k, rows, q, w, out0, out1, index);  // Helium
        return;
    }
    const std::int32_t* bias = q.bias;
    if constexpr (P::capabilities.fused_requantize) {
        if (q.plain() && index == nullptr) {  // each block requantized and stored as computed
            const ChannelQ* cq = q.q;
            int j = 0;
            for (; j + 1 < rows; j += 2, w += 2 * k) {
                if constexpr (Pixels == 2) {
                    std::int32_t a[4] = {bias[j], bias[j + 1], bias[j], bias[j + 1]};
                    P::dot_2x2(c0, c1, w, w + k, k, a);
                    P::requantize_store_2x2(a, cq + j, out0 + j, out1 + j);
                } else {
                    std::int32_t a[2] = {bias[j], bias[j + 1]};
                    P::dot_1x2(c0, w, w + k, k, a);
                    const ChannelQ q0 = cq[j], q1 = cq[j + 1];
                    out0[j] = P::requantize_plain(a[0], q0), out0[j + 1] = P::requantize_plain(a[1], q1);
                }
            }
            if (j < rows) {
                const ChannelQ q0 = cq[j];
                const std::int32_t a0 = P::dot_1x1(c0, w, k, bias[j]);
                if constexpr (Pixels == 2) out1[j] = P::requantize_plain(P::dot_1x1(c1, w, k, bias[j]), q0);
                out0[j] = P::requantize_plain(a0, q0);
            }
            return;
        }
    }
    alignas(16) std::int32_t acc0[out_chunk], acc1[out_chunk];
    alignas(4) std::int8_t val0[out_chunk], val1[out_chunk];
    for (int o0 = 0; o0 < rows; o0 += out_chunk) {
        const int n = rows - o0 < out_chunk ? rows - o0 : out_chunk;
        int j = 0;
        for (; j + 1 < n; j += 2, w += 2 * k) {
            if constexpr (Pixels == 2) {
                std::int32_t a[4] = {bias[o0 + j], bias[o0 + j + 1], bias[o0 + j], bias[o0 + j + 1]};
                P::dot_2x2(c0, c1, w, w + k, k, a);
                acc0[j] = a[0], acc0[j + 1] = a[1], acc1[j] = a[2], acc1[j + 1] = a[3];
            } else {
                std::int32_t a[2] = {bias[o0 + j], bias[o0 + j + 1]};
                P::dot_1x2(c0, w, w + k, k, a);
                acc0[j] = a[0], acc0[j + 1] = a[1];
            }
        }
        if (j < n) {  // odd last channel (only in the last chunk: out_chunk is even)
            acc0[j] = P::dot_1x1(c0, w, k, bias[o0 + j]);
            if constexpr (Pixels == 2) acc1[j] = P::dot_1x1(c1, w, k, bias[o0 + j]);
        }
        if (index == nullptr) {
            P::requantize_row(acc0, q, o0, n, out0 + o0);
            if constexpr (Pixels == 2) P::requantize_row(acc1, q, o0, n, out1 + o0);
            continue;
        }
        P::requantize_row(acc0, q, o0, n, val0);
        if constexpr (Pixels == 2) P::requantize_row(acc1, q, o0, n, val1);
        for (int i = 0; i < n; ++i) {
            const int o = index[o0 + i];
            out0[o] = val0[i];
            if constexpr (Pixels == 2) out1[o] = val1[i];
        }
    }
}

// Pixels three at a time (uses_three_pixels): one interleaved column block, 3 × 2 blocks.
template <class P>
inline int conv2d_three_pixels(const WindowGeometry& g, const Requant& q, std::int32_t zp,
                               const std::int8_t* in, const weight_t<P>* weights, std::int8_t* out,
                               typename P::col_t* block) {
    const int k = conv2d_k<P>(g);
    const int oc = g.out_c;
    const int pixels = g.out_h * g.out_w;
    const bool plain = q.plain();
    for (int e = g.kernel_h * g.kernel_w * g.in_c; e < k; ++e)  // padding: zeros in every lane
        for (int lane = 0; lane < 3; ++lane) block[(e & ~3) * 3 + 4 * lane + (e & 3)] = 0;
    int p = 0;
    for (; p + 2 < pixels; p += 3) {
        for (int lane = 0; lane < 3; ++lane) column<P, 3>(g, zp, in, p + lane, block + 4 * lane);
        std::int8_t* out0 = out + static_cast<std::ptrdiff_t>(p) * oc;
        const weight_t<P>* w = weights;
        if constexpr (P::capabilities.fused_three_pixel_block) {
            if (plain) {
                for (int j = 0; j < oc; j += 2)
                    w = P::block_3x2_plain(block, w, k, q.bias + j, q.q + j, out0 + j, oc);
                continue;
            }
        }
        for (int j = 0; j < oc; j += 2, w += 2 * k) {
            const std::int32_t b0 = q.bias[j], b1 = q.bias[j + 1];
            std::int32_t a[6] = {b0, b1, b0, b1, b0, b1};
            P::dot_3x2(block, w, k, a);
            if (plain) {
                P::requantize_store_3(a[0], a[2], a[4], q.q + j, out0 + j, oc);
                P::requantize_store_3(a[1], a[3], a[5], q.q + j + 1, out0 + j + 1, oc);
            } else {  // constant indices: `a` stays in registers
                out0[j] = requantize_to_int8(a[0], q, j);
                out0[j + 1] = requantize_to_int8(a[1], q, j + 1);
                out0[oc + j] = requantize_to_int8(a[2], q, j);
                out0[oc + j + 1] = requantize_to_int8(a[3], q, j + 1);
                out0[2 * oc + j] = requantize_to_int8(a[4], q, j);
                out0[2 * oc + j + 1] = requantize_to_int8(a[5], q, j + 1);
            }
        }
    }
    return p;
}

template <class P>
inline void conv2d_columns(const WindowGeometry& g, const Requant& q, std::int32_t zp,
                           const std::int8_t* in, const weight_t<P>* weights, std::int8_t* out,
                           typename P::col_t* col0, typename P::col_t* col1) {
    const int k = conv2d_k<P>(g);
    const int oc = g.out_c;
    const int pixels = g.out_h * g.out_w;
    for (int e = g.kernel_h * g.kernel_w * g.in_c; e < k; ++e) col0[e] = col1[e] = 0;  // padding
    int p = 0;
    if constexpr (P::capabilities.three_pixel_gemm)
        if (uses_three_pixels<P>(g)) p = conv2d_three_pixels<P>(g, q, zp, in, weights, out, col0);
    for (; p + 1 < pixels; p += 2) {
        std::int8_t* out0 = out + static_cast<std::ptrdiff_t>(p) * oc;
        gemm_rows<P, 2>(column<P>(g, zp, in, p, col0), column<P>(g, zp, in, p + 1, col1), k, oc,
                        q, weights, out0, out0 + oc, nullptr);
    }
    if (p < pixels)
        gemm_rows<P, 1>(column<P>(g, zp, in, p, col0), nullptr, k, oc, q, weights,
                        out + static_cast<std::ptrdiff_t>(p) * oc, nullptr, nullptr);
}

// The live input channels of one pixel, widened to the column type.
template <class P>
inline const typename P::col_t* live_column(const CompactGemm& s, const std::int8_t* src,
                                            typename P::col_t* col) {
    if (s.col_index == nullptr) {
        if constexpr (sizeof(typename P::col_t) == 1) return reinterpret_cast<const typename P::col_t*>(src);
        P::load_col(src, col, s.in_c);
        return col;
    }
    for (int j = 0; j < s.cols; ++j) col[j] = static_cast<typename P::col_t>(src[s.col_index[j]]);
    return col;
}

template <class P>
inline void compact_columns(const CompactGemm& s, const Requant& q, const std::int8_t* in,
                            const weight_t<P>* weights, std::int8_t* out, typename P::col_t* col0,
                            typename P::col_t* col1) {
    const auto row = [&](int p) { return out + static_cast<std::ptrdiff_t>(p) * s.out_c; };
    const auto src = [&](int p) { return in + static_cast<std::ptrdiff_t>(p) * s.in_c; };
    int p = 0;
    for (; p + 1 < s.pixels; p += 2) {
        if (s.dead_outputs) {
            std::memcpy(row(p), s.dead_outputs, static_cast<std::size_t>(s.out_c));
            std::memcpy(row(p + 1), s.dead_outputs, static_cast<std::size_t>(s.out_c));
        }
        gemm_rows<P, 2>(live_column<P>(s, src(p), col0), live_column<P>(s, src(p + 1), col1),
                        s.cols, s.rows, q, weights, row(p), row(p + 1), s.row_index);
    }
    if (p < s.pixels) {
        if (s.dead_outputs) std::memcpy(row(p), s.dead_outputs, static_cast<std::size_t>(s.out_c));
        gemm_rows<P, 1>(live_column<P>(s, src(p), col0), nullptr, s.cols, s.rows, q, weights,
                        row(p), nullptr, s.row_index);
    }
}
}  // namespace detail

// weights: [O, conv2d_k<P>(g)] (KH·KW·C_in, rows zero-padded to conv2d_k), in P's order
// (kernels/pack.hpp). scratch: at least conv2d_scratch_bytes<P>(g) bytes, 16-byte aligned.
template <class P = Primitives>
inline void conv2d(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                   const std::int8_t* in, const weight_t<P>* weights, std::int8_t* out,
                   std::byte* scratch) {
    using col_t = typename P::col_t;
    const std::size_t col_bytes = conv2d_column_bytes<P>(g);
    if (conv2d_buffer_bytes<P>(g) <= stack_column_bytes) {
        alignas(16) col_t cols[stack_column_bytes / sizeof(col_t)];
        detail::conv2d_columns<P>(g, q, input_zero_point, in, weights, out, cols,
                                  cols + col_bytes / sizeof(col_t));
    } else {
        auto* col0 = reinterpret_cast<col_t*>(scratch);
        detail::conv2d_columns<P>(g, q, input_zero_point, in, weights, out, col0,
                                  col0 + col_bytes / sizeof(col_t));
    }
}

// Bytes of the two columns of a compact GEMM, and the scratch it needs beyond the stack.
template <class P = Primitives>
constexpr std::size_t compact_column_bytes(int live_cols, bool gathered) {
    if (sizeof(typename P::col_t) == 1 && !gathered) return 0;
    return align16(static_cast<std::size_t>(live_cols) * sizeof(typename P::col_t));
}
template <class P = Primitives>
constexpr std::size_t compact_scratch_bytes(int live_cols, bool gathered) {
    const std::size_t cols = 2 * compact_column_bytes<P>(live_cols, gathered);
    return cols <= stack_column_bytes ? 0 : cols;
}

// Pointwise convolution or dense layer on compacted weights [s.rows, s.cols] in P's order.
// scratch: at least compact_scratch_bytes<P>(s.cols, s.col_index != nullptr), 16-byte aligned.
template <class P = Primitives>
inline void pointwise_compact(const CompactGemm& s, const Requant& q, const std::int8_t* in,
                              const weight_t<P>* weights, std::int8_t* out, std::byte* scratch) {
    using col_t = typename P::col_t;
    const std::size_t col_bytes = compact_column_bytes<P>(s.cols, s.col_index != nullptr);
    if (2 * col_bytes <= stack_column_bytes) {
        alignas(16) col_t cols[stack_column_bytes / sizeof(col_t)];
        detail::compact_columns<P>(s, q, in, weights, out, cols, cols + col_bytes / sizeof(col_t));
    } else {
        auto* col0 = reinterpret_cast<col_t*>(scratch);
        detail::compact_columns<P>(s, q, in, weights, out, col0, col0 + col_bytes / sizeof(col_t));
    }
}

}  // namespace mote::kernels
