// int8 weights fed a float32 input.
#include "common.hpp"
using namespace mote;
using Net = Sequential<Input<Shape{8, 8, 1}, float32>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, cf::conv4>>;
constexpr auto arena = Net::arena_bytes;
