#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/core/tensor.hpp"

namespace mote {

// A model input. Q names a QuantParams object (a quantized input of element type T: int8 by
// default, or int16 / uint8) or mote::float32.
template <Shape S, const auto& Q, class T = std::int8_t>
struct Input {
    using Marker = std::remove_cvref_t<decltype(Q)>;
    static_assert(is_quant_params<Marker> || is_float32_marker<Marker>,
                  "mote: Input<Shape, Q>: Q must name a mote::QuantParams object or mote::float32");
    static_assert(std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t> ||
                      std::is_same_v<T, std::int16_t>,
                  "mote: Input<Shape, Q, T>: a quantized input is int8, uint8 or int16");
    static_assert(S.h > 0 && S.w > 0 && S.c > 0, "mote: Input shape must be positive");
    static constexpr QuantParams quant = [] {
        if constexpr (is_quant_params<Marker>) return Q;
        else return QuantParams{};
    }();
    using tensor = std::conditional_t<is_quant_params<Marker>,
                                      Tensor<S, T, scale_bits(quant), quant.zero_point>,
                                      FloatTensor<S>>;
};

// Several model inputs, consumed in order by the next (join) layer.
template <class... In>
struct Inputs {};

}  // namespace mote
