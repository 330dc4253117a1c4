// SOFTMAX reference kernel: bit-exact against TFLM on the op golden cases, plus properties.
#include "mote/kernels/reference/softmax.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "mote/layers/softmax.hpp"

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("softmax golden: every case and sample matches TFLM", "[golden][softmax]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("SOFTMAX");
    CHECK(cases.size() == 4);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        const int n = elements_of(in);
        const int depth = shape_of(in).back();
        const float beta = c->at("params").at("beta").as_float();
        for (const Sample& s : samples_of(*c)) {
            if (is_int8(in)) {
                const auto p = reference::make_softmax_params(quant_of(in), quant_of(out), beta);
                INFO(c->at("name").string);
                REQUIRE(p.error == nullptr);
                std::vector<std::int8_t> got(static_cast<std::size_t>(n));
                reference::softmax(p, as_int8(s.input), got.data(), n / depth, depth);
                check_int8_output(s, got);
                const auto table = reference::make_softmax_exp_table(p);
                reference::softmax(table, as_int8(s.input), got.data(), n / depth, depth);
                check_int8_output(s, got);
            } else {
                const std::vector<float> x = as_floats(s.input, 0, static_cast<std::size_t>(n));
                std::vector<float> got(static_cast<std::size_t>(n));
                reference::softmax(beta, x.data(), got.data(), n / depth, depth);
                // Same float32 operations in the same order; std::exp may differ from TFLM's
                // libm by an ulp, so allow a few ulps of the largest output (README: 2.5e-7 vs
                // float64; TFLM vs a correct float32 implementation is closer still).
                check_float_output(s, got, 1e-6);
            }
        }
    }
}

TEST_CASE("softmax int8: equal inputs share the mass equally", "[softmax]") {
    const auto p = reference::make_softmax_params({0.1f, 0}, {1.0f / 256, -128});
    REQUIRE(p.error == nullptr);
    for (int depth : {1, 2, 4, 8, 16}) {
        std::vector<std::int8_t> in(static_cast<std::size_t>(depth), 37), out(in.size());
        reference::softmax(p, in.data(), out.data(), 1, depth);
        const int expected = static_cast<int>(std::lround(256.0 / depth)) - 128;
        for (std::int8_t v : out) CHECK(static_cast<int>(v) == (expected > 127 ? 127 : expected));
    }
}

TEST_CASE("softmax int8: far-below-max inputs give exactly -128, the max saturates at 127",
          "[softmax]") {
    const auto p = reference::make_softmax_params({0.5f, 0}, {1.0f / 256, -128});
    REQUIRE(p.error == nullptr);
    REQUIRE(p.diff_min < 0);
    const std::int8_t in[4] = {127, -128, -100, -90};
    std::int8_t out[4] = {};
    reference::softmax(p, in, out, 1, 4);
    CHECK(out[0] == 127);
    CHECK(out[1] == -128);
    CHECK(out[2] == -128);
    CHECK(out[3] == -128);
}

TEST_CASE("softmax int8: output is monotonic in the input within a row", "[softmax]") {
    const auto p = reference::make_softmax_params({0.0625f, -20}, {1.0f / 256, -128});
    std::int8_t in[12], out[12];
    for (int k = 0; k < 12; ++k) in[k] = static_cast<std::int8_t>(-60 + 10 * k);
    reference::softmax(p, in, out, 1, 12);
    for (int k = 1; k < 12; ++k) CHECK(out[k] >= out[k - 1]);
}

