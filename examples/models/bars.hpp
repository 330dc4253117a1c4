#pragma once
// A model written by hand, weights inline: tells a vertical bar from a horizontal one in an
// 8x8 grey image. Two 3x3 line detectors, global average pooling, a 2x2 dense layer, softmax.
// Used by the host and bare-metal examples, and by the demo when no .tflite is at hand.
#include <cstdint>

#include <mote/mote.hpp>

namespace bars {

using namespace mote;

// Pixels 0..1 in 1/255 steps: q = 255·x − 128.
inline constexpr QuantParams image_q{1.0f / 255.0f, -128};

// Filter 0 answers to a vertical line (columns −1, 2, −1), filter 1 to a horizontal one.
// Layout [O, KH, KW, I]; real weight = 0.01 · q.
alignas(16) inline constexpr std::int8_t detector_values[2 * 3 * 3 * 1] = {
    -40, 80, -40,  -40, 80, -40,  -40, 80, -40,   // vertical
    -40, -40, -40,  80, 80, 80,  -40, -40, -40,   // horizontal
};
inline constexpr float detector_scales[2] = {0.01f, 0.01f};
inline constexpr std::int32_t detector_bias[2] = {0, 0};
// A full 3-pixel line scores 3 · 0.8 = 2.4; ReLU output in [0, 2.55].
inline constexpr QuantizedWeights detectors{detector_values, detector_scales, detector_bias,
                                            {0.01f, -128}};

// Each class is its detector's response minus the other's.
alignas(16) inline constexpr std::int8_t vote_values[2 * 2] = {127, -127, -127, 127};
inline constexpr float vote_scales[1] = {0.04f};
inline constexpr QuantizedWeights votes{vote_values, vote_scales, {}, {0.02f, 0}};

using Model = Sequential<
    Input<Shape{8, 8, 1}, image_q>,
    Conv2D<2, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::relu, detectors>,
    AveragePool2D<Kernel{8, 8}, Stride{8, 8}, Padding::valid>,
    Flatten,
    Dense<2, Activation::none, votes>,
    Softmax<>>;

inline constexpr const char* class_names[2] = {"vertical bar", "horizontal bar"};

// An 8x8 test image: a bright bar in column (vertical) or row (horizontal) `at`.
constexpr void draw_bar(std::int8_t (&image)[64], bool vertical, int at) {
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x)
            image[y * 8 + x] = static_cast<std::int8_t>((vertical ? x : y) == at ? 127 : -128);
}

}  // namespace bars
