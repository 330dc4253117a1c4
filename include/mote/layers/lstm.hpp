#pragma once
// UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's standard LSTM with a tanh cell gate). Input {B, T, I}
// (batch-major) or {T, B, I} (TimeMajor); output the same with Units channels: the hidden state
// after every step. int8x8_16 (LstmWeights): int8 input, output and hidden state (the output is
// quantized like the hidden state), int16 cell state. float32 (LstmFloatWeights): all float.
// int8 runs the optimized kernel (kernels/lstm.hpp) unless config::reference_kernels; float
// always the reference.
//
// State (kept between runs): the hidden state [B, Units], then the cell state [B, Units] at the
// next multiple of 4 bytes. Before the first run h holds its zero point and c zeros, as TFLM
// resets its variable tensors.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/core/config.hpp"
#include "mote/core/diagnostics.hpp"
#include "mote/core/lstm_weights.hpp"
#include "mote/kernels/lstm.hpp"
#include "mote/kernels/reference/lstm.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace detail {

template <const auto& W>
inline constexpr bool lstm_int8 = is_lstm_weights<std::remove_cvref_t<decltype(W)>>;
template <const auto& W>
inline constexpr bool lstm_float = is_lstm_float_weights<std::remove_cvref_t<decltype(W)>>;

template <int Index, const auto& W, LstmGate G, std::size_t Units, std::size_t Inputs>
struct LstmGateCounts {
    static constexpr const auto& gate = lstm_gate(W, G);
    static constexpr bool ok =
        diagnostic::WeightCountMismatch<Index, gate.input.size(), Units * Inputs>::ok &&
        diagnostic::WeightCountMismatch<Index, gate.recurrent.size(), Units * Units>::ok &&
        diagnostic::WeightCountMismatch<Index, gate.bias.size(), Units>::ok;
};

template <class In, int Index, int Units, const auto& W, bool TimeMajor>
struct LstmBound : LayerFacts {
    using input = In;
    static constexpr const char* name = "LSTM";
    static constexpr int batch = TimeMajor ? In::shape.w : In::shape.h;
    static constexpr int time = TimeMajor ? In::shape.h : In::shape.w;
    static constexpr int inputs = In::shape.c;
    static constexpr reference::LstmDims dims{batch, time, inputs, Units, TimeMajor};
    static_assert(LstmGateCounts<Index, W, LstmGate::input, Units, inputs>::ok &&
                  LstmGateCounts<Index, W, LstmGate::forget, Units, inputs>::ok &&
                  LstmGateCounts<Index, W, LstmGate::cell, Units, inputs>::ok &&
                  LstmGateCounts<Index, W, LstmGate::output, Units, inputs>::ok);
    static constexpr Shape out_shape{In::shape.h, In::shape.w, Units};
    // The eight matrix-vector products of every step and batch row.
    static constexpr std::uint64_t macs = static_cast<std::uint64_t>(batch) * time *
                                          lstm_gate_count * Units * (inputs + Units);
    static constexpr std::size_t weight_count = lstm_gate_count * Units * (inputs + Units);
    static constexpr std::size_t state_units = static_cast<std::size_t>(batch) * Units;
};

template <class In, int Index, int Units, const auto& W, bool TimeMajor>
struct LstmInt8 : LstmBound<In, Index, Units, W, TimeMajor> {
    using Base = LstmBound<In, Index, Units, W, TimeMajor>;
    static_assert(Int8TensorType<In>, "mote: LSTM with int8 weights needs an int8 input");
    using output = Tensor<Base::out_shape, std::int8_t, scale_bits(W.hidden), W.hidden.zero_point>;
    static constexpr reference::LstmInt8Params<Units> params =
        checked(reference::make_lstm_int8_params<Units>(W, In::quant, Base::inputs));
    static_assert(params.error == nullptr);  // evaluated (and reported) with the layer
    static constexpr reference::LstmInt8View view = reference::view_of(params, W);
    using Plan = kernels::LstmPlan<W, Units, Base::inputs, params>;
    static constexpr const char* kernel = config::reference_kernels ? "reference" : "gate row dots";
    // Flash: the weights plus the folded biases and the scalar parameters the selected kernel
    // reads.
    static constexpr std::size_t weight_bytes = [] {
        if constexpr (config::reference_kernels)
            return Base::weight_count + sizeof(params.input_bias) + sizeof(params.recurrent_bias) +
                   sizeof(params.quant);
        else
            return Plan::flash_bytes;
    }();
    static constexpr std::size_t scratch_bytes = [] {
        if constexpr (config::reference_kernels) return reference::lstm_scratch_bytes;
        else return Plan::scratch_bytes;
    }();
    static constexpr std::size_t cell_offset = (Base::state_units + 3) / 4 * 4;
    static constexpr std::size_t state_bytes =
        cell_offset + Base::state_units * sizeof(std::int16_t);
    static constexpr void init_state(std::byte* state) {
        for (std::size_t i = 0; i < state_bytes; ++i)
            state[i] = i < Base::state_units
                           ? static_cast<std::byte>(static_cast<std::uint8_t>(W.hidden.zero_point))
                           : std::byte{0};
    }
    static void run(const std::int8_t* in, std::int8_t* out, std::byte* scratch,
                    std::byte* state) {
        auto* h = reinterpret_cast<std::int8_t*>(state);
        auto* c = reinterpret_cast<std::int16_t*>(state + cell_offset);
        if constexpr (config::reference_kernels)
            reference::lstm(Base::dims, view, in, out, h, c);
        else
            Plan::run(Base::dims, in, out, h, c, scratch);
    }
};

template <class In, int Index, int Units, const auto& W, bool TimeMajor>
struct LstmFloat : LstmBound<In, Index, Units, W, TimeMajor> {
    using Base = LstmBound<In, Index, Units, W, TimeMajor>;
    static_assert(FloatTensorType<In>, "mote: LSTM with float weights needs a float32 input");
    static_assert(checked(reference::check_lstm_float(W)).error == nullptr);
    using output = FloatTensor<Base::out_shape>;
    static constexpr const char* kernel = "reference float32";  // the only float path
    static constexpr std::size_t weight_bytes =
        (Base::weight_count + lstm_gate_count * Units) * sizeof(float);
    static constexpr std::size_t state_bytes = 2 * Base::state_units * sizeof(float);
    static constexpr void init_state(std::byte* state) {
        for (std::size_t i = 0; i < state_bytes; ++i) state[i] = std::byte{0};  // +0.0f
    }
    static void run(const float* in, float* out, std::byte*, std::byte* state) {
        float* h = reinterpret_cast<float*>(state);
        reference::lstm(Base::dims, W, in, out, h, h + Base::state_units);
    }
};

}  // namespace detail

// Units: the hidden size. W: a mote::LstmWeights (int8x8_16) or mote::LstmFloatWeights object.
template <int Units, const auto& W, bool TimeMajor = false>
struct Lstm {
    static_assert(detail::lstm_int8<W> || detail::lstm_float<W>,
                  "mote: LSTM weights must be a mote::LstmWeights or mote::LstmFloatWeights "
                  "object");
    static_assert(Units > 0, "mote: LSTM needs at least one unit");
    // Index >= 0: the checks alone (model/graph.hpp); -1: the layer the step runs.
    template <class In, int Index>
    using bind = std::conditional_t<
        (Index >= 0), detail::LstmBound<In, Index, Units, W, TimeMajor>,
        std::conditional_t<detail::lstm_int8<W>, detail::LstmInt8<In, Index, Units, W, TimeMajor>,
                           detail::LstmFloat<In, Index, Units, W, TimeMajor>>>;
};

}  // namespace mote
