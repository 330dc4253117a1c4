// An output scale of zero is caught where the requantization is folded, with the reason.
#include "common.hpp"
using namespace mote;
inline constexpr QuantizedWeights zero_scale{cf::w3x3x1x4, cf::s4, {}, {0.0f, 0}};
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, zero_scale>>;
constexpr auto arena = Net::arena_bytes;
