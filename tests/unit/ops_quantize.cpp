// QUANTIZE (float→int8, requantization between integer types) and DEQUANTIZE reference kernels
// and the Quantize layer: bit-exact against TFLM.
#include "mote/kernels/reference/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "mote/layers/quantize.hpp"

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("quantize golden: every case and sample matches TFLM", "[golden][quantize]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("QUANTIZE");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(n));
            if (is_int8(in)) {
                const auto p = reference::make_requantize_params(quant_of(in), quant_of(out));
                REQUIRE(p.error == nullptr);
                reference::requantize(p, as_int8(s.input), got.data(), n);
            } else {
                const auto p = reference::make_quantize_params(quant_of(out));
                REQUIRE(p.error == nullptr);
                const auto x = as_floats(s.input, 0, static_cast<std::size_t>(n));
                reference::quantize(p, x.data(), got.data(), n);
            }
            check_int8_output(s, got);
        }
    }
}

TEST_CASE("dequantize golden: every case and sample matches TFLM bit for bit", "[golden][dequantize]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("DEQUANTIZE");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const auto p = reference::make_dequantize_params(quant_of(in));
        REQUIRE(p.error == nullptr);
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<float> got(static_cast<std::size_t>(n));
            reference::dequantize(p, as_int8(s.input), got.data(), n);
            INFO(s.label);
            REQUIRE(s.output.size() == got.size() * sizeof(float));
            CHECK(std::memcmp(got.data(), s.output.data(), s.output.size()) == 0);  // exact bits
        }
    }
}

TEST_CASE("quantize float->int8: ties round half away from zero, not to even", "[quantize]") {
    const auto p = reference::make_quantize_params({0.5f, 0});
    CHECK(reference::quantize_value(p, 0.25f) == 1);    // 0.5 → 1
    CHECK(reference::quantize_value(p, -0.25f) == -1);  // −0.5 → −1
    CHECK(reference::quantize_value(p, 1.25f) == 3);    // 2.5 → 3 (half-to-even would give 2)
    CHECK(reference::quantize_value(p, -1.25f) == -3);
    CHECK(reference::quantize_value(p, 0.2f) == 0);
    CHECK(reference::quantize_value(p, 1e30f) == 127);
    CHECK(reference::quantize_value(p, -1e30f) == -128);
    CHECK(reference::quantize_value(p, INFINITY) == 127);
    CHECK(reference::quantize_value(p, -INFINITY) == -128);
    CHECK(reference::quantize_value(p, NAN) == 0);  // documented: NaN → zero point
    // Against std::round on a fine sweep (the x/scale division is float32 in both).
    const auto q = reference::make_quantize_params({0.03125f, -7});
    for (int k = -20000; k <= 20000; ++k) {
        const float x = static_cast<float>(k) * 0.0003f;
        long r = std::lround(x / 0.03125f) - 7;
        r = r < -128 ? -128 : (r > 127 ? 127 : r);
        CHECK(static_cast<long>(reference::quantize_value(q, x)) == r);
    }
}

TEST_CASE("dequantize: the float32 product equals TFLite's double product rounded once",
          "[dequantize]") {
    for (float scale : {0.0371f, 0.11f, 1.0f / 3.0f, 7.7e-5f, 123.456f}) {
        for (int zp : {-128, -19, 0, 60, 127}) {
            const auto p = reference::make_dequantize_params({scale, zp});
            for (int q = -128; q <= 127; ++q) {
                const auto want = static_cast<float>(static_cast<double>(scale) * (q - zp));
                CHECK(reference::dequantize_value(p, static_cast<std::int8_t>(q)) == want);
            }
        }
    }
}

TEST_CASE("requantize int8: identity parameters copy, params are constexpr", "[quantize]") {
    constexpr auto p = reference::make_requantize_params({0.071f, -25}, {0.071f, -25});
    static_assert(p.error == nullptr);
    for (int q = -128; q <= 127; ++q)
        CHECK(static_cast<int>(reference::requantize_value(p, static_cast<std::int8_t>(q))) == q);
    constexpr auto r = reference::make_requantize_params({0.071f, -25}, {0.043f, 13});
    STATIC_REQUIRE(reference::requantize_value(r, -25) == 13);
    STATIC_REQUIRE(reference::quantize_value(reference::make_quantize_params({0.5f, 3}), 1.25f) == 6);
}

