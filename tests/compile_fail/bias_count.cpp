// Two bias values for a Dense layer with four units: the error gives both counts.
#include "common.hpp"
using namespace mote;
inline constexpr std::int8_t w4x8[4 * 8] = {};
inline constexpr float one_scale[1] = {0.01f};
inline constexpr std::int32_t two_bias[2] = {1, 2};
inline constexpr QuantizedWeights short_bias{w4x8, one_scale, two_bias, {0.1f, 0}};
using Net = Sequential<Input<Shape{1, 1, 8}, cf::in_q>, Dense<4, Activation::none, short_bias>>;
constexpr auto arena = Net::arena_bytes;
