#pragma once
// Compile-time folding for the weighted layers (Conv2D, DepthwiseConv2D, Dense), int8.
//
// TFLite computes  acc = Σ (x − zp_in)·w + bias,  out = requant(acc) + zp_out, clamped.
// We fold  bias' = bias − zp_in·Σw  per output channel, so the inner loop is the bare Σ x·w.
// Padding taps read as zp_in (what TFLite's "skip the tap" means), so the fold holds there too.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote/core/diagnostics.hpp"
#include "mote/core/shape.hpp"
#include "mote/core/weights.hpp"
#include "mote/quant/activation_range.hpp"
#include "mote/quant/multiplier.hpp"

namespace mote::quant {

template <int Channels>
struct ChannelRequant {
    std::array<std::int32_t, Channels> bias{};        // folded: bias − zp_in·Σw
    std::array<std::int32_t, Channels> multiplier{};
    std::array<std::int8_t, Channels> exponent{};
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    ClampRange clamp{};
};

// Output channel c's weight scale: per tensor or per channel.
constexpr float channel_scale(const QuantizedWeights& w, std::size_t c) {
    return w.scales.size() == 1 ? w.scales[0] : w.scales[c];
}

// Per-channel multiplier: (double)s_in · (double)s_w[o] / (double)s_out, as TFLite computes it.
constexpr Multiplier channel_multiplier(const QuantizedWeights& w, QuantParams in, std::size_t c) {
    return quantize_multiplier(static_cast<double>(in.scale) *
                               static_cast<double>(channel_scale(w, c)) /
                               static_cast<double>(w.output.scale));
}

// The checks that need no weight sums, O(channels). The layer makes them in its indexed binding
// (model/graph.hpp), before anything is folded, so that a failure names the layer index.
template <int Channels, int Layer>
constexpr bool check_channel_quantization(const QuantizedWeights& w, QuantParams in) {
    diagnostic::weight_scale_count(Layer, w.scales.size(), Channels);
    diagnostic::bias_count(Layer, w.bias.size(), Channels);
    diagnostic::activation_scales(Layer, in.scale, w.output.scale);
    diagnostic::int8_zero_points(Layer, in.zero_point, w.output.zero_point);
    for (int o = 0; o < Channels; ++o) {
        const auto c = static_cast<std::size_t>(o);
        diagnostic::weight_scale(Layer, o, channel_scale(w, c));
        diagnostic::requantization_shift(Layer, o, channel_multiplier(w, in, c).exponent);
    }
    return true;
}

// weight_sum(o) gives Σw over output channel o's weights (its layout is the layer's business).
// The data passed check_channel_quantization; what remains is the folded bias's range.
template <int Channels, class WeightSum>
constexpr ChannelRequant<Channels> make_channel_requant(const QuantizedWeights& w, QuantParams in,
                                                        Activation act, WeightSum weight_sum) {
    ChannelRequant<Channels> r{};
    // The kernels start each accumulator at the folded bias and add raw int8 products
    // (|x·w| ≤ 2^14), `taps` per output channel: every partial sum must stay within int32.
    const std::int64_t reach = static_cast<std::int64_t>(w.values.size() / Channels) << 14;
    for (int o = 0; o < Channels; ++o) {
        const auto c = static_cast<std::size_t>(o);
        const Multiplier m = channel_multiplier(w, in, c);
        const std::int64_t b = w.bias.empty() ? 0 : w.bias[c];
        const std::int64_t folded = b - static_cast<std::int64_t>(in.zero_point) * weight_sum(o);
        diagnostic::folded_bias(o, folded, reach);
        r.bias[c] = static_cast<std::int32_t>(folded);
        r.multiplier[c] = m.multiplier;
        r.exponent[c] = static_cast<std::int8_t>(m.exponent);
    }
    r.input_zero_point = in.zero_point;
    r.output_zero_point = w.output.zero_point;
    r.clamp = activation_range_int8(act, w.output);
    return r;
}

// Conv2D [O, KH, KW, I] and Dense [O, I] keep each output channel's weights in one contiguous
// row of `row_length` values.
template <int Channels>
constexpr ChannelRequant<Channels> make_channel_requant_rows(const QuantizedWeights& w,
                                                             QuantParams in, Activation act,
                                                             int row_length) {
    return make_channel_requant<Channels>(w, in, act, [&](int o) {
        const std::int8_t* row = w.values.data() + static_cast<std::ptrdiff_t>(o) * row_length;
        std::int64_t s = 0;
        for (int i = 0; i < row_length; ++i) s += row[i];
        return s;
    });
}

}  // namespace mote::quant
