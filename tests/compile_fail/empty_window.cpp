// A VALID 3x3 window does not fit a 2x2 input: layer 0 names its input shape.
#include "common.hpp"
using namespace mote;
using Net = Sequential<Input<Shape{2, 2, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::valid, Activation::none, cf::conv4>>;
constexpr auto arena = Net::arena_bytes;
