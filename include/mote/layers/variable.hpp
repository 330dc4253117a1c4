#pragma once
// Resource variables (TFLite's VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE): a tensor kept in
// Net::State between runs. ReadVariable copies its current value into the arena (so a later
// AssignVariable in the same run cannot change what the read gave); AssignVariable copies a
// value into it. Both name the same Variable object, so they share one state region.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/tensor.hpp"
#include "mote/core/type_list.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Its initial value (TFLite: what the CALL_ONCE init subgraph assigns) as constexpr data; empty
// means zero bytes.
template <Shape S, class T>
struct Variable {
    static constexpr Shape shape = S;
    using value_type = T;
    QuantParams quant;
    std::span<const T> initial;
};

namespace detail {
template <const auto& V>
using variable_tensor = Tensor<std::remove_cvref_t<decltype(V)>::shape,
                               typename std::remove_cvref_t<decltype(V)>::value_type,
                               scale_bits(V.quant), V.quant.zero_point>;

// The state_key of every access to V.
template <const auto& V>
struct VariableKey {};

template <const auto& V>
struct VariableFacts : LayerFacts {
    using tensor = variable_tensor<V>;
    static constexpr std::size_t state_bytes = tensor::bytes;
    using state_key = VariableKey<V>;
    static_assert(V.initial.empty() || V.initial.size() == static_cast<std::size_t>(tensor::elements),
                  "mote: a Variable's initial value must have one element per tensor element");
    static constexpr void init_state(std::byte* state) {
        for (std::size_t i = 0; i < V.initial.size(); ++i) {
            const auto bytes = std::bit_cast<std::array<std::byte, sizeof(typename tensor::value_type)>>(V.initial[i]);
            for (std::size_t b = 0; b < bytes.size(); ++b) state[i * bytes.size() + b] = bytes[b];
        }
    }
};
}  // namespace detail

template <const auto& V>
struct ReadVariable {
    template <class In, int Index>
    struct bind : detail::VariableFacts<V> {
        static_assert(std::is_same_v<In, type_list<>>, "mote: ReadVariable takes no input");
        using input = In;
        using output = typename detail::VariableFacts<V>::tensor;
        static constexpr const char* name = "ReadVariable";
        static void run(typename output::value_type* out, std::byte*, std::byte* state) {
            std::memcpy(out, state, output::bytes);
        }
    };
};

// A tensor of no elements: what a step that only writes state produces.
using NoTensor = Tensor<Shape{1, 1, 0}, std::int8_t>;

template <const auto& V>
struct AssignVariable {
    template <class In, int Index>
    struct bind : detail::VariableFacts<V> {
        using tensor = typename detail::VariableFacts<V>::tensor;
        static_assert(diagnostic::ShapeMismatch<Index, In::shape, tensor::shape>::ok);
        static_assert(std::is_same_v<typename In::value_type, typename tensor::value_type>,
                      "mote: AssignVariable's input must have the variable's element type");
        using input = In;
        using output = NoTensor;
        static constexpr const char* name = "AssignVariable";
        static void run(const typename In::value_type* in, std::int8_t*, std::byte*,
                        std::byte* state) {
            std::memcpy(state, in, In::bytes);
        }
    };
};

}  // namespace mote
