#pragma once
// Compile-time compaction of structurally sparse GEMM weights [Rows, Cols] (pointwise
// convolutions, dense layers). Pruned models zero whole output channels (dead rows) and whole
// input channels (dead columns): VWW's late 1×1 convolutions keep 31 of 256 input channels.
// A dead row's output is a constant, requantize(folded bias), computed here; a dead column
// contributes nothing (its weights are zero in every row), so it is dropped from the column.
// The folded bias (bias − zp_in·Σw) needs no change: the dropped weights sum to zero.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote/kernels/requant.hpp"
#include "mote/quant/channel_requant.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::kernels {

struct LiveCounts {
    int rows = 0, cols = 0;  // rows with a non-zero weight; columns with a non-zero weight in some row
};

constexpr LiveCounts live_counts(const std::int8_t* w, int rows, int cols) {
    LiveCounts n;
    for (int r = 0; r < rows; ++r) {
        bool live = false;
        for (int c = 0; c < cols && !live; ++c) live = w[static_cast<std::ptrdiff_t>(r) * cols + c] != 0;
        n.rows += live;
    }
    for (int c = 0; c < cols; ++c) {
        bool live = false;
        for (int r = 0; r < rows && !live; ++r) live = w[static_cast<std::ptrdiff_t>(r) * cols + c] != 0;
        n.cols += live;
    }
    return n;
}

// Compaction pays when it removes at least an eighth of the multiply-accumulates.
constexpr bool compaction_pays(LiveCounts live, int rows, int cols) {
    return live.rows > 0 && live.cols > 0 &&
           8 * static_cast<std::int64_t>(live.rows) * live.cols <=
               7 * static_cast<std::int64_t>(rows) * cols;
}

// The compacted layer: live row and column indices, the live weights [live rows, live cols]
// row-major (a `values` member, so kernels/pack.hpp can re-lay it out), and per output channel
// the constant a dead row produces (live rows' entries are overwritten at run time).
template <const auto& W, int Rows, int Cols>
struct Compacted {
    static constexpr LiveCounts live = live_counts(W.values.data(), Rows, Cols);
    static_assert(Rows <= 32767 && Cols <= 32767, "mote: compaction indexes channels with int16");
    std::array<std::int16_t, live.rows> row_index{};
    std::array<std::int16_t, live.cols> col_index{};
    std::array<std::int8_t, static_cast<std::size_t>(live.rows) * live.cols> values{};
};

template <const auto& W, int Rows, int Cols>
inline constexpr Compacted<W, Rows, Cols> compacted = [] {
    Compacted<W, Rows, Cols> c{};
    const auto at = [](int r, int k) { return W.values[static_cast<std::size_t>(r) * Cols + k]; };
    int n = 0;
    for (int k = 0; k < Cols; ++k) {
        bool live = false;
        for (int r = 0; r < Rows && !live; ++r) live = at(r, k) != 0;
        if (live) c.col_index[static_cast<std::size_t>(n++)] = static_cast<std::int16_t>(k);
    }
    std::size_t i = 0, m = 0;
    for (int r = 0; r < Rows; ++r) {
        bool live = false;
        for (int k = 0; k < Cols && !live; ++k) live = at(r, k) != 0;
        if (!live) continue;
        c.row_index[m++] = static_cast<std::int16_t>(r);
        for (const std::int16_t k : c.col_index) c.values[i++] = at(r, k);
    }
    return c;
}();

// The requantization records of the live rows, in compacted order.
template <int Live, int Channels, std::size_t N>
constexpr ChannelParams<Live> live_row_params(const quant::ChannelRequant<Channels>& r,
                                              const std::array<std::int16_t, N>& rows) {
    quant::ChannelRequant<Live> s{};
    for (std::size_t i = 0; i < N; ++i) {
        const auto o = static_cast<std::size_t>(rows[i]);
        s.bias[i] = r.bias[o], s.multiplier[i] = r.multiplier[o], s.exponent[i] = r.exponent[o];
    }
    s.input_zero_point = r.input_zero_point, s.output_zero_point = r.output_zero_point;
    s.clamp = r.clamp;
    return channel_params(s);
}

// Every output channel's value when its row is dead: requantize(folded bias) + zp, clamped.
template <int Channels>
constexpr std::array<std::int8_t, Channels> dead_row_outputs(const quant::ChannelRequant<Channels>& r) {
    std::array<std::int8_t, Channels> out{};
    for (std::size_t o = 0; o < static_cast<std::size_t>(Channels); ++o) {
        std::int32_t v = quant::multiply_by_quantized_multiplier(r.bias[o], r.multiplier[o], r.exponent[o]) +
                         r.output_zero_point;
        v = v < r.clamp.min ? r.clamp.min : v > r.clamp.max ? r.clamp.max : v;
        out[o] = static_cast<std::int8_t>(v);
    }
    return out;
}

// What the compact GEMM kernel (kernels/conv2d.hpp, pointwise_compact) sees.
struct CompactGemm {
    int pixels, in_c, out_c;            // the dense problem: pixels × [in_c] → pixels × [out_c]
    int cols;                           // live input channels
    const std::int16_t* col_index;      // nullptr: every input channel is live
    int rows;                           // live output channels
    const std::int16_t* row_index;      // nullptr: every output channel is live
    const std::int8_t* dead_outputs;    // [out_c]: the constant of each dead row (nullptr: none)
};

}  // namespace mote::kernels
