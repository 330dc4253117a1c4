#pragma once
// Quantize (float32 -> int8, or int8 -> int8 requantization) and Dequantize (int8 -> float32),
// for models whose boundary is float.
#include <cstdint>
#include <type_traits>

#include "mote/kernels/reference/quantize.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

template <const QuantParams& OutQ>
struct Quantize {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Quantize";
        using output = Tensor<In::shape, std::int8_t, scale_bits(OutQ), OutQ.zero_point>;
        static void run(const float* in, std::int8_t* out, std::byte*)
            requires FloatTensorType<In>
        {
            static constexpr reference::QuantizeParams p =
                detail::checked(reference::make_quantize_params(OutQ));
            reference::quantize(p, in, out, In::elements);
        }
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::RequantizeParams p =
                detail::checked(reference::make_requantize_params(In::quant, OutQ));
            reference::requantize(p, in, out, In::elements);
        }
    };
};

struct Dequantize {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Dequantize";
        static_assert(Int8TensorType<In>, "mote: Dequantize takes an int8 tensor");
        using output = FloatTensor<In::shape>;
        static void run(const std::int8_t* in, float* out, std::byte*) {
            static constexpr reference::DequantizeParams p =
                detail::checked(reference::make_dequantize_params(In::quant));
            reference::dequantize(p, in, out, In::elements);
        }
    };
};

}  // namespace mote
