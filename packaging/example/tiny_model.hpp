#pragma once
// The model every packaging example runs (docs/packaging.md): two int8 Dense layers written by
// hand, small enough to work out on paper. Every scale is 1 and every zero point 0, so q = real:
//   hidden = relu([1 2 0; 0 -1 3] · [3, -1, 2]) = relu([1, 7]) = [1, 7]
//   output = [2 -1] · [1, 7] = -5
#include <cstdint>

#include <mote/mote.hpp>

namespace tiny_model {

inline constexpr mote::QuantParams unit_q{1.0f, 0};
alignas(16) inline constexpr std::int8_t hidden_w[2 * 3] = {1, 2, 0, 0, -1, 3};  // [out, in]
alignas(16) inline constexpr std::int8_t output_w[1 * 2] = {2, -1};
inline constexpr float unit_scale[1] = {1.0f};
inline constexpr mote::QuantizedWeights hidden{hidden_w, unit_scale, {}, unit_q};
inline constexpr mote::QuantizedWeights output{output_w, unit_scale, {}, unit_q};

using Model = mote::Sequential<mote::Input<mote::Shape{1, 1, 3}, unit_q>,
                               mote::Dense<2, mote::Activation::relu, hidden>,
                               mote::Dense<1, mote::Activation::none, output>>;

alignas(16) inline constexpr std::int8_t input[3] = {3, -1, 2};
inline constexpr std::int8_t expected = -5;

}  // namespace tiny_model
