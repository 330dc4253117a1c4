#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/kernels/reference/mean.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Mean over height and width, keeping the dimensions: Shape{1, 1, C}.
template <const auto& OutQ = float32>
struct Mean {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Mean";
        static constexpr bool int8 = Int8TensorType<In>;
        static_assert(!int8 || is_quant_params<std::remove_cvref_t<decltype(OutQ)>>,
                      "mote: int8 Mean needs its output QuantParams: Mean<out_q>");
        static constexpr QuantParams out_quant = [] {
            if constexpr (is_quant_params<std::remove_cvref_t<decltype(OutQ)>>) return OutQ;
            else return QuantParams{};
        }();
        using output = Tensor<Shape{1, 1, In::shape.c}, typename In::value_type,
                              int8 ? scale_bits(out_quant) : 0u, int8 ? out_quant.zero_point : 0>;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::MeanParams p = detail::checked(
                reference::make_mean_params(In::quant, out_quant, In::shape.h, In::shape.w));
            reference::mean_hw(p, in, out, In::shape.h, In::shape.w, In::shape.c);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::mean_hw(in, out, In::shape.h, In::shape.w, In::shape.c);
        }
    };
};

}  // namespace mote
