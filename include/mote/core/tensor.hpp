#pragma once
// A tensor type names a buffer's shape, element type and quantization; it carries no data.
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

template <Shape S>
struct FloatTensor : TensorBase<S, float> {
    static constexpr QuantParams quant{};  // unused for float tensors
};

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
struct Reshaped : TensorBase<S, typename T::value_type> {
    static constexpr QuantParams quant = T::quant;
};

// A tensor of T's element type with shape S and quantization Q (an object with static storage).
template <Shape S, class T, const QuantParams& Q>
struct QuantizedAs : TensorBase<S, T> {
    static constexpr QuantParams quant = Q;
};

}  // namespace mote
