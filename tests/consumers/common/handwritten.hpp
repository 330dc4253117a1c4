#pragma once
// A model written by hand: one Dense layer, 4 inputs to 2 units, chosen so that the answer can
// be worked out on paper. Inputs q = 2, 4, 6, 8 at scale 0.5 are 1, 2, 3, 4; weights q · 0.5;
// unit 0: 0.5·1 + 1·2 + 1.5·3 + 2·4 = 15, unit 1: −0.5·(1 + 2 + 3 + 4) = −5; output scale 1.
#include <cstdint>

#include <mote/mote.hpp>

namespace handwritten {

inline constexpr mote::QuantParams input_q{0.5f, 0};
alignas(16) inline constexpr std::int8_t weights[2 * 4] = {1, 2, 3, 4, -1, -1, -1, -1};
inline constexpr float weight_scale[1] = {0.5f};
inline constexpr mote::QuantizedWeights dense{weights, weight_scale, {}, {1.0f, 0}};

using Model = mote::Sequential<mote::Input<mote::Shape{1, 1, 4}, input_q>,
                               mote::Dense<2, mote::Activation::none, dense>>;

alignas(16) inline constexpr std::int8_t input[4] = {2, 4, 6, 8};
inline constexpr std::int8_t expected[2] = {15, -5};

}  // namespace handwritten
