// A residual Add (layer 1) joins an 8x8x1 shortcut with the 4x4x4 output of a stride-2 conv.
#include "common.hpp"
using namespace mote;
inline constexpr QuantParams add_q{0.1f, 0};
using Net = Sequential<Input<Shape{8, 8, 1}, cf::in_q>,
                       Branch<Add<Activation::none, add_q>, Identity,
                              Sequential<Conv2D<4, Kernel{3, 3}, Stride{2, 2}, Padding::same,
                                                Activation::none, cf::conv4>>>>;
constexpr auto arena = Net::arena_bytes;
