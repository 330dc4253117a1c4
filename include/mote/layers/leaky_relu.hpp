#pragma once
#include <cstdint>

#include "mote/kernels/reference/leaky_relu.hpp"
#include "mote/layers/activation.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

struct LeakyReluParams {
    float alpha = 0.2f;  // the slope for x < 0 (TFLite's default)
};

// x for x > 0, alpha · x otherwise. P names a LeakyReluParams object; OutQ (int8 only) a
// QuantParams object for output parameters that differ from the input's.
template <const LeakyReluParams& P, const auto& OutQ = float32>
struct LeakyRelu {
    template <class In, int Index>
    struct bind : detail::ElementwiseFacts<In, OutQ> {
        using typename detail::ElementwiseFacts<In, OutQ>::output;
        using detail::ElementwiseFacts<In, OutQ>::out_quant;
        static constexpr const char* name = "LeakyRelu";
        static constexpr reference::LeakyReluParams params =
            detail::int8_params<Int8TensorType<In>, reference::LeakyReluParams>(
                [] { return reference::make_leaky_relu_params(In::quant, out_quant, P.alpha); });
        using Map = detail::Int8Map<reference::leaky_relu_value, params>;
        static constexpr const char* kernel = Int8TensorType<In> ? Map::kernel : "reference float32";
        static constexpr std::size_t weight_bytes = Int8TensorType<In> ? Map::flash_bytes : 0;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            Map::run(in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::leaky_relu(P.alpha, in, out, In::elements);
        }
    };
};

}  // namespace mote
