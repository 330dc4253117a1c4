#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/config.hpp"
#include "mote/kernels/compact_plan.hpp"
#include "mote/kernels/conv2d.hpp"
#include "mote/kernels/pack.hpp"
#include "mote/kernels/reference/conv2d.hpp"
#include "mote/layers/layer.hpp"
#include "mote/layers/checks.hpp"
#include "mote/quant/channel_requant.hpp"

namespace mote {
namespace detail {

template <class In, int Index, int Filters, Kernel K, Stride S, Padding P, Activation A,
          const auto& W, Dilation D>
struct Conv2DBound : LayerFacts {
    using input = In;
    static constexpr const char* name = "Conv2D";
    static constexpr WindowGeometry geometry = make_window(In::shape, Filters, K, S, D, P);
    static constexpr int taps = K.h * K.w * In::shape.c;
    static_assert(window_ok<Index, In::shape, geometry>());
    static_assert(diagnostic::WeightCountMismatch<Index, W.values.size(),
                                                  static_cast<std::size_t>(Filters) * taps>::ok);
    static_assert(quantization_ok<Index, In, W, Filters>());
    static constexpr Shape out_shape{geometry.out_h, geometry.out_w, Filters};
    static constexpr std::uint64_t macs =
        static_cast<std::uint64_t>(out_shape.elements()) * static_cast<std::uint64_t>(taps);
};

template <class In, int Index, int Filters, Kernel K, Stride S, Padding P, Activation A,
          const auto& W, Dilation D>
struct Conv2DInt8 : Conv2DBound<In, Index, Filters, K, S, P, A, W, D> {
    using Base = Conv2DBound<In, Index, Filters, K, S, P, A, W, D>;
    static_assert(Int8TensorType<In>, "mote: Conv2D with int8 weights needs an int8 input");
    using output =
        Tensor<Base::out_shape, std::int8_t, scale_bits(W.output), W.output.zero_point>;
    static constexpr quant::ChannelRequant<Filters> requant =
        quant::make_channel_requant_rows<Filters>(W, In::quant, A, Base::taps);
    static_assert(requant.clamp.min <= requant.clamp.max, "mote: empty activation range");
    static constexpr auto params = kernels::channel_params(requant);
    // Pruned pointwise convolutions run on compacted weights (kernels/compact.hpp).
    static constexpr bool compact = !config::reference_kernels &&
                                    kernels::is_pointwise(Base::geometry) &&
                                    kernels::compacts<W, Filters, Base::taps>();
    using Compact = kernels::CompactPlan<W, Filters, Base::taps, requant>;
    static constexpr const char* kernel =
        config::reference_kernels ? "reference"
        : compact                 ? "compact GEMM"
                                  : kernels::conv2d_path<kernels::Primitives>(Base::geometry);
    static constexpr int pixels = Base::out_shape.h * Base::out_shape.w;
    static constexpr int gemm_k = kernels::conv2d_k<kernels::Primitives>(Base::geometry);
    // Flash: the weights plus the per-channel record the selected kernels read.
    static constexpr std::size_t weight_bytes = [] {
        if constexpr (config::reference_kernels)
            return W.values.size() + sizeof(requant.bias) + sizeof(requant.multiplier) +
                   sizeof(requant.exponent);
        else if constexpr (compact)
            return Compact::flash_bytes;
        else
            return kernels::gemm_weight_bytes<kernels::Primitives>(static_cast<std::size_t>(Filters) * gemm_k) +
                   sizeof(params.bias) + sizeof(params.q);
    }();
    static constexpr std::size_t scratch_bytes = [] {
        if constexpr (config::reference_kernels) return std::size_t{0};
        else if constexpr (compact) return Compact::scratch_bytes;
        else return kernels::conv2d_scratch_bytes(Base::geometry);
    }();
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        if constexpr (config::reference_kernels)
            reference::conv2d(Base::geometry, reference::view_of(requant), in, W.values.data(), out);
        else if constexpr (compact)
            Compact::run(pixels, in, out, scratch);
        else
            kernels::conv2d(Base::geometry, kernels::view_of(params), requant.input_zero_point, in,
                            kernels::gemm_weights_padded<kernels::Primitives, W, Filters, Base::taps, gemm_k>(),
                            out, scratch);
    }
};

template <class In, int Index, int Filters, Kernel K, Stride S, Padding P, Activation A,
          const auto& W, Dilation D>
struct Conv2DFloat : Conv2DBound<In, Index, Filters, K, S, P, A, W, D> {
    using Base = Conv2DBound<In, Index, Filters, K, S, P, A, W, D>;
    static_assert(FloatTensorType<In>, "mote: Conv2D with float weights needs a float32 input");
    using output = FloatTensor<Base::out_shape>;
    static constexpr const char* kernel = "reference float32";  // the only float path
    static constexpr std::size_t weight_bytes = (W.values.size() + W.bias.size()) * sizeof(float);
    static void run(const float* in, float* out, std::byte*) {
        const auto r = quant::activation_range_float(A);
        reference::conv2d(Base::geometry, {r.min, r.max}, in, W.values.data(), bias_or_null<W>(),
                          out);
    }
};

}  // namespace detail

// 2-D convolution; weights [Filters, KH, KW, C_in] (TFLite OHWI).
template <int Filters, Kernel K, Stride S, Padding P, Activation A, const auto& W,
          Dilation D = Dilation{}>
struct Conv2D {
    static_assert(detail::quantized<W> || detail::floating<W>,
                  "mote: Conv2D weights must be a mote::QuantizedWeights or mote::FloatWeights object");
    // Index >= 0: the checks alone (model/graph.hpp); -1: the layer the step runs.
    template <class In, int Index>
    using bind = std::conditional_t<
        (Index >= 0), detail::Conv2DBound<In, Index, Filters, K, S, P, A, W, D>,
        std::conditional_t<detail::quantized<W>, detail::Conv2DInt8<In, Index, Filters, K, S, P, A, W, D>,
                           detail::Conv2DFloat<In, Index, Filters, K, S, P, A, W, D>>>;
};

}  // namespace mote
