#pragma once
// UNIDIRECTIONAL_SEQUENCE_LSTM as TFLite Micro's reference kernels compute it (lstm_eval): no
// peephole, no projection, no layer norm, no CIFG; the cell gate's activation is tanh.
//
// Per time step and batch row, with x the input row, h the hidden and c the cell state:
//   gate_k = act_k(FC_input_k(x) + FC_recurrent_k(h))   k = input, forget, cell, output;
//            act = sigmoid, tanh for the cell gate
//   c = clip(forget·c + input·cell_gate);  h = tanh(c)·output;  the output row is the new h.
//
// int8x8_16 (int8 x, h and weights, int16 c, int32 bias):
// * each FC's int32 sum (the input FC with the bias, the recurrent FC without) is requantized to
//   the fixed gate scale 2^-12 (Q3.12) with the multiplier for (double)s_x·(double)s_w / 2^-12
//   and clamped to int16; the two are added with int16 saturation. Zero points are folded at
//   compile time: bias − zp_x·Σw (input FC), −zp_h·Σw (recurrent FC).
// * sigmoid and tanh are TFLite's int16 versions (reference_integer_ops::Logistic/Tanh): the
//   input times 3 (Q3.12 scaled by 3/4) indexes a 256-entry table of sigmoid(i/24) with linear
//   interpolation; the output is Q0.15 (2^-15); tanh(x) = 2·sigmoid(2x) − 1.
// * forget·c: the int32 product requantized by 2^-15 (the cell scale cancels), clamped to int16;
//   input·cell_gate: by 2^-30 / s_c, clamped; c = their int16-saturated sum, then clipped to
//   ±int16(cell_clip / s_c) (truncated) when cell_clip > 0. s_c must be 2^p: tanh(c) reads c as
//   Q3.12 through the input factor 3·2^(12+p) (a rounding right shift when 12 + p < 0).
// * h = zp_h + requantize(tanh(c)·output, 2^-30 / s_h), clamped to int8.
// Requantization is TFLite's QuantizeMultiplier + MultiplyByQuantizedMultiplier (two roundings).
//
// float32: the same steps; each FC sums its products in input order, then adds the bias;
// sigmoid with TFLite's cutoffs, std::tanh.
//
// Rows never read each other, so a row is computed unit by unit: every gate of unit u, then its
// cell value, then its new hidden value, written to the output row; the row is copied to h at
// the end (the recurrent FCs read the old h throughout). No scratch memory.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/core/lstm_weights.hpp"
#include "mote/core/quant_params.hpp"
#include "mote/kernels/reference/conv2d.hpp"
#include "mote/kernels/reference/logistic.hpp"
#include "mote/kernels/reference/tanh.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct LstmDims {
    int batch = 1, time = 1, inputs = 1, units = 1;
    bool time_major = false;  // input [time, batch, inputs], else [batch, time, inputs]
};

inline constexpr std::size_t lstm_scratch_bytes = 0;

// --- TFLite's int16 sigmoid and tanh ---------------------------------------------------------

// sigmoid(i / 24) for i = 0..255 in unsigned Q0.16 (TFLite's sigmoid_table_uint16).
inline constexpr std::array<std::uint16_t, 256> sigmoid_table_uint16 = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535};

// An int16 input brought to the table's units: (x·multiplier + rounding) >> shift.
struct Int16ActivationScaling {
    std::int32_t multiplier = 3;  // Q3.12 inputs: 3, no shift
    int shift = 0;
};

constexpr std::int32_t scale_activation_input(std::int16_t x, Int16ActivationScaling s) {
    const std::int32_t rounding = s.shift > 0 ? std::int32_t{1} << (s.shift - 1) : 0;
    return (static_cast<std::int32_t>(x) * s.multiplier + rounding) >> s.shift;
}

