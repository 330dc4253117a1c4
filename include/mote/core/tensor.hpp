#pragma once
// A tensor type names a buffer's shape, element type and quantization; it carries no data.
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"

namespace mote {

template <Shape S, class T>
struct TensorBase {
    static constexpr Shape shape = S;
    using value_type = T;
    static constexpr int elements = S.elements();
    static constexpr std::size_t bytes = static_cast<std::size_t>(elements) * sizeof(T);
};

// The one tensor type. The int8 scale travels as its IEEE-754 bits (a float template argument
// is not portable to clang 14); type names stay flat and short in diagnostics and symbols.
template <Shape S, class T, std::uint32_t ScaleBits = 0, std::int32_t ZeroPoint = 0>
struct Tensor : TensorBase<S, T> {
    static constexpr std::uint32_t scale_bits = ScaleBits;
    static constexpr QuantParams quant{std::bit_cast<float>(ScaleBits), ZeroPoint};
};

// (Structs, not alias templates: g++ 12 crashes substituting a dependent Shape into an alias.)
template <Shape S>
struct FloatTensor : Tensor<S, float> {};

constexpr std::uint32_t scale_bits(QuantParams q) { return std::bit_cast<std::uint32_t>(q.scale); }

template <class T>
concept TensorType = requires {
    { T::shape } -> std::convertible_to<Shape>;
    { T::quant } -> std::convertible_to<QuantParams>;
    typename T::value_type;
    requires T::bytes == static_cast<std::size_t>(T::elements) * sizeof(typename T::value_type);
};

template <class T>
concept Int8TensorType = TensorType<T> && std::same_as<typename T::value_type, std::int8_t>;
template <class T>
concept FloatTensorType = TensorType<T> && std::same_as<typename T::value_type, float>;

// A tensor of the same element type and quantization as T, with another shape.
template <class T, Shape S>
struct Reshaped : Tensor<S, typename T::value_type, T::scale_bits, T::quant.zero_point> {};

}  // namespace mote
