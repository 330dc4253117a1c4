#pragma once
// Standalone ReLU and ReLU6. int8 ReLU may requantize to other output parameters; ReLU6 keeps
// the input's (TFLite's RELU6 clamps the raw input and ignores the output parameters).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/core/config.hpp"
#include "mote/kernels/lookup.hpp"
#include "mote/kernels/reference/activation.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace detail {
template <class In, const auto& OutQ>
constexpr QuantParams output_quant_or_input() {
    if constexpr (is_quant_params<std::remove_cvref_t<decltype(OutQ)>>) return OutQ;
    else return In::quant;
}

// What an elementwise layer states: its input, and an output of the same shape quantized with
// OutQ (int8; or like the input when OutQ is float32).
template <class In, const auto& OutQ>
struct ElementwiseFacts : LayerFacts {
    using input = In;
    static constexpr bool in_place = true;
    static constexpr QuantParams out_quant = output_quant_or_input<In, OutQ>();
    using output = Tensor<In::shape, typename In::value_type,
                          Int8TensorType<In> ? scale_bits(out_quant) : 0u,
                          Int8TensorType<In> ? out_quant.zero_point : 0>;
};

// The int8 path of an element-wise layer whose output byte depends on its input byte alone:
// the reference kernel's scalar function `ValueOf(Params, q)` per element, or on optimized builds
// its 256 results as a table in flash (kernels/lookup.hpp). Params: a constexpr params object
// (static member), checked by the layer.
template <auto ValueOf, const auto& Params>
struct Int8Map {
    static constexpr bool table = !config::reference_kernels;
    static constexpr const char* kernel = table ? "lookup table" : "reference";
    static constexpr std::size_t flash_bytes = table ? sizeof(kernels::Int8Table<std::int8_t>) : 0;
    static void run(const std::int8_t* in, std::int8_t* out, int n) {
        if constexpr (table) {
            static constexpr auto values =
                kernels::int8_table<std::int8_t>([](std::int8_t q) { return ValueOf(Params, q); });
            kernels::lookup(values, in, out, n);
        } else {
            for (int i = 0; i < n; ++i) out[i] = ValueOf(Params, in[i]);
        }
    }
};

// The params object of an int8 element-wise layer (make() checked at compile time), or a
// default one for a float layer, which has none.
template <bool Int8, class Params, class Make>
constexpr Params int8_params(Make make) {
    if constexpr (Int8) return checked(make());
    else return Params{};
}
}  // namespace detail

// OutQ: a QuantParams object for int8 output parameters that differ from the input's.
template <const auto& OutQ = float32>
struct ReLU {
    template <class In, int Index>
    struct bind : detail::ElementwiseFacts<In, OutQ> {
        using typename detail::ElementwiseFacts<In, OutQ>::output;
        using detail::ElementwiseFacts<In, OutQ>::out_quant;
        static constexpr const char* name = "ReLU";
        static constexpr reference::ReluParams params =
            detail::int8_params<Int8TensorType<In>, reference::ReluParams>(
                [] { return reference::make_relu_params(In::quant, out_quant); });
        using Map = detail::Int8Map<reference::relu_value, params>;
        static constexpr const char* kernel = Int8TensorType<In> ? Map::kernel : "reference float32";
        static constexpr std::size_t weight_bytes = Int8TensorType<In> ? Map::flash_bytes : 0;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            Map::run(in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::relu(in, out, In::elements);
        }
    };
};

struct ReLU6 {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "ReLU6";
        using output = Tensor<In::shape, typename In::value_type, In::scale_bits, In::quant.zero_point>;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::Relu6Params p =
                detail::checked(reference::make_relu6_params(In::quant));
            reference::relu6(p, in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::relu6(in, out, In::elements);
        }
    };
};

}  // namespace mote
