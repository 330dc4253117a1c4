#pragma once
// The checks a layer makes in its indexed binding (model/graph.hpp), where a failure can name
// the layer index (core/diagnostics.hpp).
#include "mote/core/diagnostics.hpp"
#include "mote/core/shape.hpp"
#include "mote/core/tensor.hpp"
#include "mote/layers/layer.hpp"
#include "mote/quant/channel_requant.hpp"

namespace mote::detail {

// True when the window fits its input; otherwise names the layer and its input shape.
template <int Index, Shape In, WindowGeometry G>
constexpr bool window_ok() {
    if constexpr (G.out_h > 0 && G.out_w > 0) return true;
    else return diagnostic::EmptyOutput<Index, In>::ok;
}

// The quantization data of an int8 weighted layer (Conv2D, DepthwiseConv2D, Dense), checked
// in its indexed binding (Index >= 0) so that a failure names the layer.
template <int Index, class In, const auto& W, int Channels>
constexpr bool quantization_ok() {
    if constexpr (Index < 0 || !quantized<W> || !Int8TensorType<In>) return true;
    else return quant::check_channel_quantization<Channels, Index>(W, In::quant);
}

}  // namespace mote::detail
