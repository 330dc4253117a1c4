#pragma once
// What a pointwise convolution or dense layer keeps in flash when its weights are compacted
// (kernels/compact.hpp): the live weights in primitive set P's order, the live rows'
// requantization records, the channel indices and the dead rows' constant outputs.
#include <cstddef>

#include "mote/kernels/compact.hpp"
#include "mote/kernels/conv2d.hpp"
#include "mote/kernels/pack.hpp"

namespace mote::kernels {

// Whether weights [Rows, Cols] of a GEMM-shaped layer are worth compacting.
template <const auto& W, int Rows, int Cols>
constexpr bool compacts() {
    return compaction_pays(live_counts(W.values.data(), Rows, Cols), Rows, Cols);
}

template <const auto& W, int Rows, int Cols, const auto& Requant, class P = Primitives>
struct CompactPlan {
    static constexpr const auto& data = compacted<W, Rows, Cols>;
    static constexpr LiveCounts live = Compacted<W, Rows, Cols>::live;
    static constexpr bool gathered = live.cols < Cols;
    static constexpr bool has_dead_rows = live.rows < Rows;
    static constexpr auto params = live_row_params<live.rows>(Requant, data.row_index);
    static constexpr auto dead_outputs = dead_row_outputs(Requant);
    static constexpr std::size_t flash_bytes =
        gemm_weight_bytes<P>(data.values.size()) + sizeof(params.bias) + sizeof(params.q) +
        (gathered ? sizeof(data.col_index) : 0) +
        (has_dead_rows ? sizeof(data.row_index) + sizeof(dead_outputs) : 0);
    static constexpr std::size_t scratch_bytes = compact_scratch_bytes<P>(live.cols, gathered);

    static constexpr CompactGemm gemm(int pixels) {
        return {pixels,
                Cols,
                Rows,
                live.cols,
                gathered ? data.col_index.data() : nullptr,
                live.rows,
                has_dead_rows ? data.row_index.data() : nullptr,
                has_dead_rows ? dead_outputs.data() : nullptr};
    }
    static void run(int pixels, const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        pointwise_compact<P>(gemm(pixels), view_of(params), in,
                             gemm_weights<P, data, live.rows, live.cols>(), out, scratch);
    }
};

}  // namespace mote::kernels
