#pragma once
#include <cstdint>

namespace mote {

// int8 tensor quantization: real = scale · (q − zero_point).
struct QuantParams {
    float scale = 1.0f;
    std::int32_t zero_point = 0;
    friend constexpr bool operator==(const QuantParams&, const QuantParams&) = default;
};

// Marks a float32 tensor where a QuantParams would otherwise go.
struct Float32 {};
inline constexpr Float32 float32{};

template <class Q>
inline constexpr bool is_quant_params = false;
template <>
inline constexpr bool is_quant_params<QuantParams> = true;
template <class Q>
inline constexpr bool is_float32_marker = false;
template <>
inline constexpr bool is_float32_marker<Float32> = true;

}  // namespace mote
