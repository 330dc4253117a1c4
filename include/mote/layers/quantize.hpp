#pragma once
// Quantize (float32 -> int8, or requantization between integer types) and Dequantize (int8 ->
// float32), for models whose boundary is float or changes element type.
#include <cstdint>
#include <type_traits>

#include "mote/kernels/reference/quantize.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Out is the output element type: int8 from float32; from an integer input any type TFLM
// requantizes to (int8 -> int8 / uint8 / int16 / int32, uint8 -> int8, int16 -> int8 / int16 /
// int32). OutQ is the output's quantization.
template <const QuantParams& OutQ, class Out = std::int8_t>
struct Quantize {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr bool in_place = true;
        using in_t = typename In::value_type;
        static constexpr bool from_float = std::is_same_v<in_t, float>;
        static_assert(Index < 0 || (from_float ? std::is_same_v<Out, std::int8_t>
                                               : reference::requantizes<in_t, Out>),
                      "mote: Quantize: unsupported element types (float32 -> int8; int8 -> int8, "
                      "uint8, int16, int32; uint8 -> int8; int16 -> int8, int16, int32)");
        static constexpr const char* name = "Quantize";
        using output = Tensor<In::shape, Out, scale_bits(OutQ), OutQ.zero_point>;
        static void run(const in_t* in, Out* out, std::byte*) {
            if constexpr (from_float) {
                static constexpr reference::QuantizeParams p =
                    detail::checked(reference::make_quantize_params(OutQ));
                reference::quantize(p, in, out, In::elements);
            } else {
                static constexpr reference::RequantizeParams p =
                    detail::checked(reference::make_requantize_params<in_t, Out>(In::quant, OutQ));
                reference::requantize(p, in, out, In::elements);
            }
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
