// float32 layers through the model API, against direct double-precision math. (The int8 paths
// are covered byte for byte by the TFLM op cases; these float paths have no TFLM case.)
#include <array>
#include <catch2/catch.hpp>
#include <cmath>

#include <mote/mote.hpp>

namespace fl {
using namespace mote;
using S = Shape;
using Pairwise = Sequential<Inputs<Input<S{3, 4, 5}, float32>, Input<S{3, 4, 5}, float32>>,
                            Mul<Activation::relu6>>;
using Concat = Sequential<Inputs<Input<S{3, 4, 2}, float32>, Input<S{3, 4, 3}, float32>>, Concatenate<>>;
using Unary = Sequential<Input<S{3, 4, 5}, float32>, Tanh, Logistic>;
using Clamps = Sequential<Input<S{3, 4, 5}, float32>, ReLU<>, ReLU6>;
using Reduce = Sequential<Input<S{3, 4, 5}, float32>, Pad<Pads{1, 0, 0, 2, 1, 0}>, Mean<>>;
inline constexpr QuantParams q{0.05f, -7};
using RoundTrip = Sequential<Input<S{3, 4, 5}, float32>, Quantize<q>, Dequantize>;
inline constexpr std::array<float, 2 * 5> rows_w{0.5f, -1.0f, 0.25f, 2.0f, 0.0f, -0.5f, 1.5f, 0.75f, -2.0f, 1.0f};
inline constexpr std::array<float, 2> rows_b{0.125f, -3.0f};
inline constexpr FloatWeights rows_weights{rows_w, rows_b};
using Rows = Sequential<Input<S{3, 4, 5}, float32>, Dense<2, Activation::none, rows_weights>>;

std::array<float, 60> ramp(float scale, float offset) {
    std::array<float, 60> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::sin(static_cast<float>(i) * scale) * 9.0f + offset;
    return a;
}
}  // namespace fl

TEST_CASE("float Mul with fused ReLU6", "[float]") {
    const auto a = fl::ramp(0.3f, 0.5f), b = fl::ramp(0.7f, -0.2f);
    static fl::Pairwise::Arena arena;
    const float* out = fl::Pairwise::run(arena, a.data(), b.data());
    for (std::size_t i = 0; i < a.size(); ++i)
        REQUIRE(out[i] == Approx(std::min(6.0f, std::max(0.0f, a[i] * b[i]))));
}

TEST_CASE("float batched Dense: every row of the last axis", "[float]") {
    STATIC_REQUIRE(fl::Rows::output::shape == mote::Shape{3, 4, 2});
    const auto x = fl::ramp(0.3f, 0.5f);
    static fl::Rows::Arena arena;
    const float* out = fl::Rows::run(arena, x.data());
    for (int row = 0; row < 12; ++row)
        for (int o = 0; o < 2; ++o) {
            double want = fl::rows_b[static_cast<std::size_t>(o)];
            for (int i = 0; i < 5; ++i)
                want += static_cast<double>(x[static_cast<std::size_t>(row * 5 + i)]) *
                        fl::rows_w[static_cast<std::size_t>(o * 5 + i)];
            REQUIRE(out[row * 2 + o] == Approx(want).epsilon(1e-5));
        }
}

TEST_CASE("float Concatenate interleaves channels per pixel", "[float]") {
    const auto a = fl::ramp(0.3f, 0.0f), b = fl::ramp(0.5f, 1.0f);
    static fl::Concat::Arena arena;
    const float* out = fl::Concat::run(arena, a.data(), b.data());
    for (int px = 0; px < 12; ++px) {
        for (int c = 0; c < 2; ++c) REQUIRE(out[px * 5 + c] == a[static_cast<std::size_t>(px * 2 + c)]);
        for (int c = 0; c < 3; ++c) REQUIRE(out[px * 5 + 2 + c] == b[static_cast<std::size_t>(px * 3 + c)]);
    }
}

TEST_CASE("float Tanh then Logistic", "[float]") {
    const auto x = fl::ramp(0.4f, 0.3f);
    static fl::Unary::Arena arena;
    const float* out = fl::Unary::run(arena, x.data());
    for (std::size_t i = 0; i < x.size(); ++i)
        REQUIRE(out[i] == Approx(1.0 / (1.0 + std::exp(-std::tanh(static_cast<double>(x[i]))))).epsilon(1e-6));
}

TEST_CASE("float ReLU then ReLU6", "[float]") {
    const auto x = fl::ramp(0.9f, 1.0f);
    static fl::Clamps::Arena arena;
    const float* out = fl::Clamps::run(arena, x.data());
    for (std::size_t i = 0; i < x.size(); ++i) REQUIRE(out[i] == std::min(6.0f, std::max(0.0f, x[i])));
}

TEST_CASE("float Pad (zeros) then Mean over height and width", "[float]") {
    const auto x = fl::ramp(0.2f, 2.0f);
    static fl::Reduce::Arena arena;
    const float* out = fl::Reduce::run(arena, x.data());
    // Padded to 4x6x6: channel 0 is all zeros; channel c+1 holds input channel c.
    STATIC_REQUIRE(fl::Reduce::output::shape == mote::Shape{1, 1, 6});
    REQUIRE(out[0] == 0.0f);
    for (int c = 0; c < 5; ++c) {
        double sum = 0;
        for (int px = 0; px < 12; ++px) sum += x[static_cast<std::size_t>(px * 5 + c)];
        REQUIRE(out[c + 1] == Approx(sum / 24.0).epsilon(1e-6));
    }
}

TEST_CASE("Quantize then Dequantize rounds to the nearest step, halves away from zero", "[float]") {
    const auto x = fl::ramp(0.6f, 0.0f);
    static fl::RoundTrip::Arena arena;
    const float* out = fl::RoundTrip::run(arena, x.data());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double q = std::max(-128.0, std::min(127.0, std::round(x[i] / 0.05f) - 7.0));
        REQUIRE(out[i] == static_cast<float>(0.05f * (q + 7.0)));
    }
}
