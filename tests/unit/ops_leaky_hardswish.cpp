// LEAKY_RELU and HARD_SWISH: the reference kernels against a literal, test-local transcription of
// TFLite Micro's integer algorithms (std::frexp/std::round QuantizeMultiplier, gemmlowp's int16
// fixed point with its own nudges), every int8 input for a grid of quantizations; then against
// float math, and through the model API.
#include "mote/kernels/reference/hard_swish.hpp"
#include "mote/kernels/reference/leaky_relu.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include <mote/mote.hpp>

#include "ops_support.hpp"

using namespace mote;

namespace {

// ---- TFLite's arithmetic, written out independently of mote/quant -----------------------------

using mote_test::TfliteMultiplier;
using mote_test::tflite_quantize_multiplier;

template <class I>
I tflite_srdhm(I a, I b) {  // gemmlowp SaturatingRoundingDoublingHighMul, int16 or int32
    constexpr int bits = 8 * sizeof(I);
    if (a == b && a == std::numeric_limits<I>::min()) return std::numeric_limits<I>::max();
    const std::int64_t ab = static_cast<std::int64_t>(a) * b;
    const std::int64_t nudge = ab >= 0 ? (1LL << (bits - 2)) : (1 - (1LL << (bits - 2)));
    return static_cast<I>((ab + nudge) / (1LL << (bits - 1)));
}

template <class I>
I tflite_rounding_divide_by_pot(I x, int exponent) {  // gemmlowp RoundingDivideByPOT, in type I
    const I mask = static_cast<I>((1LL << exponent) - 1);
    const I remainder = static_cast<I>(x & mask);
    const I threshold = static_cast<I>((mask >> 1) + (x < 0 ? 1 : 0));
    return static_cast<I>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

std::int32_t tflite_multiply_by_quantized_multiplier(std::int32_t x, TfliteMultiplier m) {
    const int left = m.shift > 0 ? m.shift : 0;
    const int right = m.shift > 0 ? 0 : -m.shift;
    return tflite_rounding_divide_by_pot(tflite_srdhm(static_cast<std::int32_t>(x * (1LL << left)), m.multiplier),
                                         right);
}

std::int8_t tflite_leaky_relu(std::int8_t q, QuantParams in, QuantParams out, float alpha) {
    const TfliteMultiplier alpha_m = tflite_quantize_multiplier(static_cast<double>(in.scale * alpha / out.scale));
    const TfliteMultiplier identity_m = tflite_quantize_multiplier(static_cast<double>(in.scale / out.scale));
    const std::int32_t d = q - in.zero_point;
    const std::int32_t v =
        out.zero_point + tflite_multiply_by_quantized_multiplier(d, d >= 0 ? identity_m : alpha_m);
    return static_cast<std::int8_t>(std::min(127, std::max(-128, v)));
}

std::int16_t tflite_downscale(std::int32_t m) {
    if (m >= std::numeric_limits<std::int32_t>::max() - (1 << 15)) return std::numeric_limits<std::int16_t>::max();
    return static_cast<std::int16_t>((m + (1 << 15)) >> 16);
}
std::int16_t tflite_saturating_left_shift(std::int16_t v, int amount) {
    const std::int64_t r = static_cast<std::int64_t>(v) * (1 << amount);
    return static_cast<std::int16_t>(std::max<std::int64_t>(-32768, std::min<std::int64_t>(32767, r)));
}
std::int16_t tflite_saturating_doubling_high_mul(std::int16_t a, std::int16_t b) {
    if (a == b && a == std::numeric_limits<std::int16_t>::min()) return std::numeric_limits<std::int16_t>::max();
    return static_cast<std::int16_t>((static_cast<std::int32_t>(a) * b) / (1 << 15));
}

std::int8_t tflite_hard_swish(std::int8_t q, QuantParams in, QuantParams out) {
    const float hires_scale = (1.0f / 128.0f) * in.scale;
    const TfliteMultiplier om = tflite_quantize_multiplier(static_cast<double>(hires_scale / out.scale));
    const TfliteMultiplier rm = tflite_quantize_multiplier(static_cast<double>(hires_scale / (3.0f / 32768.0f)));
    const std::int16_t out_m = tflite_downscale(om.multiplier);
    const std::int16_t relu_m = tflite_downscale(rm.multiplier);
    const auto input = static_cast<std::int16_t>(q - in.zero_point);
    const auto hires = static_cast<std::int16_t>(input * (1 << 7));
    const std::int16_t pre_out = tflite_srdhm<std::int16_t>(hires, out_m);
    std::int16_t reluish = hires;
    if (rm.shift > 0) reluish = tflite_saturating_left_shift(reluish, rm.shift - 1);
    reluish = tflite_srdhm<std::int16_t>(reluish, relu_m);
    if (rm.shift > 0) reluish = tflite_saturating_left_shift(reluish, 1);
    if (rm.shift < 0) reluish = tflite_rounding_divide_by_pot<std::int16_t>(reluish, -rm.shift);
    reluish = static_cast<std::int16_t>((reluish + (1 << 15)) >> 1);
    const std::int16_t pre_shift = tflite_saturating_doubling_high_mul(reluish, pre_out);
    auto v = tflite_rounding_divide_by_pot<std::int16_t>(pre_shift, -om.shift);
    v = static_cast<std::int16_t>(v + out.zero_point);
    return static_cast<std::int8_t>(std::min<std::int16_t>(127, std::max<std::int16_t>(-128, v)));
}

// ---- plain float references -------------------------------------------------------------------

int round_to_int8(double real, QuantParams q) {
    const double v = std::round(real / static_cast<double>(q.scale)) + q.zero_point;
    return static_cast<int>(std::min(127.0, std::max(-128.0, v)));
}
double dequantized(int q, QuantParams p) { return static_cast<double>(p.scale) * (q - p.zero_point); }

constexpr std::array<QuantParams, 6> input_quants{{{0.0123f, -7}, {0.05f, 20}, {0.11f, -128},
                                                   {0.0039215689f, 127}, {0.25f, 0}, {0.0007f, 3}}};

}  // namespace

TEST_CASE("leaky_relu int8: every input matches TFLite's integer algorithm", "[leaky_relu]") {
    const float alphas[] = {0.2f, 0.01f, 0.3f, 0.0f, -0.5f, 1.7f};
    int compared = 0;
    for (const QuantParams in : input_quants) {
        const QuantParams outs[] = {in, {in.scale * 0.7f, 11}, {in.scale * 2.3f, -100}, {in.scale * 0.05f, 0}};
        for (const QuantParams out : outs) {
            for (const float alpha : alphas) {
                const auto p = reference::make_leaky_relu_params(in, out, alpha);
                REQUIRE(p.error == nullptr);
                for (int q = -128; q <= 127; ++q) {
                    const auto x = static_cast<std::int8_t>(q);
                    INFO("in " << in.scale << "/" << in.zero_point << " out " << out.scale << "/"
                               << out.zero_point << " alpha " << alpha << " q " << q);
                    REQUIRE(reference::leaky_relu_value(p, x) == tflite_leaky_relu(x, in, out, alpha));
                    const double real = dequantized(q, in);
                    const int naive = round_to_int8(real > 0 ? real : real * alpha, out);
                    CHECK(std::abs(reference::leaky_relu_value(p, x) - naive) <= 1);
                    ++compared;
                }
            }
        }
    }
    CHECK(compared == 6 * 4 * 6 * 256);
}

TEST_CASE("leaky_relu int8: float32 ratios, own multiplier per side, saturation", "[leaky_relu]") {
    // s_in·alpha/s_out in float32 (1150181248) differs from the double quotient (1150181287).
    constexpr auto p = reference::make_leaky_relu_params({0.0100731002f, 0}, {0.0300916992f, 0}, 0.2f);
    static_assert(p.error == nullptr);
    STATIC_REQUIRE(p.alpha.multiplier == 1150181248);
    STATIC_REQUIRE(p.identity.exponent == -1);
    STATIC_REQUIRE(p.alpha.exponent == -3);
    // Equal parameters: x ≥ zp is copied, x < zp is scaled toward zp.
    constexpr auto same = reference::make_leaky_relu_params({0.05f, 10}, {0.05f, 10}, 0.25f);
    STATIC_REQUIRE(reference::leaky_relu_value(same, 127) == 127);
    STATIC_REQUIRE(reference::leaky_relu_value(same, 10) == 10);
    STATIC_REQUIRE(reference::leaky_relu_value(same, 2) == 8);      // −8 · 0.25 = −2
    STATIC_REQUIRE(reference::leaky_relu_value(same, -128) == -25);  // −138 · 0.25 = −34.5 → −35 + 10
    // A fine output scale saturates both ends; a negative alpha flips the sign below zp.
    constexpr auto fine = reference::make_leaky_relu_params({0.1f, 0}, {0.01f, 0}, 0.5f);
    STATIC_REQUIRE(reference::leaky_relu_value(fine, 100) == 127);
    STATIC_REQUIRE(reference::leaky_relu_value(fine, -100) == -128);
    constexpr auto flip = reference::make_leaky_relu_params({0.1f, 0}, {0.1f, 0}, -1.0f);
    STATIC_REQUIRE(flip.alpha.multiplier < 0);
    STATIC_REQUIRE(reference::leaky_relu_value(flip, -40) == 40);
    STATIC_REQUIRE(reference::leaky_relu_value(flip, -128) == 127);
    static_assert(reference::make_leaky_relu_params({0.0f, 0}, {0.1f, 0}, 0.2f).error != nullptr);
    static_assert(reference::make_leaky_relu_params({0.1f, 0}, {0.1f, 0}, __builtin_inff()).error != nullptr);
    static_assert(reference::make_leaky_relu_params({1e30f, 0}, {1e-30f, 0}, 0.2f).error != nullptr);
}

TEST_CASE("leaky_relu float", "[leaky_relu]") {
    const float x[5] = {-3.0f, -0.0f, 0.0f, 2.5f, -1e-3f};
    float y[5];
    reference::leaky_relu(0.1f, x, y, 5);
    CHECK(y[0] == -3.0f * 0.1f);
    CHECK(y[1] == 0.0f);
    CHECK(y[3] == 2.5f);
    CHECK(y[4] == -1e-3f * 0.1f);
}

TEST_CASE("hard_swish int8: every input matches TFLite's 16-bit algorithm", "[hard_swish]") {
    int compared = 0;
    int worst = 0;
    for (const QuantParams in : input_quants) {
        // Typical calibrations (output range about [−0.375, max x]) and harder ratios; the
        // multiplier exponents span e_out −1..−13 and e_relu −4..+5.
        const QuantParams outs[] = {{in.scale * 0.6f, -90}, {in.scale, 0}, {in.scale * 0.02f, 5},
                                    {in.scale * 3.0f, -128}, {in.scale * 100.0f, 17}};
        for (const QuantParams out : outs) {
            const auto p = reference::make_hard_swish_params(in, out);
            REQUIRE(p.error == nullptr);
            for (int q = -128; q <= 127; ++q) {
                const auto x = static_cast<std::int8_t>(q);
                INFO("in " << in.scale << "/" << in.zero_point << " out " << out.scale << "/"
                           << out.zero_point << " q " << q);
                REQUIRE(reference::hard_swish_value(p, x) == tflite_hard_swish(x, in, out));
                const double r = dequantized(q, in);
                const int naive = round_to_int8(r * std::min(6.0, std::max(0.0, r + 3.0)) / 6.0, out);
                worst = std::max(worst, std::abs(reference::hard_swish_value(p, x) - naive));
                ++compared;
            }
        }
    }
    CHECK(compared == 6 * 5 * 256);
    // The 16-bit pipeline still lands within one step of the correctly rounded value.
    CHECK(worst <= 1);
}

TEST_CASE("hard_swish int8: fixed points, parameters, rejected ranges", "[hard_swish]") {
    constexpr QuantParams in{0.05f, -10};
    constexpr QuantParams out{0.03f, -100};
    constexpr auto p = reference::make_hard_swish_params(in, out);
    static_assert(p.error == nullptr);
    STATIC_REQUIRE(p.reluish_exponent == 3);  // (0.05 / 128) / (3 / 32768) = 4.27 = 0.53 · 2^3
    STATIC_REQUIRE(p.output_exponent == -6);  // (0.05 / 128) / 0.03 = 0.013 = 0.83 · 2^−6
    STATIC_REQUIRE(reference::hard_swish_value(p, -10) == -100);  // x = 0 → 0
    // x ≤ −3 gives 0; x ≥ +3 gives x itself: q = 110 is x = 6.0 → 6.0 / 0.03 = 200 → −100 + 200;
    // q = 127 (x = 6.85) saturates.
    STATIC_REQUIRE(reference::hard_swish_value(p, -128) == -100);
    STATIC_REQUIRE(reference::hard_swish_value(p, 110) == 100);
    STATIC_REQUIRE(reference::hard_swish_value(p, 127) == 127);
    STATIC_REQUIRE(reference::hard_swish_value(p, 60) == 17);  // x = 3.5 → 116.67 → −100 + 117
    // Output exponent > 0 (s_out < s_in / 128) is TFLite's own limit; tiny ratios are ours.
    static_assert(reference::make_hard_swish_params({0.5f, 0}, {0.001f, 0}).error != nullptr);
    static_assert(reference::make_hard_swish_params({0.001f, 0}, {1.0f, 0}).error != nullptr);
    static_assert(reference::make_hard_swish_params({1e-8f, 0}, {1e-8f, 0}).error != nullptr);
    static_assert(reference::make_hard_swish_params({0.05f, 200}, {0.05f, 0}).error != nullptr);
}

TEST_CASE("hard_swish float", "[hard_swish]") {
    const float x[6] = {-4.0f, -3.0f, -1.5f, 0.0f, 2.0f, 7.0f};
    float y[6];
    reference::hard_swish(x, y, 6);
    CHECK(y[0] == 0.0f);
    CHECK(y[1] == 0.0f);
    CHECK(y[2] == -1.5f * 1.5f / 6.0f);
    CHECK(y[3] == 0.0f);
    CHECK(y[4] == 2.0f * 5.0f / 6.0f);
    CHECK(y[5] == 7.0f);
}

namespace {
inline constexpr LeakyReluParams leaky_alpha{0.125f};
inline constexpr QuantParams act_in_q{0.04f, -5};
inline constexpr QuantParams leaky_out_q{0.03f, 12};
inline constexpr QuantParams swish_out_q{0.025f, -110};
using Int8Acts = Sequential<Input<Shape{2, 3, 5}, act_in_q>, LeakyRelu<leaky_alpha, leaky_out_q>,
                            HardSwish<swish_out_q>>;
using FloatActs = Sequential<Input<Shape{2, 3, 5}, float32>, LeakyRelu<leaky_alpha>, HardSwish<>>;
using DefaultQuant = Sequential<Input<Shape{1, 1, 4}, act_in_q>, LeakyRelu<leaky_alpha>>;
}  // namespace

TEST_CASE("LeakyRelu and HardSwish layers: output types, int8 and float runs", "[leaky_relu][hard_swish]") {
    STATIC_REQUIRE(Int8Acts::output::quant == swish_out_q);
    STATIC_REQUIRE(Int8Acts::output::shape == Shape{2, 3, 5});
    STATIC_REQUIRE(DefaultQuant::output::quant == act_in_q);  // OutQ defaults to the input's
    STATIC_REQUIRE(std::is_same_v<FloatActs::output::value_type, float>);

    std::array<std::int8_t, 30> x{};
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<std::int8_t>(static_cast<int>(i) * 9 - 128);
    static Int8Acts::Arena arena;
    const std::int8_t* y = Int8Acts::run(arena, x.data());
    const auto pl = reference::make_leaky_relu_params(act_in_q, leaky_out_q, leaky_alpha.alpha);
    const auto ph = reference::make_hard_swish_params(leaky_out_q, swish_out_q);
    for (std::size_t i = 0; i < x.size(); ++i)
        REQUIRE(y[i] == reference::hard_swish_value(ph, reference::leaky_relu_value(pl, x[i])));

    std::array<float, 30> f{};
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(i) * 0.4f - 6.0f;
    static FloatActs::Arena farena;
    const float* g = FloatActs::run(farena, f.data());
    for (std::size_t i = 0; i < f.size(); ++i) {
        const float l = f[i] > 0.0f ? f[i] : f[i] * 0.125f;
        REQUIRE(g[i] == l * std::min(6.0f, std::max(0.0f, l + 3.0f)) / 6.0f);
    }
}
