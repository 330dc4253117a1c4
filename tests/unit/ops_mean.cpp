// MEAN (over H, W, keep dims) reference kernel: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/mean.hpp"

#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("mean golden: every case and sample matches TFLM", "[golden][mean]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("MEAN");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        const std::vector<int> s_in = shape_of(in);
        const int h = s_in[1], w = s_in[2], ch = s_in[3];
        for (const Sample& s : samples_of(*c)) {
            if (is_int8(in)) {
                const auto p = reference::make_mean_params(quant_of(in), quant_of(out), h, w);
                REQUIRE(p.error == nullptr);
                std::vector<std::int8_t> got(static_cast<std::size_t>(ch));
                reference::mean_hw(p, as_int8(s.input), got.data(), h, w, ch);
                check_int8_output(s, got);
            } else {
                const auto x = as_floats(s.input, 0, static_cast<std::size_t>(h * w * ch));
                std::vector<float> got(static_cast<std::size_t>(ch));
                reference::mean_hw(x.data(), got.data(), h, w, ch);
                check_float_output(s, got, 1e-6);
            }
        }
    }
}

TEST_CASE("mean int8: folded multiplier as TFLite derives it", "[mean]") {
    // s_in/s_out = 9.01 → exponent +4; n = 63 → shift = 5 is capped by nothing, so exponent −1.
    constexpr auto p = reference::make_mean_params({0.06f, -15}, {0.0066591971553862095f, -79}, 7, 9);
    static_assert(p.error == nullptr);
    STATIC_REQUIRE(p.output.exponent == -1);
    // Equal parameters, n = 16: the multiplier is exactly 1/16 (2^30 · 2^−4 as 2^30, exponent −3).
    constexpr auto q = reference::make_mean_params({0.05f, 20}, {0.05f, 20}, 4, 4);
    STATIC_REQUIRE(q.output.multiplier == (1 << 30));
    STATIC_REQUIRE(q.output.exponent == -3);
}

TEST_CASE("mean int8: constant input gives that value back (equal parameters)", "[mean]") {
    const auto p = reference::make_mean_params({0.05f, 20}, {0.05f, 20}, 3, 5);
    for (int v = -128; v <= 127; v += 17) {
        std::vector<std::int8_t> x(3 * 5 * 2, static_cast<std::int8_t>(v));
        std::int8_t out[2] = {};
        reference::mean_hw(p, x.data(), out, 3, 5, 2);
        CHECK(static_cast<int>(out[0]) == v);
        CHECK(static_cast<int>(out[1]) == v);
    }
}

TEST_CASE("mean float: average per channel", "[mean]") {
    const float x[2 * 2 * 3] = {1, 10, -1, 2, 20, -2, 3, 30, -3, 4, 40, -4};
    float out[3];
    reference::mean_hw(x, out, 2, 2, 3);
    CHECK(out[0] == 2.5f);
    CHECK(out[1] == 25.0f);
    CHECK(out[2] == -2.5f);
}
