// A negative per-tensor weight scale on a Dense layer.
#include "common.hpp"
using namespace mote;
inline constexpr std::int8_t w4x8[4 * 8] = {};
inline constexpr float negative[1] = {-0.01f};
inline constexpr QuantizedWeights flipped{w4x8, negative, {}, {0.1f, 0}};
using Net = Sequential<Input<Shape{1, 1, 8}, cf::in_q>, Dense<4, Activation::none, flipped>>;
constexpr auto arena = Net::arena_bytes;
