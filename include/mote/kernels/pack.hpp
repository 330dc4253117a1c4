#pragma once
// Compile-time weight re-layout. We own the weight bytes, so a primitive set that wants another
// order gets it from a constexpr transform into a namespace-scope array (flash), never at run time.
//
// permuted4: within each row, every full group of four [w0 w1 w2 w3] becomes [w0 w2 w1 w3], so that
// SXTB16(word) = (w0, w1) and SXTB16(word ROR 8) = (w2, w3) pair with an int16 column (x0, x1),
// (x2, x3) in SMLAD. The row tail (cols % 4) keeps its order.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote/kernels/primitives.hpp"

namespace mote::kernels {

// paired4_wide: paired4's interleaving of row pairs, each weight widened to int16, natural order
// within groups of four (an int16 word pair feeds SMLAD directly).
//
// dst[rows·cols] = src in `layout` (one definition for the compile-time arrays below and tests).
template <class T>
constexpr void pack_weights(WeightLayout layout, const std::int8_t* src, T* dst, int rows, int cols) {
    const std::size_t n = static_cast<std::size_t>(rows) * cols;
    if (layout == WeightLayout::rows) {
        for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
        return;
    }
    const int full = cols & ~3;
    const bool permute = layout != WeightLayout::paired4_wide;
    auto put4 = [&](std::size_t d, std::size_t s) {
        dst[d] = src[s], dst[d + 1] = src[s + (permute ? 2 : 1)];
        dst[d + 2] = src[s + (permute ? 1 : 2)], dst[d + 3] = src[s + 3];
    };
    auto single = [&](int r) {
        const std::size_t base = static_cast<std::size_t>(r) * cols;
        int i = 0;
        for (; i < full; i += 4) put4(base + i, base + i);
        for (; i < cols; ++i) dst[base + i] = src[base + i];
    };
    int r = 0;
    if (layout == WeightLayout::paired4 || layout == WeightLayout::paired4_wide) {
        for (; r + 1 < rows; r += 2) {
            const std::size_t base = static_cast<std::size_t>(r) * cols;
            std::size_t d = base;
            for (int i = 0; i < full; i += 4, d += 8) {
                put4(d, base + i);
                put4(d + 4, base + cols + i);
            }
            for (int i = full; i < cols; ++i) dst[d++] = src[base + i];
            for (int i = full; i < cols; ++i) dst[d++] = src[base + cols + i];
        }
    }
    for (; r < rows; ++r) single(r);
}

// dst[rows·padded] = src[rows·cols] with each row zero-padded to `padded` columns.
constexpr void pad_rows(const std::int8_t* src, std::int8_t* dst, int rows, int cols, int padded) {
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < padded; ++c)
            dst[static_cast<std::size_t>(r) * padded + c] =
                c < cols ? src[static_cast<std::size_t>(r) * cols + c] : std::int8_t{0};
}

// The element type of a primitive set's GEMM weights.
template <class P>
using weight_t = typename P::weight_t;

template <const auto& W, int Rows, int Cols, WeightLayout L, class T>
alignas(8) inline constexpr std::array<T, static_cast<std::size_t>(Rows) * Cols> packed = [] {
    std::array<T, static_cast<std::size_t>(Rows) * Cols> a{};
    pack_weights(L, W.values.data(), a.data(), Rows, Cols);
    return a;
}();

// Weights [Rows, Cols] in the order (and element type) primitive set P wants.
template <class P, const auto& W, int Rows, int Cols>
constexpr const weight_t<P>* gemm_weights() {
    if constexpr (P::layout == WeightLayout::rows && sizeof(weight_t<P>) == 1) return W.values.data();
    else return packed<W, Rows, Cols, P::layout, weight_t<P>>.data();
}

template <const auto& W, int Rows, int Cols, int Padded, WeightLayout L, class T>
alignas(8) inline constexpr std::array<T, static_cast<std::size_t>(Rows) * Padded> packed_padded = [] {
    std::array<std::int8_t, static_cast<std::size_t>(Rows) * Padded> src{};
    pad_rows(W.values.data(), src.data(), Rows, Cols, Padded);
    std::array<T, static_cast<std::size_t>(Rows) * Padded> a{};
    pack_weights(L, src.data(), a.data(), Rows, Padded);
    return a;
}();

