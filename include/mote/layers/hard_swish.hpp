#pragma once
#include <cstdint>

#include "mote/kernels/reference/hard_swish.hpp"
#include "mote/layers/activation.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// x · relu6(x + 3) / 6. OutQ (int8 only): a QuantParams object for the output parameters when
// they differ from the input's (they usually do).
template <const auto& OutQ = float32>
struct HardSwish {
    template <class In, int Index>
    struct bind : detail::ElementwiseFacts<In, OutQ> {
        using typename detail::ElementwiseFacts<In, OutQ>::output;
        using detail::ElementwiseFacts<In, OutQ>::out_quant;
        static constexpr const char* name = "HardSwish";
        static constexpr reference::HardSwishParams params =
            detail::int8_params<Int8TensorType<In>, reference::HardSwishParams>(
                [] { return reference::make_hard_swish_params(In::quant, out_quant); });
        using Map = detail::Int8Map<reference::hard_swish_value, params>;
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
            reference::hard_swish(in, out, In::elements);
        }
    };
};

}  // namespace mote
