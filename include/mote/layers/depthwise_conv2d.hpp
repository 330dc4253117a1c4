#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/config.hpp"
#include "mote/kernels/depthwise_conv2d.hpp"
#include "mote/kernels/reference/depthwise_conv2d.hpp"
#include "mote/layers/layer.hpp"
#include "mote/layers/checks.hpp"
#include "mote/quant/channel_requant.hpp"

namespace mote {
namespace detail {

template <class In, int Index, int M, Kernel K, Stride S, Padding P, Activation A, const auto& W,
          Dilation D>
struct DepthwiseBound : LayerFacts {
    using input = In;
    static constexpr const char* name = "DepthwiseConv2D";
    static constexpr int channels = In::shape.c * M;
    static constexpr WindowGeometry geometry = make_window(In::shape, channels, K, S, D, P);
    static_assert(M >= 1, "mote: DepthwiseConv2D depth multiplier must be >= 1");
    static_assert(window_ok<Index, In::shape, geometry>());
    static_assert(diagnostic::WeightCountMismatch<Index, W.values.size(),
                                                  static_cast<std::size_t>(K.h * K.w * channels)>::ok);
    static_assert(quantization_ok<Index, In, W, channels>());
    static constexpr Shape out_shape{geometry.out_h, geometry.out_w, channels};
    static constexpr std::uint64_t macs =
        static_cast<std::uint64_t>(out_shape.elements()) * static_cast<std::uint64_t>(K.h * K.w);
};

template <class In, int Index, int M, Kernel K, Stride S, Padding P, Activation A, const auto& W,
          Dilation D>
struct DepthwiseInt8 : DepthwiseBound<In, Index, M, K, S, P, A, W, D> {
    using Base = DepthwiseBound<In, Index, M, K, S, P, A, W, D>;
    static_assert(Int8TensorType<In>, "mote: DepthwiseConv2D with int8 weights needs an int8 input");
    using output =
        Tensor<Base::out_shape, std::int8_t, scale_bits(W.output), W.output.zero_point>;
    static constexpr quant::ChannelRequant<Base::channels> requant =
        quant::make_channel_requant<Base::channels>(W, In::quant, A, [](int oc) {
            std::int64_t s = 0;
            for (int t = 0; t < K.h * K.w; ++t)
                s += W.values[static_cast<std::size_t>(t * Base::channels + oc)];
            return s;
        });
    static_assert(requant.clamp.min <= requant.clamp.max, "mote: empty activation range");
    using Plan = kernels::DepthwisePlan<W, Base::geometry, M, requant>;
    static constexpr const char* kernel = config::reference_kernels ? "reference" : Plan::kernel;
    // Flash: the weights plus the per-channel record the selected kernel reads.
    static constexpr std::size_t weight_bytes =
        config::reference_kernels ? W.values.size() + sizeof(requant.bias) + sizeof(requant.multiplier) +
                                        sizeof(requant.exponent)
                                  : Plan::flash_bytes;
    static constexpr std::size_t scratch_bytes = config::reference_kernels ? 0 : Plan::scratch_bytes;
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch) {
        if constexpr (config::reference_kernels)
            reference::depthwise_conv2d(Base::geometry, M, reference::view_of(requant), in,
                                        W.values.data(), out);
        else
            Plan::run(in, out, scratch);
    }
};

template <class In, int Index, int M, Kernel K, Stride S, Padding P, Activation A, const auto& W,
          Dilation D>
struct DepthwiseFloat : DepthwiseBound<In, Index, M, K, S, P, A, W, D> {
    using Base = DepthwiseBound<In, Index, M, K, S, P, A, W, D>;
    static_assert(FloatTensorType<In>, "mote: DepthwiseConv2D with float weights needs a float32 input");
    using output = FloatTensor<Base::out_shape>;
    static constexpr const char* kernel = "reference float32";  // the only float path
    static constexpr std::size_t weight_bytes = (W.values.size() + W.bias.size()) * sizeof(float);
    static void run(const float* in, float* out, std::byte*) {
        const auto r = quant::activation_range_float(A);
        reference::depthwise_conv2d(Base::geometry, M, {r.min, r.max}, in, W.values.data(),
                                    bias_or_null<W>(), out);
    }
};

}  // namespace detail

// Depthwise 2-D convolution; weights [KH, KW, C_in·M] (TFLite), output channel c·M + m.
template <int DepthMultiplier, Kernel K, Stride S, Padding P, Activation A, const auto& W,
          Dilation D = Dilation{}>
struct DepthwiseConv2D {
    static_assert(detail::quantized<W> || detail::floating<W>,
                  "mote: DepthwiseConv2D weights must be a mote::QuantizedWeights or "
                  "mote::FloatWeights object");
    // Index >= 0: the checks alone (model/graph.hpp); -1: the layer the step runs.
    template <class In, int Index>
    using bind = std::conditional_t<
        (Index >= 0), detail::DepthwiseBound<In, Index, DepthMultiplier, K, S, P, A, W, D>,
        std::conditional_t<
            detail::quantized<W>, detail::DepthwiseInt8<In, Index, DepthMultiplier, K, S, P, A, W, D>,
            detail::DepthwiseFloat<In, Index, DepthMultiplier, K, S, P, A, W, D>>>;
};

}  // namespace mote