// sigmoid of v (v / 2^9 indexes the table), Q0.15.
constexpr std::int16_t sigmoid_int16(std::int32_t v) {
    const auto a = static_cast<std::uint32_t>(v < 0 ? -v : v);
    const std::uint32_t index = a >> 9;
    std::uint32_t r = 0x7FFFu << 10;  // saturated
    if (index < 255) {
        const std::uint32_t lo = sigmoid_table_uint16[index], hi = sigmoid_table_uint16[index + 1];
        r = (lo << 9) + (a & 0x1FFu) * (hi - lo);
    }
    r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return static_cast<std::int16_t>(r >> 10);
}

// tanh of v (v / 2^8 indexes the table at twice the argument), Q0.15.
constexpr std::int16_t tanh_int16(std::int32_t v) {
    const auto a = static_cast<std::uint32_t>(v < 0 ? -v : v);
    const std::uint32_t index = a >> 8;
    std::int32_t r = 0xFFFF << 8;  // saturated
    if (index < 255) {
        const std::uint32_t lo = sigmoid_table_uint16[index], hi = sigmoid_table_uint16[index + 1];
        r = static_cast<std::int32_t>((lo << 8) + (a & 0xFFu) * (hi - lo));
    }
    r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return static_cast<std::int16_t>(r >> 8);  // arithmetic shift: rounds toward −∞
}

// The cell state 2^p·c read as Q3.12 (TFLM's Tanh(cell_state_scale_power)): factor 3·2^(12+p).
constexpr Int16ActivationScaling cell_tanh_scaling(int p) {
    const int left = 12 + p;
    return left >= 0 ? Int16ActivationScaling{3 << left, 0} : Int16ActivationScaling{3, -left};
}

// --- parameter checks shared by both kinds ---------------------------------------------------

namespace lstm_detail {
constexpr bool positive_finite(float v) { return v > 0.0f && v <= 3.4028234663852886e38f; }
constexpr bool valid_cell_clip(float clip) { return clip == 0.0f || positive_finite(clip); }
inline constexpr const char* cell_clip_error = "mote: LSTM: cell_clip must be finite and >= 0";
}  // namespace lstm_detail

// --- int8x8_16 -------------------------------------------------------------------------------

// The scalar part of the int8 parameters (no per-unit data). M: how a multiplier is held, for
// `requantize(x, m)` found by argument-dependent lookup: quant::Multiplier here; the optimized
// kernel holds the same values as kernels::ChannelQ (kernels/lstm.hpp), which requantizes to
// the same bits in fewer instructions.
template <class M>
struct LstmInt8QuantOf {
    std::array<M, lstm_gate_count> input_to_gate{};      // s_x·s_w / 2^-12
    std::array<M, lstm_gate_count> recurrent_to_gate{};  // s_h·s_r / 2^-12
    M forget_times_cell{};      // 2^-15·s_c / s_c
    M input_times_cell_gate{};  // 2^-15·2^-15 / s_c
    M hidden{};                 // 2^-15·2^-15 / s_h
    Int16ActivationScaling cell_tanh{};
    bool clip_cell = false;
    std::int16_t cell_clip = 0;  // in cell-state units
    std::int32_t hidden_zero_point = 0;
};
using LstmInt8Quant = LstmInt8QuantOf<quant::Multiplier>;

template <int Units>
struct LstmInt8Params {
    using PerGate = std::array<std::array<std::int32_t, Units>, lstm_gate_count>;
    LstmInt8Quant quant{};
    PerGate input_bias{};      // bias − zp_x·Σw over each row of the input-to-gate weights
    PerGate recurrent_bias{};  // −zp_h·Σw over each row of the recurrent weights
    const char* error = nullptr;
};