TEST_CASE("softmax params: constexpr and validated", "[softmax]") {
    constexpr auto p = reference::make_softmax_params({0.1f, 17}, {1.0f / 256, -128});
    static_assert(p.error == nullptr);
    static_assert(p.input_multiplier.exponent >= 0);
    constexpr auto bad = reference::make_softmax_params({0.1f, 17}, {1.0f / 128, -128});
    static_assert(bad.error != nullptr);
    // A softmax of constants folds at compile time.
    constexpr std::int8_t folded = [] {
        constexpr auto q = reference::make_softmax_params({0.1f, 0}, {1.0f / 256, -128});
        const std::int8_t in[2] = {3, 3};
        std::int8_t o[2] = {};
        reference::softmax(q, in, o, 1, 2);
        return o[0];
    }();
    STATIC_REQUIRE(folded == 0);  // 0.5 → 128 − 128
}

TEST_CASE("softmax int8: the compile-time exp table gives the same bytes", "[softmax]") {
    std::uint32_t state = 12345;
    for (float scale : {0.02f, 0.0625f, 0.1f, 0.2f, 0.5f}) {
        const auto p = reference::make_softmax_params({scale, 0}, {1.0f / 256, -128});
        REQUIRE(p.error == nullptr);
        const auto table = reference::make_softmax_exp_table(p);
        for (int row = 0; row < 200; ++row) {
            std::int8_t in[13], direct[13], tabled[13];
            for (auto& v : in) {
                state = state * 1664525u + 1013904223u;
                v = static_cast<std::int8_t>(state >> 24);
            }
            reference::softmax(p, in, direct, 1, 13);
            reference::softmax(table, in, tabled, 1, 13);
            for (int k = 0; k < 13; ++k) CHECK(direct[k] == tabled[k]);
        }
    }
    constexpr auto p = reference::make_softmax_params({0.1f, 17}, {1.0f / 256, -128});
    constexpr auto table = reference::make_softmax_exp_table(p);  // folds at compile time
    STATIC_REQUIRE(table[0] == INT32_MAX);
}

// --- int8 input, int16 output --------------------------------------------------------------
namespace {
inline constexpr QuantParams int16_unit{1.0f / 65536, -32768};
}  // namespace

TEST_CASE("softmax int8 -> int16: within one code of the real softmax; the table gives the same codes",
          "[softmax]") {
    std::uint32_t state = 99;
    int worst = 0, rows_checked = 0;
    for (float scale : {0.02f, 0.0625f, 0.1f, 0.2f, 0.5f}) {
        for (float beta : {1.0f, 0.5f}) {
            const auto p = reference::make_softmax_params<std::int16_t>({scale, 3}, int16_unit, beta);
            REQUIRE(p.error == nullptr);
            const auto table = reference::make_softmax_exp_table(p);
            for (int row = 0; row < 200; ++row) {
                const int depth = 1 + row % 17;
                std::int8_t in[17];
                std::int16_t out[17], tabled[17];
                for (int c = 0; c < depth; ++c) {
                    state = state * 1664525u + 1013904223u;
                    in[c] = static_cast<std::int8_t>(state >> 24);
                }
                reference::softmax(p, in, out, 1, depth);
                reference::softmax(table, in, tabled, 1, depth);
                double sum = 0.0;
                int max_in = -128;
                for (int c = 0; c < depth; ++c) max_in = in[c] > max_in ? in[c] : max_in;
                for (int c = 0; c < depth; ++c) sum += std::exp(double{beta} * scale * (in[c] - max_in));
                for (int c = 0; c < depth; ++c) {
                    CHECK(out[c] == tabled[c]);
                    const double real = std::exp(double{beta} * scale * (in[c] - max_in)) / sum;
                    const double want = std::min(real * 65536.0 - 32768.0, 32767.0);
                    const int err = static_cast<int>(std::ceil(std::fabs(out[c] - want) - 0.5));
                    worst = err > worst ? err : worst;
                }
                ++rows_checked;
            }
        }
    }
    INFO("largest difference from the rounded real softmax: " << worst << " codes");
    CHECK(rows_checked == 2000);
    CHECK(worst <= 1);
}

