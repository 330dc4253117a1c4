#pragma once
// SVDF, int8 input and output with int16 time weights and int16 activation state, as TFLite
// Micro's reference kernel computes it (EvalIntegerSvdfReference<int16_t>).
//
// filters = units · rank. Per batch, the state holds each filter's last `memory` feature
// activations, oldest first: state[f][m] (int16, scale s_state, zero point 0). One run:
//  1. every filter's row slides one step toward the front (its oldest value drops out);
//  2. its newest slot gets  Σ_i wf[f][i]·(x[i] − zp_in)  requantized by s_in·s_wf/s_state and
//     saturated to int16;
//  3. unit u takes  bias[u] + Σ over its filters f = u·rank … u·rank + rank − 1 of
//     Σ_m wt[f][m]·state[f][m],  requantized by s_state·s_wt/s_out, + zp_out, saturated to int8.
// TFLM applies no fused activation on this path (only the int8 saturation), and forms both
// effective scales as float32 products and quotients before widening them to double.
// TFLM's int32 sums wrap where they overflow (the time sums can: int16 × int16 terms); we add in
// int64 and narrow modulo 2^32, which gives the same bits without undefined behaviour.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct SvdfShape {
    int batches = 1;
    int inputs = 1;
    int units = 1;
    int rank = 1;
    int memory = 1;
    constexpr int filters() const { return units * rank; }
};

struct SvdfParams {
    quant::Multiplier input_to_state{};   // s_in · s_wf / s_state
    quant::Multiplier state_to_output{};  // s_state · s_wt / s_out
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    const char* error = nullptr;
};

// a·b/c evaluated in float32 as TFLM does, widened; −1 where it reaches 2^31 (a left shift past 31
// bits) or a float32 step would overflow.
constexpr double float_effective_scale(float a, float b, float c) {
    const double product = static_cast<double>(a) * static_cast<double>(b);
    if (product > 3.4028234663852886e38 || product / static_cast<double>(c) >= 2147483648.0) return -1.0;
    return static_cast<double>(a * b / c);
}

constexpr SvdfParams make_svdf_params(QuantParams input, float feature_scale, QuantParams state,
                                      float time_scale, QuantParams output) {
    SvdfParams p{};
    if (!quant::valid_int8_quant(input) || !quant::valid_int8_quant(output)) {
        p.error = "mote: SVDF: invalid int8 input or output quantization";
        return p;
    }
    // The scale tests of valid_int8_quant (zero point 0 passes the rest).
    if (!quant::valid_int8_quant({state.scale, 0}) || !quant::valid_int8_quant({feature_scale, 0}) ||
        !quant::valid_int8_quant({time_scale, 0})) {
        p.error = "mote: SVDF: state and weight scales must be positive and finite";
        return p;
    }
    if (state.zero_point != 0) {
        p.error = "mote: SVDF: the int16 activation state must have zero point 0";
        return p;
    }
    const double to_state = float_effective_scale(input.scale, feature_scale, state.scale);
    const double to_output = float_effective_scale(state.scale, time_scale, output.scale);
    if (to_state < 0.0 || to_output < 0.0) {
        p.error = "mote: SVDF: requantization shift out of range";
        return p;
    }
    p.input_to_state = quant::quantize_multiplier(to_state);
    p.state_to_output = quant::quantize_multiplier(to_output);
    p.input_zero_point = input.zero_point;
    p.output_zero_point = output.zero_point;
    return p;
}

// One filter's feature activation (step 2).
inline std::int16_t svdf_feature(const SvdfParams& p, const std::int8_t* x, const std::int8_t* wf,
                                 int inputs) {
    std::int64_t acc = 0;
    for (int i = 0; i < inputs; ++i)
        acc += static_cast<std::int32_t>(wf[i]) * (static_cast<std::int32_t>(x[i]) - p.input_zero_point);
    std::int32_t v = quant::requantize(static_cast<std::int32_t>(acc), p.input_to_state);
    v = v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v);
    return static_cast<std::int16_t>(v);
}

// `state` is batches × filters × memory int16 values; `bias` may be null.
inline void svdf(const SvdfParams& p, const SvdfShape& s, const std::int8_t* input,
                 const std::int8_t* weights_feature, const std::int16_t* weights_time,
                 const std::int32_t* bias, std::int16_t* state, std::int8_t* output) {
    const int filters = s.filters();
    // A unit's `rank` filters are adjacent rows, so its time sum is one run of rank·memory terms.
    const int unit_terms = s.rank * s.memory;
    for (int b = 0; b < s.batches; ++b) {
        const std::int8_t* x = input + b * s.inputs;
        std::int16_t* batch_state = state + b * filters * s.memory;
        for (int f = 0; f < filters; ++f) {
            std::int16_t* row = batch_state + f * s.memory;
            for (int m = 0; m + 1 < s.memory; ++m) row[m] = row[m + 1];
            row[s.memory - 1] = svdf_feature(p, x, weights_feature + f * s.inputs, s.inputs);
        }
        for (int u = 0; u < s.units; ++u) {
            const std::int16_t* wt = weights_time + u * unit_terms;
            const std::int16_t* st = batch_state + u * unit_terms;
            std::int64_t acc = bias != nullptr ? bias[u] : 0;
            for (int k = 0; k < unit_terms; ++k) acc += static_cast<std::int32_t>(wt[k]) * st[k];
            std::int32_t v = quant::requantize(static_cast<std::int32_t>(acc), p.state_to_output) +
                             p.output_zero_point;
            v = v < -128 ? -128 : (v > 127 ? 127 : v);
            output[b * s.units + u] = static_cast<std::int8_t>(v);
        }
    }
}

}  // namespace mote::reference
