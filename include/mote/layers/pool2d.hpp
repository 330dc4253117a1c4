#pragma once
#include <cstdint>

#include "mote/kernels/reference/pool.hpp"
#include "mote/layers/layer.hpp"
#include "mote/layers/checks.hpp"

namespace mote {
namespace detail {

enum class PoolKind { average, max };

template <class In, int Index, PoolKind Kind, Kernel K, Stride S, Padding P, Activation A>
struct Pool2DBound : LayerFacts {
    using input = In;
    static constexpr const char* name = Kind == PoolKind::average ? "AveragePool2D" : "MaxPool2D";
    static constexpr reference::PoolGeometry geometry = reference::make_pool_geometry(In::shape, K, S, P);
    static constexpr WindowGeometry window = make_window(In::shape, In::shape.c, K, S, Dilation{}, P);
    static_assert(window_ok<Index, In::shape, window>());
    static constexpr Shape out_shape{geometry.out_h, geometry.out_w, In::shape.c};
    // int8 pooling keeps the input's quantization (TFLite requires it).
    using output = Tensor<out_shape, typename In::value_type, In::scale_bits, In::quant.zero_point>;

    static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
        requires Int8TensorType<In>
    {
        static constexpr reference::PoolParams params =
            checked(reference::make_pool_params(In::quant, In::quant, A));
        if constexpr (Kind == PoolKind::average) reference::average_pool(geometry, params.clamp, in, out);
        else reference::max_pool(geometry, params.clamp, in, out);
    }
    static void run(const float* in, float* out, std::byte*)
        requires FloatTensorType<In>
    {
        if constexpr (Kind == PoolKind::average)
            reference::average_pool(geometry, quant::activation_range_float(A), in, out);
        else reference::max_pool(geometry, quant::activation_range_float(A), in, out);
    }
};

}  // namespace detail

template <Kernel K, Stride S, Padding P, Activation A = Activation::none>
struct AveragePool2D {
    template <class In, int Index>
    using bind = detail::Pool2DBound<In, Index, detail::PoolKind::average, K, S, P, A>;
};

template <Kernel K, Stride S, Padding P, Activation A = Activation::none>
struct MaxPool2D {
    template <class In, int Index>
    using bind = detail::Pool2DBound<In, Index, detail::PoolKind::max, K, S, P, A>;
};

}  // namespace mote
