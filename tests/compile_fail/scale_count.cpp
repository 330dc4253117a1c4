// Three weight scales for the Conv2D at layer 1, which has four filters: the error gives the
// layer index and both counts.
#include "common.hpp"
using namespace mote;
inline constexpr float three_scales[3] = {0.01f, 0.01f, 0.01f};
inline constexpr QuantizedWeights three_for_four{cf::w3x3x1x4, three_scales, {}, {0.1f, 0}};
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>, Reshape<Shape{8, 8, 1}>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, three_for_four>>;
constexpr auto arena = Net::arena_bytes;