namespace lstm_detail {
constexpr bool valid_multiplier(quant::Multiplier m) {
    return m.exponent <= 31 && m.exponent >= -31;
}

constexpr std::int64_t row_sum(std::span<const std::int8_t> w, int row, int length) {
    std::int64_t s = 0;
    for (int i = 0; i < length; ++i) s += w[static_cast<std::size_t>(row * length + i)];
    return s;
}

constexpr bool fits_int32(std::int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

inline constexpr double gate_scale = 1.0 / 4096.0;          // 2^-12: gate pre-activations
inline constexpr double gate_output_scale = 1.0 / 32768.0;  // 2^-15: gate outputs
}  // namespace lstm_detail

// `input`: the input tensor's quantization; `inputs`: its innermost dimension.
template <int Units>
constexpr LstmInt8Params<Units> make_lstm_int8_params(const LstmWeights& w, QuantParams input,
                                                      int inputs) {
    using namespace lstm_detail;
    LstmInt8Params<Units> p{};
    if (!quant::valid_int8_quant(input) || !quant::valid_int8_quant(w.hidden)) {
        p.error = "mote: LSTM: invalid int8 quantization of the input or the hidden state";
        return p;
    }
    const quant::Frexp cell = quant::frexp(static_cast<double>(w.cell_scale));
    const int cell_power = cell.exponent - 1;
    if (!(w.cell_scale > 0.0f) || cell.mantissa != 0.5 || cell_power < -30 || cell_power > 2) {
        p.error = "mote: LSTM: the cell state scale must be a power of two in [2^-30, 2^2]";
        return p;
    }
    if (!valid_cell_clip(w.cell_clip)) {
        p.error = cell_clip_error;
        return p;
    }
    const auto units = static_cast<std::size_t>(Units);
    for (std::size_t k = 0; k < lstm_gate_count; ++k) {
        const LstmGateWeights& g = lstm_gate(w, static_cast<LstmGate>(k));
        if (g.input.size() != units * static_cast<std::size_t>(inputs) ||
            g.recurrent.size() != units * units || g.bias.size() != units) {
            p.error = "mote: LSTM: a gate's weights or bias have the wrong number of elements";
            return p;
        }
        if (!positive_finite(g.input_scale) || !positive_finite(g.recurrent_scale)) {
            p.error = "mote: LSTM: weight scales must be positive and finite";
            return p;
        }
        p.quant.input_to_gate[k] = quant::quantize_multiplier(
            static_cast<double>(input.scale) * static_cast<double>(g.input_scale) / gate_scale);
        p.quant.recurrent_to_gate[k] = quant::quantize_multiplier(
            static_cast<double>(w.hidden.scale) * static_cast<double>(g.recurrent_scale) /
            gate_scale);
        if (!valid_multiplier(p.quant.input_to_gate[k]) ||
            !valid_multiplier(p.quant.recurrent_to_gate[k])) {
            p.error = "mote: LSTM: gate requantization shift out of range";
            return p;
        }
        for (int u = 0; u < Units; ++u) {
            const std::int64_t folded_input =
                g.bias[static_cast<std::size_t>(u)] -
                static_cast<std::int64_t>(input.zero_point) * row_sum(g.input, u, inputs);
            const std::int64_t folded_recurrent =
                -static_cast<std::int64_t>(w.hidden.zero_point) * row_sum(g.recurrent, u, Units);
            if (!fits_int32(folded_input) || !fits_int32(folded_recurrent)) {
                p.error = "mote: LSTM: folded bias overflows int32";
                return p;
            }
            p.input_bias[k][static_cast<std::size_t>(u)] = static_cast<std::int32_t>(folded_input);
            p.recurrent_bias[k][static_cast<std::size_t>(u)] =
                static_cast<std::int32_t>(folded_recurrent);
        }
    }
    const double cell_scale = static_cast<double>(w.cell_scale);
    p.quant.forget_times_cell =
        quant::quantize_multiplier(gate_output_scale * cell_scale / cell_scale);
    p.quant.input_times_cell_gate =
        quant::quantize_multiplier(gate_output_scale * gate_output_scale / cell_scale);
    p.quant.hidden = quant::quantize_multiplier(gate_output_scale * gate_output_scale /
                                                static_cast<double>(w.hidden.scale));
    if (!valid_multiplier(p.quant.hidden)) {
        p.error = "mote: LSTM: hidden-state requantization shift out of range";
        return p;
    }
    p.quant.cell_tanh = cell_tanh_scaling(cell_power);
    p.quant.clip_cell = w.cell_clip > 0.0f;
    const double clip = static_cast<double>(w.cell_clip) / cell_scale;
    p.quant.cell_clip = static_cast<std::int16_t>(clip < 32767.0 ? clip : 32767.0);  // truncated
    p.quant.hidden_zero_point = w.hidden.zero_point;
    return p;
}

// What the int8 kernel reads, through pointers: one kernel serves every size.
struct LstmInt8Gate {
    const std::int8_t* input_weights;      // [units, inputs]
    const std::int8_t* recurrent_weights;  // [units, units]
    const std::int32_t* input_bias;        // folded, [units]
    const std::int32_t* recurrent_bias;    // folded, [units]
};

struct LstmInt8View {
    std::array<LstmInt8Gate, lstm_gate_count> gates;
    LstmInt8Quant quant;
};

template <int Units>
constexpr LstmInt8View view_of(const LstmInt8Params<Units>& p, const LstmWeights& w) {
    LstmInt8View v{};
    for (std::size_t k = 0; k < lstm_gate_count; ++k) {
        const LstmGateWeights& g = lstm_gate(w, static_cast<LstmGate>(k));
        v.gates[k] = {g.input.data(), g.recurrent.data(), p.input_bias[k].data(),
                      p.recurrent_bias[k].data()};
    }
    v.quant = p.quant;
    return v;
}

namespace lstm_detail {

constexpr std::int32_t clamp_int16(std::int32_t v) {
    return std::clamp<std::int32_t>(v, -32768, 32767);
}

// A gate's pre-activation, Q3.12: both FC sums requantized to 2^-12, clamped, added saturating.
template <class M>
inline std::int16_t gate_input(const LstmInt8QuantOf<M>& q, LstmGate gate, std::int32_t from_input,
                               std::int32_t from_hidden) {
    using quant::requantize;
    const auto k = static_cast<std::size_t>(gate);
    return static_cast<std::int16_t>(clamp_int16(clamp_int16(requantize(from_input, q.input_to_gate[k])) +
                                                 clamp_int16(requantize(from_hidden, q.recurrent_to_gate[k]))));
}

// Calls row(r, b) for every (time step, batch row), each batch row's steps in time order: r
// indexes the input and output rows, b the state row.
template <class RowFn>
void for_each_row(const LstmDims& d, RowFn row) {
    if (d.time_major) {
        for (int t = 0; t < d.time; ++t)
            for (int b = 0; b < d.batch; ++b) row(t * d.batch + b, b);
    } else {
        for (int b = 0; b < d.batch; ++b)
            for (int t = 0; t < d.time; ++t) row(b * d.time + t, b);
    }
}

}  // namespace lstm_detail

// The int16 arithmetic of one unit, shared by this kernel and the optimized one
// (kernels/lstm.hpp): from the int32 sums of its eight products, biases included, indexed by
// LstmGate, the new cell value (into c) and the new hidden value (returned).
template <class M>
inline std::int8_t lstm_unit(const LstmInt8QuantOf<M>& q, const std::int32_t* from_input,
                             const std::int32_t* from_hidden, std::int16_t& c) {
    using lstm_detail::clamp_int16;
    using quant::requantize;
    const auto activation_input = [&](LstmGate g) {
        const auto k = static_cast<std::size_t>(g);
        return scale_activation_input(lstm_detail::gate_input(q, g, from_input[k], from_hidden[k]),
                                      {});
    };
    const std::int32_t f = sigmoid_int16(activation_input(LstmGate::forget));
    const std::int32_t i = sigmoid_int16(activation_input(LstmGate::input));
    const std::int32_t g = tanh_int16(activation_input(LstmGate::cell));
    std::int32_t cell = clamp_int16(clamp_int16(requantize(f * c, q.forget_times_cell)) +
                                    clamp_int16(requantize(i * g, q.input_times_cell_gate)));
    if (q.clip_cell) cell = std::clamp<std::int32_t>(cell, -q.cell_clip, q.cell_clip);
    c = static_cast<std::int16_t>(cell);
    const std::int32_t o = sigmoid_int16(activation_input(LstmGate::output));
    const std::int32_t t = tanh_int16(scale_activation_input(c, q.cell_tanh));
    const std::int32_t hidden = requantize(t * o, q.hidden) + q.hidden_zero_point;
    return static_cast<std::int8_t>(std::clamp<std::int32_t>(hidden, -128, 127));
}

// in: [batch, time, inputs] or [time, batch, inputs]; out: the same with units; h_state
// [batch, units] int8 and c_state [batch, units] int16 are read and updated.
inline void lstm(const LstmDims& d, const LstmInt8View& v, const std::int8_t* in,
                 std::int8_t* out, std::int8_t* h_state, std::int16_t* c_state) {
    lstm_detail::for_each_row(d, [&](int row, int b) {
        const std::int8_t* x = in + row * d.inputs;
        std::int8_t* y = out + row * d.units;
        std::int8_t* h = h_state + b * d.units;
        std::int16_t* c = c_state + b * d.units;
        for (int u = 0; u < d.units; ++u) {
            std::int32_t from_input[lstm_gate_count], from_hidden[lstm_gate_count];
            for (std::size_t k = 0; k < lstm_gate_count; ++k) {
                const LstmInt8Gate& g = v.gates[k];
                from_input[k] =
                    g.input_bias[u] + dot_int8(x, g.input_weights + u * d.inputs, d.inputs);
                from_hidden[k] =
                    g.recurrent_bias[u] + dot_int8(h, g.recurrent_weights + u * d.units, d.units);
            }
            y[u] = lstm_unit(v.quant, from_input, from_hidden, c[u]);
        }
        for (int u = 0; u < d.units; ++u) h[u] = y[u];
    });
}

// --- float32 ---------------------------------------------------------------------------------

// The float LSTM folds nothing; this is its one data-dependent check.
struct LstmFloatCheck {
    const char* error = nullptr;
};

constexpr LstmFloatCheck check_lstm_float(const LstmFloatWeights& w) {
    return {lstm_detail::valid_cell_clip(w.cell_clip) ? nullptr : lstm_detail::cell_clip_error};
}

namespace lstm_detail {

inline float gate_input(const LstmFloatGateWeights& g, const LstmDims& d, int u, const float* x,
                        const float* h) {
    const float* wx = g.input.data() + u * d.inputs;
    const float* wh = g.recurrent.data() + u * d.units;
    float from_input = 0.0f;
    for (int k = 0; k < d.inputs; ++k) from_input += x[k] * wx[k];
    from_input += g.bias[static_cast<std::size_t>(u)];
    float from_hidden = 0.0f;
    for (int k = 0; k < d.units; ++k) from_hidden += h[k] * wh[k];
    return from_input + from_hidden;
}

inline float gate_sigmoid(const LstmFloatWeights& w, LstmGate gate, const LstmDims& d, int u,
                          const float* x, const float* h) {
    const float pre = gate_input(lstm_gate(w, gate), d, u, x, h);
    float y = 0.0f;
    logistic(&pre, &y, 1);
    return y;
}

}  // namespace lstm_detail

inline void lstm(const LstmDims& d, const LstmFloatWeights& w, const float* in, float* out,
                 float* h_state, float* c_state) {
    const float clip = w.cell_clip;
    lstm_detail::for_each_row(d, [&](int row, int b) {
        const float* x = in + row * d.inputs;
        float* y = out + row * d.units;
        float* h = h_state + b * d.units;
        float* c = c_state + b * d.units;
        for (int u = 0; u < d.units; ++u) {
            const float f = lstm_detail::gate_sigmoid(w, LstmGate::forget, d, u, x, h);
            const float i = lstm_detail::gate_sigmoid(w, LstmGate::input, d, u, x, h);
            const float cell_pre = lstm_detail::gate_input(w.cell_gate, d, u, x, h);
            float g = 0.0f;
            tanh(&cell_pre, &g, 1);
            float cell = f * c[u] + i * g;
            if (clip > 0.0f) cell = std::clamp(cell, -clip, clip);
            c[u] = cell;
            const float o = lstm_detail::gate_sigmoid(w, LstmGate::output, d, u, x, h);
            float t = 0.0f;
            tanh(&c[u], &t, 1);
            y[u] = t * o;
        }
        for (int u = 0; u < d.units; ++u) h[u] = y[u];
    });
}

}  // namespace mote::reference
