#pragma once
#include "mote/kernels/reference/transpose.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Reorders the axes: output axis h, w, c is input axis P.h, P.w, P.c. Any element type; int8
// keeps its quantization.
template <Permutation P>
struct Transpose {
    static_assert(reference::is_permutation(P), "mote: Transpose takes each axis exactly once");
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Transpose";
        using output = Reshaped<In, reference::transposed_shape(In::shape, P)>;
        static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) {
            reference::transpose(P, in, In::shape, out);
        }
    };
};

}  // namespace mote
