// Conv2D at layer 1 is given 3x3x1 weights but its input has 4 channels.
#include "common.hpp"
using namespace mote;
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, cf::conv4>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, cf::conv4>>;
constexpr auto arena = Net::arena_bytes;