// --- requantization between integer types ------------------------------------------------------
namespace {

// reference_ops::Requantize transcribed independently: QuantizeMultiplier through std::frexp,
// (q − zp_in)·2^left in int32, the high multiply rounding half up (gemmlowp's nudge) as a floor
// division, the right shift rounding half away from zero, + zp_out, clamped to Out.
template <class Out>
std::int64_t tflite_requantize(std::int64_t q, QuantParams in, QuantParams out) {
    int e = 0;
    const double f = std::frexp(static_cast<double>(in.scale) / static_cast<double>(out.scale), &e);
    auto m = static_cast<std::int64_t>(std::round(f * 2147483648.0));
    if (m == 2147483648LL) {
        m /= 2;
        ++e;
    }
    const auto floor_div = [](std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && a < 0); };
    const std::int64_t x = (q - in.zero_point) * (std::int64_t{1} << (e > 0 ? e : 0));
    REQUIRE(x >= INT32_MIN);
    REQUIRE(x <= INT32_MAX);
    const std::int64_t high = floor_div(x * m + (std::int64_t{1} << 30), std::int64_t{1} << 31);
    const std::int64_t d = std::int64_t{1} << (e > 0 ? 0 : -e);
    const std::int64_t v = (high >= 0 ? floor_div(high + d / 2, d) : -floor_div(-high + d / 2, d)) + out.zero_point;
    return std::clamp<std::int64_t>(v, std::numeric_limits<Out>::min(), std::numeric_limits<Out>::max());
}