TEST_CASE("softmax int8 -> int16: equal inputs, saturation at both ends", "[softmax]") {
    const auto p = reference::make_softmax_params<std::int16_t>({0.1f, 0}, int16_unit);
    REQUIRE(p.error == nullptr);
    const std::int8_t same[4] = {37, 37, 37, 37};
    std::int16_t out[4] = {};
    reference::softmax(p, same, out, 1, 2);  // one half each: 32768 − 32768
    CHECK(out[0] == 0);
    CHECK(out[1] == 0);
    reference::softmax(p, same, out, 1, 4);  // one quarter: 16384 − 32768
    for (std::int16_t v : out) CHECK(v == -16384);
    reference::softmax(p, same, out, 1, 1);  // one: 65536 − 32768 saturates
    CHECK(out[0] == 32767);
    const auto wide = reference::make_softmax_params<std::int16_t>({0.5f, 0}, int16_unit);
    const std::int8_t apart[2] = {127, -128};  // exp(−127.5): below diff_min
    REQUIRE(wide.diff_min > -255);
    reference::softmax(wide, apart, out, 1, 2);
    CHECK(out[0] == 32767);
    CHECK(out[1] == -32768);
}

TEST_CASE("softmax int16 output params: TFLM's zero point and 0.1 % scale tolerance", "[softmax]") {
    using reference::make_softmax_params;
    // The keyword SVDF model's softmax output: scale 1/65535, zero point −32768.
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {1.52590219e-05f, -32768}).error == nullptr);
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {1.0009f / 65536, -32768}).error == nullptr);
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {1.0011f / 65536, -32768}).error != nullptr);
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {0.9989f / 65536, -32768}).error != nullptr);
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {1.0f / 32768, 0}).error != nullptr);
    STATIC_REQUIRE(make_softmax_params<std::int16_t>({0.07f, 2}, {1.0f / 65536, 0}).error != nullptr);
    // The int8 output keeps its exact requirement.
    STATIC_REQUIRE(make_softmax_params<std::int8_t>({0.07f, 2}, {1.0009f / 256, -128}).error != nullptr);
    // The int16 output is the int8 one with 8 more bits (before the final rounding).
    const auto p8 = make_softmax_params({0.0625f, -20}, {1.0f / 256, -128});
    const auto p16 = make_softmax_params<std::int16_t>({0.0625f, -20}, int16_unit);
    REQUIRE(p8.error == nullptr);
    REQUIRE(p16.error == nullptr);
    CHECK(p8.input_multiplier == p16.input_multiplier);
    CHECK(p8.diff_min == p16.diff_min);
}

namespace {
inline constexpr QuantParams model_softmax_out{1.52590219e-05f, -32768};
inline constexpr QuantParams logits_q{0.0699627325f, 2};
}  // namespace

TEST_CASE("Softmax layer: int16 output with the model's own quantization", "[softmax][layer]") {
    using In = Tensor<Shape{1, 1, 2}, std::int8_t, scale_bits(logits_q), 2>;
    using L = Softmax<softmax_beta_one, std::int16_t, model_softmax_out>::bind<In, -1>;
    STATIC_REQUIRE(std::is_same_v<L::output, Tensor<Shape{1, 1, 2}, std::int16_t, scale_bits(model_softmax_out), -32768>>);
    using Nominal = Softmax<softmax_beta_one, std::int16_t>::bind<In, -1>;
    STATIC_REQUIRE(Nominal::output::quant == QuantParams{1.0f / 65536, -32768});
    using Int8 = Softmax<>::bind<In, -1>;  // unchanged default
    STATIC_REQUIRE(std::is_same_v<Int8::output, Tensor<Shape{1, 1, 2}, std::int8_t, scale_bits(QuantParams{1.0f / 256, -128}), -128>>);
    const std::int8_t x[2] = {50, 50};
    std::int16_t y[2] = {1, 1};
    L::run(x, y, nullptr);
    CHECK(y[0] == 0);
    CHECK(y[1] == 0);
}
