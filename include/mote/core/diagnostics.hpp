#pragma once
// Compile-time diagnostics in the user's terms. A failing check instantiates one of these
// templates; the compiler prints its arguments (layer index, both shapes or counts) in the
// "required from" line right above the message.
#include <cstddef>

#include "mote/core/shape.hpp"

namespace mote {

// Called from constant-evaluated code on invalid data: the call itself is the diagnostic
// ("call to non-'constexpr' function ... mote::fail("Conv2D: weight scale must be > 0")").
void fail(const char* why);

namespace diagnostic {

template <int LayerIndex, Shape Got, Shape Expected>
struct ShapeMismatch {
    static_assert(Got == Expected,
                  "mote: layer input shape mismatch: ShapeMismatch<layer index, shape it gets, "
                  "shape it needs>");
    static constexpr bool ok = Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct WeightCountMismatch {
    static_assert(Got == Expected,
                  "mote: weight array has the wrong number of elements: "
                  "WeightCountMismatch<layer index, elements given, elements the layer needs>");
    static constexpr bool ok = Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct ElementCountMismatch {
    static_assert(Got == Expected,
                  "mote: Reshape changes the number of elements: "
                  "ElementCountMismatch<layer index, elements in, elements out>");
    static constexpr bool ok = Got == Expected;
};

template <int LayerIndex, Shape In>
struct EmptyOutput {
    static_assert(In.h < 0,
                  "mote: window larger than its input gives an empty output: "
                  "EmptyOutput<layer index, input shape>");
    static constexpr bool ok = false;
};

}  // namespace diagnostic
}  // namespace mote
