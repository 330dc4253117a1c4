// An int8 output zero point of 200 (a uint8 habit).
#include "common.hpp"
using namespace mote;
inline constexpr std::int8_t w4x8[4 * 8] = {};
inline constexpr float one_scale[1] = {0.01f};
inline constexpr QuantizedWeights uint8_output{w4x8, one_scale, {}, {0.1f, 200}};
using Net = Sequential<Input<Shape{1, 1, 8}, cf::in_q>, Dense<4, Activation::none, uint8_output>>;
constexpr auto arena = Net::arena_bytes;
