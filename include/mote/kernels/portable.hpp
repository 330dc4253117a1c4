#pragma once
// Portable primitives (plain C++): the last rung of the ladder in kernels/primitives.hpp, used
// on cores without DSP/Helium (Cortex-M0/M3) and wherever no SIMD primitive exists. The im2col
// column stays int8 here, so pointwise convolutions and dense layers read their input in place.
#include <cstdint>

#include "mote/kernels/primitive_set.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels::portable {

struct Primitives {
    using col_t = std::int8_t;        // element type of an im2col column
    using weight_t = std::int8_t;     // element type of GEMM weights
    static constexpr WeightLayout layout = WeightLayout::rows;  // weights in TFLite order
    static constexpr Capabilities capabilities{};   // only the required hooks (primitive_set.hpp)

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        for (int i = 0; i < n; ++i) dst[i] = src[i];
    }
    static void fill_col(col_t* dst, int n, std::int32_t v) {
        for (int i = 0; i < n; ++i) dst[i] = static_cast<col_t>(v);
    }
    // acc[0] += c0·w0, acc[1] += c0·w1, acc[2] += c1·w0, acc[3] += c1·w1
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t* w1, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        for (int i = 0; i < k; ++i) {
            const std::int32_t x0 = c0[i], x1 = c1[i], v0 = w0[i], v1 = w1[i];
            a0 += x0 * v0;
            a1 += x0 * v1;
            a2 += x1 * v0;
            a3 += x1 * v1;
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    // acc[j] += c·w_j for four weight rows w, w + k, w + 2k, w + 3k... (rows given separately)
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                        std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1];
        for (int i = 0; i < k; ++i) {
            const std::int32_t x = c[i];
            a0 += x * w0[i];
            a1 += x * w1[i];
        }
        acc[0] = a0, acc[1] = a1;
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        for (int i = 0; i < k; ++i) acc += static_cast<std::int32_t>(c[i]) * w[i];
        return acc;
    }
    // Depthwise, two output pixels: tab holds per tap {weights, input of pixel 0, input of pixel
    // 1}, each at the chunk's first channel, then a null; for c in [0, n):
    // acc0[c] = bias[c] + Σ_t tab[3t + 1][c] · tab[3t][c], acc1[c] likewise with tab[3t + 2].
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        for (int c = 0; c < n; ++c) acc0[c] = acc1[c] = bias[c];
        for (; *tab; tab += 3) {
            const std::int8_t *w = tab[0], *x0 = tab[1], *x1 = tab[2];
            for (int c = 0; c < n; ++c) {
                const std::int32_t v = w[c];
                acc0[c] += x0[c] * v;
                acc1[c] += x1[c] * v;
            }
        }
    }
    // out[i] = requantized acc[i] for channels first .. first + n − 1
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        requantize_row_scalar(acc, q, first, n, out);
    }
};

}  // namespace mote::kernels::portable