// Weights [Rows, Cols], rows zero-padded to Padded columns, in P's order and element type.
template <class P, const auto& W, int Rows, int Cols, int Padded>
constexpr const weight_t<P>* gemm_weights_padded() {
    if constexpr (Padded == Cols) return gemm_weights<P, W, Rows, Cols>();
    else return packed_padded<W, Rows, Cols, Padded, P::layout, weight_t<P>>.data();
}

// Depthwise weights [taps, channels] (TFLite: output channel o of tap t at t·channels + o) as
// rows: dst[o·taps + t].
constexpr void depthwise_rows(const std::int8_t* src, std::int8_t* dst, int channels, int taps) {
    for (int o = 0; o < channels; ++o)
        for (int t = 0; t < taps; ++t)
            dst[static_cast<std::size_t>(o) * taps + t] = src[static_cast<std::size_t>(t) * channels + o];
}

// Depthwise weights [taps, C·M] (TFLite) in the order [M][taps][C]: one multiplier's weights
// as a multiplier-1 layer's (kernels/depthwise_conv2d.hpp).
constexpr void depthwise_by_multiplier(const std::int8_t* src, std::int8_t* dst, int channels, int multiplier,
                                       int taps) {
    for (int m = 0; m < multiplier; ++m)
        for (int t = 0; t < taps; ++t)
            for (int c = 0; c < channels; ++c)
                dst[(static_cast<std::size_t>(m) * taps + t) * channels + c] =
                    src[(static_cast<std::size_t>(t) * channels + c) * multiplier + m];
}

template <const auto& W, int Channels, int Multiplier, int Taps>
alignas(4) inline constexpr std::array<std::int8_t, static_cast<std::size_t>(Channels) * Multiplier * Taps>
    by_multiplier_weights = [] {
        std::array<std::int8_t, static_cast<std::size_t>(Channels) * Multiplier * Taps> a{};
        depthwise_by_multiplier(W.values.data(), a.data(), Channels, Multiplier, Taps);
        return a;
    }();

// Elements from one group's [rows, cols] weights to the next: a multiple of 4, so that every
// group starts word-aligned (the DSP micro-kernels read int16 weights with LDRD).
constexpr int group_stride(int rows, int cols) { return (rows * cols + 3) & ~3; }

// `groups` GEMMs of [rows, cols] back to back in src, each packed on its own at
// dst + g·group_stride(rows, cols) (a row pair of a paired layout never spans two groups; the
// elements between groups are left as they are).
template <class T>
constexpr void pack_groups(WeightLayout layout, const std::int8_t* src, T* dst, int groups, int rows, int cols) {
    const std::size_t size = static_cast<std::size_t>(rows) * cols;
    const auto stride = static_cast<std::size_t>(group_stride(rows, cols));
    for (int g = 0; g < groups; ++g) pack_weights(layout, src + g * size, dst + g * stride, rows, cols);
}

template <const auto& W, int Groups, int Rows, int Taps, WeightLayout L, class T>
alignas(8) inline constexpr std::array<T, static_cast<std::size_t>(Groups) * group_stride(Rows, Taps)>
    packed_depthwise = [] {
        std::array<std::int8_t, static_cast<std::size_t>(Groups) * Rows * Taps> rows{};
        depthwise_rows(W.values.data(), rows.data(), Groups * Rows, Taps);
        std::array<T, static_cast<std::size_t>(Groups) * group_stride(Rows, Taps)> a{};
        pack_groups(L, rows.data(), a.data(), Groups, Rows, Taps);
        return a;
    }();

// Depthwise weights [Taps, Groups·Rows] (TFLite) as Groups GEMMs of Rows rows × Taps columns,
// group_stride(Rows, Taps) apart: row m of group c is output channel c·Rows + m; in P's order
// and element type.
template <class P, const auto& W, int Groups, int Rows, int Taps>
constexpr const weight_t<P>* depthwise_gemm_weights() {
    return packed_depthwise<W, Groups, Rows, Taps, P::layout, weight_t<P>>.data();
}

// Flash bytes of Count GEMM weights as P stores them.
template <class P>
constexpr std::size_t gemm_weight_bytes(std::size_t count) { return count * sizeof(weight_t<P>); }

}  // namespace mote::kernels