// Every input code of In through make_requantize_params / requantize, against the transcription.
template <class In, class Out>
void check_every_code(QuantParams in, QuantParams out) {
    const auto p = reference::make_requantize_params<In, Out>(in, out);
    REQUIRE(p.error == nullptr);
    std::vector<In> codes;
    for (std::int64_t q = std::numeric_limits<In>::min(); q <= std::numeric_limits<In>::max(); ++q)
        codes.push_back(static_cast<In>(q));
    std::vector<Out> got(codes.size());
    reference::requantize(p, codes.data(), got.data(), static_cast<int>(codes.size()));
    std::size_t bad = 0;
    for (std::size_t k = 0; k < codes.size(); ++k)
        bad += static_cast<std::int64_t>(got[k]) != tflite_requantize<Out>(codes[k], in, out);
    INFO("scales " << in.scale << " -> " << out.scale << ", zero points " << in.zero_point << " -> " << out.zero_point);
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("requantize int16 -> int8 / int16 / int32: every input code matches TFLite's formula",
          "[quantize]") {
    // The keyword SVDF model's QUANTIZE ops: int16 input -> int8, softmax int16 -> int32.
    check_every_code<std::int16_t, std::int8_t>({0.000625f, 0}, {0.0592083335f, -128});
    check_every_code<std::int16_t, std::int32_t>({1.52590219e-05f, -32768}, {3.05185094e-05f, 0});
    // Saturation at both int8 limits, a non-zero input zero point, an enlarging scale.
    check_every_code<std::int16_t, std::int8_t>({0.01f, 1234}, {0.37f, 100});
    check_every_code<std::int16_t, std::int8_t>({0.5f, -77}, {0.0071f, -3});
    // int16 -> int16 saturating at ±32767/−32768; int32 with a left shift (ratio ~4500).
    check_every_code<std::int16_t, std::int16_t>({0.003f, 5}, {0.0011f, -9});
    check_every_code<std::int16_t, std::int32_t>({0.9f, 17}, {0.0002f, -1000});
}

TEST_CASE("requantize int8 -> uint8 / int16 / int32 and uint8 -> int8 match TFLite's formula",
          "[quantize]") {
    check_every_code<std::int8_t, std::uint8_t>({0.0039f, -128}, {0.0031f, 7});  // saturates at 255
    check_every_code<std::int8_t, std::uint8_t>({0.05f, 20}, {0.02f, 128});      // and at 0
    check_every_code<std::int8_t, std::int16_t>({0.05f, 20}, {0.0003f, 11});
    check_every_code<std::int8_t, std::int32_t>({0.05f, -3}, {1e-6f, 99});
    check_every_code<std::int8_t, std::int8_t>({0.071f, -25}, {0.043f, 13});
    check_every_code<std::uint8_t, std::int8_t>({0.0123f, 140}, {0.02f, -5});
}

TEST_CASE("requantize int8 <-> uint8 at one scale is TFLM's q ^ 0x80 shortcut", "[quantize]") {
    // microWakeWord's output: LOGISTIC int8 (1/256, −128) -> QUANTIZE uint8 (1/256, 0).
    constexpr auto to_u8 = reference::make_requantize_params<std::int8_t, std::uint8_t>(
        {1.0f / 256, -128}, {1.0f / 256, 0});
    static_assert(to_u8.error == nullptr);
    STATIC_REQUIRE(to_u8.multiplier == quant::Multiplier{1 << 30, 1});  // exactly one
    constexpr auto to_i8 = reference::make_requantize_params<std::uint8_t, std::int8_t>(
        {0.5f, 128}, {0.5f, 0});
    static_assert(to_i8.error == nullptr);
    for (int q = -128; q <= 127; ++q) {
        const auto u = static_cast<std::uint8_t>(static_cast<std::uint8_t>(q) ^ 0x80u);
        CHECK(reference::requantize_value<std::uint8_t>(to_u8, static_cast<std::int8_t>(q)) == u);
        CHECK(reference::requantize_value<std::int8_t>(to_i8, u) == static_cast<std::int8_t>(q));
    }
    STATIC_REQUIRE(reference::requantize_value<std::uint8_t>(to_u8, std::int8_t{-128}) == 0);
    STATIC_REQUIRE(reference::requantize_value<std::uint8_t>(to_u8, std::int8_t{127}) == 255);
}

TEST_CASE("requantize: ratio one half rounds ties up (gemmlowp's high multiply), not away",
          "[quantize]") {
    constexpr auto p = reference::make_requantize_params<std::int16_t, std::int32_t>({0.5f, 0}, {1.0f, 0});
    STATIC_REQUIRE(p.multiplier == quant::Multiplier{1 << 30, 0});
    STATIC_REQUIRE(reference::requantize_value<std::int32_t>(p, std::int16_t{1}) == 1);    // 0.5 → 1
    STATIC_REQUIRE(reference::requantize_value<std::int32_t>(p, std::int16_t{-1}) == 0);   // −0.5 → 0
    STATIC_REQUIRE(reference::requantize_value<std::int32_t>(p, std::int16_t{3}) == 2);    // 1.5 → 2
    STATIC_REQUIRE(reference::requantize_value<std::int32_t>(p, std::int16_t{-3}) == -1);  // −1.5 → −1
    STATIC_REQUIRE(reference::requantize_value<std::int32_t>(p, std::int16_t{-32768}) == -16384);
}

TEST_CASE("requantize params: zero points must fit the element types", "[quantize]") {
    using reference::make_requantize_params;
    STATIC_REQUIRE(make_requantize_params<std::int8_t, std::uint8_t>({0.1f, 0}, {0.1f, 255}).error == nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int8_t, std::uint8_t>({0.1f, 0}, {0.1f, 256}).error != nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int8_t, std::uint8_t>({0.1f, 0}, {0.1f, -1}).error != nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int8_t>({0.1f, -32768}, {0.1f, 0}).error == nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int8_t>({0.1f, 40000}, {0.1f, 0}).error != nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int8_t>({0.1f, 0}, {0.1f, 128}).error != nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int32_t>({0.1f, 0}, {0.1f, -2000000}).error == nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int32_t>({0.1f, 0}, {0.0f, 0}).error != nullptr);
    STATIC_REQUIRE(make_requantize_params<std::int16_t, std::int8_t>({1e30f, 0}, {1e-30f, 0}).error != nullptr);
    STATIC_REQUIRE(reference::requantizes<std::int16_t, std::int32_t>);
    STATIC_REQUIRE(!reference::requantizes<std::uint8_t, std::int16_t>);  // not a TFLM pair
    STATIC_REQUIRE(!reference::requantizes<std::int16_t, std::uint8_t>);
}

namespace {
inline constexpr QuantParams u8_out{1.0f / 256, 0};
inline constexpr QuantParams i8_logistic{1.0f / 256, -128};
inline constexpr QuantParams i16_in{1.52590219e-05f, -32768};
inline constexpr QuantParams i32_out{3.05185094e-05f, 0};
}  // namespace

TEST_CASE("Quantize layer: the output element type is the layer's parameter", "[quantize][layer]") {
    using ToU8 = Quantize<u8_out, std::uint8_t>::bind<Tensor<Shape{1, 1, 1}, std::int8_t, scale_bits(i8_logistic), -128>, -1>;
    STATIC_REQUIRE(std::is_same_v<ToU8::output, Tensor<Shape{1, 1, 1}, std::uint8_t, scale_bits(u8_out), 0>>);
    const std::int8_t x[1] = {53};
    std::uint8_t y[1] = {};
    ToU8::run(x, y, nullptr);
    CHECK(y[0] == 53 + 128);

    using ToI32 = Quantize<i32_out, std::int32_t>::bind<Tensor<Shape{1, 1, 2}, std::int16_t, scale_bits(i16_in), -32768>, -1>;
    STATIC_REQUIRE(std::is_same_v<ToI32::output, Tensor<Shape{1, 1, 2}, std::int32_t, scale_bits(i32_out), 0>>);
    // Scales 1/65535 -> 1/32767: code 0 (one half) gives the model's constant 16384, 32767 (one)
    // gives 32767.
    const std::int16_t h[2] = {0, 32767};
    std::int32_t w[2] = {};
    ToI32::run(h, w, nullptr);
    CHECK(w[0] == 16384);
    CHECK(w[1] == 32767);

    // Existing uses keep their int8 output.
    using FromFloat = Quantize<u8_out>::bind<FloatTensor<Shape{1, 1, 4}>, -1>;
    STATIC_REQUIRE(std::is_same_v<FromFloat::output::value_type, std::int8_t>);
}
