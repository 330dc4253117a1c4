#pragma once
// UNIDIRECTIONAL_SEQUENCE_LSTM int8x8_16, optimized: the eight matrix-vector products of every
// step and batch row run on the dense layer's row dots (fully_connected.hpp, dot_rows), then
// each unit's eight int32 sums go through reference::lstm_unit, the reference kernel's own
// int16 gate arithmetic. Bit-exact to reference::lstm.
//
// The four gates' input-to-gate matrices become one [4·units, inputs] matrix and the recurrent
// ones one [4·units, units], both unit-major (row 4u + k: gate k of unit u, LstmGate order) in
// the primitive set's layout, built at compile time: one pass over x (then h) gives a unit's four
// gates per dot_1x4. Where the set widens columns to int16 (DSP, x86), x and h are widened once
// per row into scratch and every row is zero-padded to a multiple of 8 with the padded column
// elements zero, so the SIMD loops run without scalar tails (micro speech: 257 inputs → 264).
// Sums start at the folded biases in the same unit-major order. The unit's eleven
// requantizations use kernels/requant.hpp's merged rounding (ChannelQ), the same bits.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote/core/lstm_weights.hpp"
#include "mote/kernels/fully_connected.hpp"
#include "mote/kernels/pack.hpp"
#include "mote/kernels/primitives.hpp"
#include "mote/kernels/requant.hpp"
#include "mote/kernels/reference/lstm.hpp"

