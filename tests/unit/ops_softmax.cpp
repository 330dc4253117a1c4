// SOFTMAX reference kernel: bit-exact against TFLM on the op golden cases, plus properties.
#include "mote/kernels/reference/softmax.hpp"

#include <cmath>
#include <vector>

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
