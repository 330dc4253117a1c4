#pragma once
#include "mote/core/diagnostics.hpp"
#include "mote/core/shape.hpp"

namespace mote::detail {

// True when the window fits its input; otherwise names the layer and its input shape.
template <int Index, Shape In, WindowGeometry G>
constexpr bool window_ok() {
    if constexpr (G.out_h > 0 && G.out_w > 0) return true;
    else return diagnostic::EmptyOutput<Index, In>::ok;
}

}  // namespace mote::detail
