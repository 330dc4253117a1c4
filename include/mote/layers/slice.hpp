#pragma once
#include "mote/kernels/reference/slice.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace diagnostic {

template <int LayerIndex, Shape In, Offsets Begin, Strides Step, Shape Out>
struct SliceOutOfBounds {
    static_assert(LayerIndex < 0 || reference::slice_fits(In, Begin, Step, Out),
                  "mote: StridedSlice reads outside its input: SliceOutOfBounds<layer index, "
                  "input shape, offsets, strides, output shape>");
    static constexpr bool ok = LayerIndex < 0 || reference::slice_fits(In, Begin, Step, Out);
};

}  // namespace diagnostic

// Out.h × Out.w × Out.c elements taken from Begin on, Step apart along each axis (positive
// steps). Any element type; int8 keeps its quantization.
template <Offsets Begin, Strides Step, Shape Out>
struct StridedSlice {
    static_assert(Begin.h >= 0 && Begin.w >= 0 && Begin.c >= 0,
                  "mote: StridedSlice offsets must be non-negative");
    static_assert(Step.h >= 1 && Step.w >= 1 && Step.c >= 1,
                  "mote: StridedSlice strides must be positive");
    static_assert(Out.h >= 1 && Out.w >= 1 && Out.c >= 1,
                  "mote: StridedSlice output must not be empty");
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "StridedSlice";
        static_assert(diagnostic::SliceOutOfBounds<Index, In::shape, Begin, Step, Out>::ok);
        using output = Reshaped<In, Out>;
        static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) {
            reference::strided_slice(Begin, Step, in, In::shape, out, Out);
        }
    };
};

}  // namespace mote