namespace mote::kernels {

// Row length of a packed LSTM matrix with k columns.
template <class P = Primitives>
constexpr int lstm_k(int k) {
    return sizeof(typename P::col_t) == 1 ? k : (k + 7) & ~7;
}

// Bytes of one widened column of k elements; 0 when x and h are read in place.
template <class P = Primitives>
constexpr std::size_t lstm_column_bytes(int k) {
    return sizeof(typename P::col_t) == 1
               ? 0
               : align16(static_cast<std::size_t>(lstm_k<P>(k)) * sizeof(typename P::col_t));
}

template <class P = Primitives>
constexpr std::size_t lstm_scratch_bytes(int inputs, int units) {
    return lstm_column_bytes<P>(inputs) + lstm_column_bytes<P>(units);
}

// What the optimized kernel reads; one kernel serves every size.
template <class P = Primitives>
struct LstmView {
    const weight_t<P>* input_weights;      // [4·units, lstm_k(inputs)], unit-major
    const weight_t<P>* recurrent_weights;  // [4·units, lstm_k(units)], unit-major
    const std::int32_t* input_bias;        // folded, [4·units], unit-major
    const std::int32_t* recurrent_bias;    // folded, [4·units], unit-major
    reference::LstmInt8QuantOf<ChannelQ> quant;
};

// The reference parameters with every multiplier as a ChannelQ.
constexpr reference::LstmInt8QuantOf<ChannelQ> lstm_fast_quant(const reference::LstmInt8Quant& q) {
    const auto fast = [](quant::Multiplier m) { return channel_q(m.multiplier, m.exponent); };
    reference::LstmInt8QuantOf<ChannelQ> f{};
    for (std::size_t k = 0; k < lstm_gate_count; ++k) {
        f.input_to_gate[k] = fast(q.input_to_gate[k]);
        f.recurrent_to_gate[k] = fast(q.recurrent_to_gate[k]);
    }
    f.forget_times_cell = fast(q.forget_times_cell);
    f.input_times_cell_gate = fast(q.input_times_cell_gate);
    f.hidden = fast(q.hidden);
    f.cell_tanh = q.cell_tanh;
    f.clip_cell = q.clip_cell;
    f.cell_clip = q.cell_clip;
    f.hidden_zero_point = q.hidden_zero_point;
    return f;
}

// dst[(4u + k)·K + i] = the i-th weight of gate k's row u (zero for i >= cols).
constexpr void lstm_unit_major(const LstmWeights& w, bool recurrent, int units, int cols,
                               int k_padded, std::int8_t* dst) {
    for (int u = 0; u < units; ++u)
        for (std::size_t k = 0; k < lstm_gate_count; ++k) {
            const LstmGateWeights& g = lstm_gate(w, static_cast<LstmGate>(k));
            const std::int8_t* src = (recurrent ? g.recurrent : g.input).data() + u * cols;
            std::int8_t* row = dst + (static_cast<std::size_t>(u) * lstm_gate_count + k) * k_padded;
            for (int i = 0; i < k_padded; ++i) row[i] = i < cols ? src[i] : std::int8_t{0};
        }
}

// One packed matrix of W in layout L and element type T, in flash (the TFLite-order gate arrays
// are then no longer referenced).
template <const auto& W, bool Recurrent, int Units, int Cols, int K, WeightLayout L, class T>
alignas(8) inline constexpr std::array<T, lstm_gate_count * Units * K> lstm_packed = [] {
    constexpr int rows = static_cast<int>(lstm_gate_count) * Units;
    std::array<std::int8_t, static_cast<std::size_t>(rows) * K> unit_major{};
    lstm_unit_major(W, Recurrent, Units, Cols, K, unit_major.data());
    std::array<T, static_cast<std::size_t>(rows) * K> a{};
    pack_weights(L, unit_major.data(), a.data(), rows, K);
    return a;
}();

template <int Units>
struct LstmUnitMajorBias {
    std::array<std::int32_t, lstm_gate_count * Units> input{}, recurrent{};
};

template <int Units>
constexpr LstmUnitMajorBias<Units> lstm_unit_major_bias(const reference::LstmInt8Params<Units>& p) {
    LstmUnitMajorBias<Units> b{};
    for (std::size_t u = 0; u < static_cast<std::size_t>(Units); ++u)
        for (std::size_t k = 0; k < lstm_gate_count; ++k) {
            b.input[u * lstm_gate_count + k] = p.input_bias[k][u];
            b.recurrent[u * lstm_gate_count + k] = p.recurrent_bias[k][u];
        }
    return b;
}

// in: [batch, time, inputs] or [time, batch, inputs]; out: the same with units; h_state
// [batch, units] int8 and c_state [batch, units] int16 are read and updated (as reference::lstm).
template <class P = Primitives>
inline void lstm(const reference::LstmDims& d, const LstmView<P>& v, const std::int8_t* in,
                 std::int8_t* out, std::int8_t* h_state, std::int16_t* c_state,
                 std::byte* scratch) {
    using col_t = typename P::col_t;
    constexpr int gates = static_cast<int>(lstm_gate_count);
    const int kx = lstm_k<P>(d.inputs), kh = lstm_k<P>(d.units);
    auto* x_col = reinterpret_cast<col_t*>(scratch);
    auto* h_col = reinterpret_cast<col_t*>(scratch + lstm_column_bytes<P>(d.inputs));
    if constexpr (sizeof(col_t) > 1) {  // the padding, zero for the whole call
        P::fill_col(x_col + d.inputs, kx - d.inputs, 0);
        P::fill_col(h_col + d.units, kh - d.units, 0);
    }
    reference::lstm_detail::for_each_row(d, [&](int row, int b) {
        const std::int8_t* x = in + row * d.inputs;
        std::int8_t* y = out + row * d.units;
        std::int8_t* h = h_state + b * d.units;
        std::int16_t* c = c_state + b * d.units;
        const col_t* xc = reinterpret_cast<const col_t*>(x);
        const col_t* hc = reinterpret_cast<const col_t*>(h);
        if constexpr (sizeof(col_t) > 1) {
            P::load_col(x, x_col, d.inputs);
            P::load_col(h, h_col, d.units);
            xc = x_col, hc = h_col;
        }
        const weight_t<P>* wx = v.input_weights;
        const weight_t<P>* wh = v.recurrent_weights;
        for (int u = 0; u < d.units; ++u) {
            std::int32_t from_input[gates], from_hidden[gates];
            wx = dot_rows<P>(xc, wx, kx, gates, v.input_bias + gates * u, from_input);
            wh = dot_rows<P>(hc, wh, kh, gates, v.recurrent_bias + gates * u, from_hidden);
            y[u] = reference::lstm_unit(v.quant, from_input, from_hidden, c[u]);
        }
        for (int u = 0; u < d.units; ++u) h[u] = y[u];  // the recurrent products read the old h
    });
}

// The optimized kernel's data for an LSTM layer with weights W and its parameters Params
// (reference::make_lstm_int8_params): what it keeps in flash and in scratch, and its run.
template <const auto& W, int Units, int Inputs, const auto& Params, class P = Primitives>
struct LstmPlan {
    static constexpr int kx = lstm_k<P>(Inputs), kh = lstm_k<P>(Units);
    static constexpr const auto& input_weights =
        lstm_packed<W, false, Units, Inputs, kx, P::layout, weight_t<P>>;
    static constexpr const auto& recurrent_weights =
        lstm_packed<W, true, Units, Units, kh, P::layout, weight_t<P>>;
    static constexpr LstmUnitMajorBias<Units> bias = lstm_unit_major_bias(Params);
    static constexpr LstmView<P> view{input_weights.data(), recurrent_weights.data(),
                                      bias.input.data(), bias.recurrent.data(),
                                      lstm_fast_quant(Params.quant)};
    static constexpr std::size_t flash_bytes =
        gemm_weight_bytes<P>(input_weights.size() + recurrent_weights.size()) + sizeof(bias) +
        sizeof(view.quant);
    static constexpr std::size_t scratch_bytes = lstm_scratch_bytes<P>(Inputs, Units);

    static void run(const reference::LstmDims& d, const std::int8_t* in, std::int8_t* out,
                    std::int8_t* h_state, std::int16_t* c_state, std::byte* scratch) {
        lstm<P>(d, view, in, out, h_state, c_state, scratch);
    }
};

}  // namespace mote::kernels
