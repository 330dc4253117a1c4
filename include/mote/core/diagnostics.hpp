#pragma once
// Compile-time diagnostics in the user's terms. A failing check instantiates one of these
// templates; the compiler prints its arguments (layer index, both shapes or counts) in the
// "required from" line right above the message. A layer is bound once with its index (checked)
// and once with index −1 (the step's type, shared between models); only the first reports.
#include <cstddef>

#include "mote/core/shape.hpp"

namespace mote {

// Called from constant-evaluated code on invalid data: the call itself is the diagnostic
// ("call to non-'constexpr' function ... mote::fail("Conv2D: weight scale must be > 0")").
void fail(const char* why);

namespace diagnostic {

template <int LayerIndex, Shape Got, Shape Expected>
struct ShapeMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: layer input shape mismatch: ShapeMismatch<layer index, shape it gets, "
                  "shape it needs>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct WeightCountMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: weight array has the wrong number of elements: "
                  "WeightCountMismatch<layer index, elements given, elements the layer needs>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct ElementCountMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: Reshape changes the number of elements: "
                  "ElementCountMismatch<layer index, elements in, elements out>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, Shape In>
struct EmptyOutput {
    static_assert(LayerIndex < 0,
                  "mote: window larger than its input gives an empty output: "
                  "EmptyOutput<layer index, input shape>");
    static constexpr bool ok = LayerIndex < 0;
};

}  // namespace diagnostic
}  // namespace mote
