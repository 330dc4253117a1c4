#pragma once
// Compile-time diagnostics in the user's terms. A failing check instantiates one of these
// templates; the compiler prints its arguments (layer index, both shapes or counts) in the
// "required from" line right above the message. A layer is bound once with its index (checked)
// and once with index −1 (the step's type, shared between models); only the first reports.
#include <cstddef>
#include <cstdint>

#include "mote/core/shape.hpp"

namespace mote {

// Called from constant-evaluated code on invalid data: the call itself is the diagnostic
// ("call to non-'constexpr' function ... mote::fail("Conv2D: weight scale must be > 0")").
void fail(const char* why);

namespace diagnostic {

template <int LayerIndex, Shape Got, Shape Expected>
struct ShapeMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: layer input shape mismatch: ShapeMismatch<layer index, shape it gets, "
                  "shape it needs>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct WeightCountMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: weight array has the wrong number of elements: "
                  "WeightCountMismatch<layer index, elements given, elements the layer needs>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, std::size_t Got, std::size_t Expected>
struct ElementCountMismatch {
    static_assert(LayerIndex < 0 || Got == Expected,
                  "mote: Reshape changes the number of elements: "
                  "ElementCountMismatch<layer index, elements in, elements out>");
    static constexpr bool ok = LayerIndex < 0 || Got == Expected;
};

template <int LayerIndex, Shape In>
struct EmptyOutput {
    static_assert(LayerIndex < 0,
                  "mote: window larger than its input gives an empty output: "
                  "EmptyOutput<layer index, input shape>");
    static constexpr bool ok = LayerIndex < 0;
};

// Checks of a weighted layer's quantization data, made while its parameters are folded
// (quant/channel_requant.hpp). The layer index and the offending numbers are the arguments of the
// check that fails: clang prints their values ("in call to 'weight_scale_count(2, 3, 4)'"); g++
// prints the layer index and the arguments as written. Each message names its arguments in
// order. The folded-bias check needs the weight sums, which are computed once per layer type,
// not per position: it names the layer type (Conv2DInt8<...>) and weights object instead.
constexpr void weight_scale_count([[maybe_unused]] int layer, std::size_t given, int output_channels) {
    if (given != 1 && given != static_cast<std::size_t>(output_channels))
        fail("mote: Conv2D/DepthwiseConv2D/Dense: weight scales must be one per tensor or one per output channel: weight_scale_count(layer index, scales given, output channels)");
}

constexpr void bias_count([[maybe_unused]] int layer, std::size_t given, int output_channels) {
    if (given != 0 && given != static_cast<std::size_t>(output_channels))
        fail("mote: Conv2D/DepthwiseConv2D/Dense: bias must have one value per output channel: bias_count(layer index, values given, output channels)");
}

// Zero too (docs/quantization.md): TFLite's quantizer gives an all-zero channel the scale 0, and
// TFLM then outputs the zero point there; zero weights and bias with any positive scale do so too.
constexpr void weight_scale([[maybe_unused]] int layer, [[maybe_unused]] int channel, float scale) {
    if (!(scale > 0.0f))
        fail("mote: Conv2D/DepthwiseConv2D/Dense: weight scales must be positive (not zero): weight_scale(layer index, output channel, its scale)");
}

constexpr void activation_scales([[maybe_unused]] int layer, float input_scale, float output_scale) {
    if (!(input_scale > 0.0f) || !(output_scale > 0.0f))
        fail("mote: Conv2D/DepthwiseConv2D/Dense: activation scales must be positive: activation_scales(layer index, input scale, output scale)");
}

constexpr void int8_zero_points([[maybe_unused]] int layer, std::int32_t input_zero_point,
                                std::int32_t output_zero_point) {
    if (input_zero_point < -128 || input_zero_point > 127 || output_zero_point < -128 ||
        output_zero_point > 127)
        fail("mote: Conv2D/DepthwiseConv2D/Dense: int8 zero points must lie in [-128, 127]: int8_zero_points(layer index, input zero point, output zero point)");
}

// exponent: of input scale · weight scale / output scale as TFLite's QuantizeMultiplier gives it.
constexpr void requantization_shift([[maybe_unused]] int layer, [[maybe_unused]] int channel,
                                    int exponent) {
    if (exponent > 31 || exponent < -31)
        fail("mote: Conv2D/DepthwiseConv2D/Dense: requantization shift out of range [-31, 31]: requantization_shift(layer index, output channel, shift)");
}

// folded = bias − input zero point · Σw; reach = the most the int8 products can add (taps · 2^14).
constexpr void folded_bias([[maybe_unused]] int channel, std::int64_t folded,
                           std::int64_t reach) {
    if (folded < INT32_MIN || folded > INT32_MAX)
        fail("mote: Conv2D/DepthwiseConv2D/Dense: bias - input zero point * sum(w) overflows int32: folded_bias(output channel, folded, reach)");
    if (folded - reach < INT32_MIN || folded + reach > INT32_MAX)
        fail("mote: Conv2D/DepthwiseConv2D/Dense: folded bias leaves the int32 accumulator no headroom: folded_bias(output channel, folded, reach)");
}

}  // namespace diagnostic
}  // namespace mote
