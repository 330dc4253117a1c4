// Reshape at layer 1 asks for 50 elements out of 8x8x4 = 256.
#include "common.hpp"
using namespace mote;
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, cf::conv4>,
                       Reshape<Shape{1, 5, 10}>>;
constexpr auto arena = Net::arena_bytes;
