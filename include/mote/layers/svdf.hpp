#pragma once
// SVDF (TFLite's int8 SVDF with int16 time weights and activation state): a rank-factored filter
// over the last `Memory` frames, which it keeps as layer state between runs.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "mote/core/config.hpp"
#include "mote/core/diagnostics.hpp"
#include "mote/kernels/reference/svdf.hpp"
#include "mote/kernels/svdf.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// filters = units · rank; weights in TFLite layout, symmetric (zero point 0).
struct SvdfWeights {
    std::span<const std::int8_t> feature;  // [filters, inputs]
    float feature_scale = 1.0f;
    std::span<const std::int16_t> time;    // [filters, memory]
    float time_scale = 1.0f;
    std::span<const std::int32_t> bias;    // [units], scale state.scale · time_scale; empty: none
    QuantParams state;                     // the int16 activation state; zero point 0
    QuantParams output;                    // int8
};

namespace detail {

template <class In, int Index, int Units, int Rank, int Memory, const auto& W>
struct SvdfBound : LayerFacts {
    using input = In;
    static constexpr const char* name = "SVDF";
    static constexpr reference::SvdfShape shape{In::shape.w, In::shape.c, Units, Rank, Memory};
    static constexpr std::size_t filters = static_cast<std::size_t>(Units) * Rank;
    static_assert(diagnostic::WeightCountMismatch<Index, W.feature.size(), filters * shape.inputs>::ok);
    static_assert(diagnostic::WeightCountMismatch<Index, W.time.size(), filters * Memory>::ok);
    static_assert(diagnostic::WeightCountMismatch<Index, W.bias.size(),
                                                  W.bias.empty() ? 0 : std::size_t{Units}>::ok);
};

template <class In, int Index, int Units, int Rank, int Memory, const auto& W>
struct SvdfInt8 : SvdfBound<In, Index, Units, Rank, Memory, W> {
    using Base = SvdfBound<In, Index, Units, Rank, Memory, W>;
    static_assert(Int8TensorType<In>, "mote: Svdf takes an int8 input");
    static_assert(In::shape.h == 1,
                  "mote: Svdf input is [batches, inputs], i.e. Shape{1, batches, inputs}");
    using Base::shape;
    using output = Tensor<Shape{1, shape.batches, Units}, std::int8_t, scale_bits(W.output),
                          W.output.zero_point>;
    static constexpr reference::SvdfParams params = checked(reference::make_svdf_params(
        In::quant, W.feature_scale, W.state, W.time_scale, W.output));
    static_assert(params.error == nullptr);  // evaluated (and reported) with the layer
    static constexpr std::uint64_t macs =
        static_cast<std::uint64_t>(shape.batches) * Base::filters * (shape.inputs + Memory);
    static constexpr bool fast = !config::reference_kernels && kernels::svdf_fits_int32(shape.inputs);
    using Plan = kernels::SvdfPlan<W, shape, params>;
    static constexpr const char* kernel = fast ? "feature row dots" : "reference";
    static constexpr std::size_t weight_bytes = [] {
        if constexpr (fast) return Plan::flash_bytes;
        else return W.feature.size() + W.time.size() * sizeof(std::int16_t) +
                    W.bias.size() * sizeof(std::int32_t);
    }();
    static constexpr std::size_t scratch_bytes = [] {
        if constexpr (fast) return Plan::scratch_bytes;
        else return std::size_t{0};
    }();
    static constexpr std::size_t state_bytes =
        static_cast<std::size_t>(shape.batches) * Base::filters * Memory * sizeof(std::int16_t);

    // Zero: every remembered activation is 0 (the state's zero point).
    static constexpr void init_state(std::byte* state) {
        for (std::size_t i = 0; i < state_bytes; ++i) state[i] = std::byte{0};
    }
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch, std::byte* state) {
        auto* s = reinterpret_cast<std::int16_t*>(state);
        if constexpr (fast)
            Plan::run(in, out, s, scratch);
        else
            reference::svdf(params, shape, in, W.feature.data(), W.time.data(),
                            W.bias.empty() ? nullptr : W.bias.data(), s, out);
    }
};

}  // namespace detail

// Input Shape{1, batches, inputs} (TFLite [batches, inputs]); output Shape{1, batches, Units}.
// TFLM's int8 SVDF ignores the fused activation of its options, so this layer has none.
template <int Units, int Rank, int Memory, const auto& W>
struct Svdf {
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(W)>, SvdfWeights>,
                  "mote: Svdf weights must be a mote::SvdfWeights object");
    static_assert(Units > 0 && Rank > 0 && Memory > 0,
                  "mote: Svdf units, rank and memory must be positive");
    // Index >= 0: the checks alone (model/graph.hpp); -1: the layer the step runs.
    template <class In, int Index>
    using bind = std::conditional_t<(Index >= 0), detail::SvdfBound<In, Index, Units, Rank, Memory, W>,
                                    detail::SvdfInt8<In, Index, Units, Rank, Memory, W>>;
};

}  // namespace mote
