#pragma once
#include <cstdint>

#include "mote/kernels/reference/pad.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Constant padding: int8 pads with the zero point (real 0), float with 0.
template <Pads P>
struct Pad {
    static_assert(P.top >= 0 && P.bottom >= 0 && P.left >= 0 && P.right >= 0 && P.front >= 0 &&
                      P.back >= 0,
                  "mote: Pad amounts must be non-negative");
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Pad";
        using output = Tensor<reference::pad_output_shape(In::shape, P), typename In::value_type,
                              In::scale_bits, In::quant.zero_point>;
        static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) {
            using T = typename In::value_type;
            const T value = static_cast<T>(Int8TensorType<In> ? In::quant.zero_point : 0);
            reference::pad(P, value, in, out, In::shape.h, In::shape.w, In::shape.c);
        }
    };
};

}  // namespace mote
