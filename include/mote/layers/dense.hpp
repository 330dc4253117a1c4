#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/config.hpp"
#include "mote/kernels/compact_plan.hpp"
#include "mote/kernels/fully_connected.hpp"
#include "mote/kernels/pack.hpp"
#include "mote/kernels/reference/fully_connected.hpp"
#include "mote/layers/conv2d.hpp"
#include "mote/layers/checks.hpp"
#include "mote/layers/layer.hpp"
#include "mote/quant/channel_requant.hpp"

namespace mote {
namespace detail {

// TFLite's FULLY_CONNECTED reads its input as rows of the weights' length: one row when the
// sizes match (the input is flattened), else a batch of rows, each giving `Units` outputs. Rows
// along the last axis keep the leading axes ({h, w, C} -> {h, w, Units}: keep_num_dims).
template <class In, int Index, int Units, Activation A, const auto& W>
struct DenseBound : LayerFacts {
    using input = In;
    static constexpr const char* name = "Dense";
    static constexpr int inputs = static_cast<int>(W.values.size() / Units);  // weight row length
    static constexpr int rows = inputs > 0 && In::elements % inputs == 0 ? In::elements / inputs : 0;
    static_assert(diagnostic::WeightCountMismatch<Index, W.values.size(),
                                                  static_cast<std::size_t>(Units) *
                                                      (rows > 0 ? inputs : In::elements)>::ok);
    static_assert(quantization_ok<Index, In, W, Units>());
    static constexpr Shape out_shape = rows <= 1          ? Shape{1, 1, Units}
                                       : In::shape.c == inputs ? Shape{In::shape.h, In::shape.w, Units}
                                                               : Shape{1, rows, Units};
    static constexpr std::uint64_t macs = static_cast<std::uint64_t>(Units) * In::elements;
};

// Several rows are a pointwise convolution over a {1, rows, inputs} image.
template <class In, int Index, int Units, Activation A, const auto& W>
using DenseRowsAsConv =
    Conv2DInt8<Reshaped<In, Shape{1, DenseBound<In, Index, Units, A, W>::rows,
                                  DenseBound<In, Index, Units, A, W>::inputs}>,
               Index, Units, Kernel{1, 1}, Stride{1, 1}, Padding::valid, A, W, Dilation{}>;

template <class In, int Index, int Units, Activation A, const auto& W>
struct DenseInt8 : DenseBound<In, Index, Units, A, W> {
    using Base = DenseBound<In, Index, Units, A, W>;
    static_assert(Int8TensorType<In>, "mote: Dense with int8 weights needs an int8 input");
    using output =
        Tensor<Base::out_shape, std::int8_t, scale_bits(W.output), W.output.zero_point>;
    static constexpr quant::ChannelRequant<Units> requant =
        quant::make_channel_requant_rows<Units>(W, In::quant, A, Base::inputs);
    static_assert(requant.clamp.min <= requant.clamp.max, "mote: empty activation range");
    static constexpr auto params = kernels::channel_params(requant);
    // Pruned layers run on compacted weights (kernels/compact.hpp).
    static constexpr bool compact =
        !config::reference_kernels && kernels::compacts<W, Units, Base::inputs>();
    using Compact = kernels::CompactPlan<W, Units, Base::inputs, requant>;
    static constexpr const char* kernel = config::reference_kernels ? "reference"
                                          : compact                 ? "compact GEMM"
                                                                    : "row dots";
    // Flash: the weights plus the per-channel record the selected kernels read.
    static constexpr std::size_t weight_bytes = [] {
        if constexpr (config::reference_kernels)
            return W.values.size() + sizeof(requant.bias) + sizeof(requant.multiplier) +
                   sizeof(requant.exponent);
        else if constexpr (compact)
            return Compact::flash_bytes;
        else
            return kernels::gemm_weight_bytes<kernels::Primitives>(W.values.size()) +
                   sizeof(params.bias) + sizeof(params.q);
    }();
    static constexpr std::size_t scratch_bytes = [] {
        if constexpr (config::reference_kernels) return std::size_t{0};
        else if constexpr (compact) return Compact::scratch_bytes;
        else return kernels::fully_connected_scratch_bytes(Base::inputs);
    }();
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        if constexpr (config::reference_kernels)
            reference::fully_connected(Base::inputs, Units, reference::view_of(requant), in,
                                       W.values.data(), out);
        else if constexpr (compact)
            Compact::run(1, in, out, scratch);
        else
            kernels::fully_connected(Base::inputs, Units, kernels::view_of(params), in,
                                     kernels::gemm_weights<kernels::Primitives, W, Units, Base::inputs>(),
                                     out, scratch);
    }
};

template <class In, int Index, int Units, Activation A, const auto& W>
struct DenseInt8Rows : DenseBound<In, Index, Units, A, W> {
    using Base = DenseBound<In, Index, Units, A, W>;
    using Conv = DenseRowsAsConv<In, Index, Units, A, W>;
    using output = Reshaped<typename Conv::output, Base::out_shape>;
    static constexpr std::size_t weight_bytes = Conv::weight_bytes;
    static constexpr std::size_t scratch_bytes = Conv::scratch_bytes;
    static constexpr const char* kernel = Conv::kernel;
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        Conv::run(in, out, scratch);
    }
};

template <class In, int Index, int Units, Activation A, const auto& W>
struct DenseFloat : DenseBound<In, Index, Units, A, W> {
    using Base = DenseBound<In, Index, Units, A, W>;
    static_assert(FloatTensorType<In>, "mote: Dense with float weights needs a float32 input");
    using output = FloatTensor<Base::out_shape>;
    static constexpr const char* kernel = "reference float32";  // the only float path
    static constexpr std::size_t weight_bytes = (W.values.size() + W.bias.size()) * sizeof(float);
    static void run(const float* in, float* out, std::byte*) {
        const auto r = quant::activation_range_float(A);
        for (int row = 0; row < Base::rows; ++row)
            reference::fully_connected(Base::inputs, Units, {r.min, r.max}, in + row * Base::inputs,
                                       W.values.data(), bias_or_null<W>(), out + row * Units);
    }
};

}  // namespace detail

// Fully connected layer; weights [Units, inputs] (TFLite); the input is one row of `inputs`
// values or a batch of them (DenseBound).
template <int Units, Activation A, const auto& W>
struct Dense {
    static_assert(detail::quantized<W> || detail::floating<W>,
                  "mote: Dense weights must be a mote::QuantizedWeights or mote::FloatWeights object");
    // Index >= 0: the checks alone (model/graph.hpp); -1: the layer the step runs.
    template <class In, int Index>
    using bind = std::conditional_t<
        (Index >= 0), detail::DenseBound<In, Index, Units, A, W>,
        std::conditional_t<
            !detail::quantized<W>, detail::DenseFloat<In, Index, Units, A, W>,
            std::conditional_t<(detail::DenseBound<In, Index, Units, A, W>::rows > 1),
                               detail::DenseInt8Rows<In, Index, Units, A, W>,
                               detail::DenseInt8<In, Index, Units, A, W>>>>;
};

template <int Units, Activation A, const auto& W>
using FullyConnected = Dense<Units, A, W>;

}  // namespace mote
