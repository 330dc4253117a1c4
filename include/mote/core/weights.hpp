#pragma once
// Weights are referenced from a layer type, never copied into it: objects of these types live
// at namespace scope as constexpr data (flash on a microcontroller).
#include <cstdint>
#include <span>

#include "mote/core/quant_params.hpp"

namespace mote {

// int8 Conv2D / DepthwiseConv2D / Dense. Symmetric weights (zero point 0) in TFLite layout;
// scales per output channel (or one per tensor); bias scale = input_scale · scales[o].
struct QuantizedWeights {
    std::span<const std::int8_t> values;
    std::span<const float> scales;
    std::span<const std::int32_t> bias;  // empty: no bias
    QuantParams output;
};

struct FloatWeights {
    std::span<const float> values;
    std::span<const float> bias;  // empty: no bias
};

template <class W>
inline constexpr bool is_quantized_weights = false;
template <>
inline constexpr bool is_quantized_weights<QuantizedWeights> = true;
template <class W>
inline constexpr bool is_float_weights = false;
template <>
inline constexpr bool is_float_weights<FloatWeights> = true;

}  // namespace mote
