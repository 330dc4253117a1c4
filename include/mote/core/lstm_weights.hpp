#pragma once
// The constant data of a UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's standard LSTM: no peephole, no
// projection, no layer norm, no CIFG), referenced from the layer type like the other weights.
// Each gate has an input-to-gate matrix [units, inputs], a recurrent (hidden-to-gate) matrix
// [units, units] and a bias [units], in TFLite's layout.
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/core/quant_params.hpp"

namespace mote {

// TFLite's gate order (input tensors 1–4, 5–8 and 12–15 of the operator).
enum class LstmGate { input, forget, cell, output };
inline constexpr std::size_t lstm_gate_count = 4;

// int8x8_16: int8 symmetric weights with one scale per tensor; int32 bias with scale
// input_scale · input-to-gate scale (zero point 0).
struct LstmGateWeights {
    std::span<const std::int8_t> input;      // [units, inputs]
    std::span<const std::int8_t> recurrent;  // [units, units]
    std::span<const std::int32_t> bias;      // [units]
    float input_scale = 0.0f;
    float recurrent_scale = 0.0f;
};

struct LstmWeights {
    LstmGateWeights input_gate, forget_gate, cell_gate, output_gate;
    QuantParams hidden;         // int8 hidden state; the layer's output is quantized like it
    float cell_scale = 0.0f;    // int16 cell state (zero point 0); must be a power of two
    float cell_clip = 0.0f;     // |cell| bound in real units; 0: no clipping
};

struct LstmFloatGateWeights {
    std::span<const float> input;      // [units, inputs]
    std::span<const float> recurrent;  // [units, units]
    std::span<const float> bias;       // [units]
};

struct LstmFloatWeights {
    LstmFloatGateWeights input_gate, forget_gate, cell_gate, output_gate;
    float cell_clip = 0.0f;  // 0: no clipping
};

// One gate's data of either weights type, by gate.
template <class W>
constexpr const auto& lstm_gate(const W& w, LstmGate g) {
    switch (g) {
        case LstmGate::input: return w.input_gate;
        case LstmGate::forget: return w.forget_gate;
        case LstmGate::cell: return w.cell_gate;
        case LstmGate::output: break;
    }
    return w.output_gate;
}

template <class W>
inline constexpr bool is_lstm_weights = false;
template <>
inline constexpr bool is_lstm_weights<LstmWeights> = true;
template <class W>
inline constexpr bool is_lstm_float_weights = false;
template <>
inline constexpr bool is_lstm_float_weights<LstmFloatWeights> = true;

}  // namespace mote
