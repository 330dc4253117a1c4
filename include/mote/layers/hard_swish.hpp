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
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::HardSwishParams p =
                detail::checked(reference::make_hard_swish_params(In::quant, out_quant));
            reference::hard_swish(p, in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::hard_swish(in, out, In::elements);
        }
    };
};

}  // namespace mote
