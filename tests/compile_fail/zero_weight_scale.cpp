// A per-channel weight scale of 0 (channel 1) is rejected, not run as a constant channel.
#include "common.hpp"
using namespace mote;
inline constexpr float scales[4] = {0.01f, 0.0f, 0.01f, 0.01f};
inline constexpr QuantizedWeights zero_channel{cf::w3x3x1x4, scales, {}, {0.1f, 0}};
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, zero_channel>>;
constexpr auto arena = Net::arena_bytes;
