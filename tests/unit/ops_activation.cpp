// Standalone RELU / RELU6 reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/activation.hpp"

#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("relu golden: every case and sample matches TFLM", "[golden][relu]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("RELU");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        REQUIRE(is_int8(in));
        const auto p = reference::make_relu_params(quant_of(in), quant_of(out));
        REQUIRE(p.error == nullptr);
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(n));
            const std::int8_t* x = as_int8(s.input);
            for (int i = 0; i < n; ++i) got[static_cast<std::size_t>(i)] = reference::relu_value(p, x[i]);
            check_int8_output(s, got);
        }
    }
}

TEST_CASE("relu6 golden: every case and sample matches TFLM", "[golden][relu6]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("RELU6");
    CHECK(cases.size() == 1);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        REQUIRE(is_int8(in));
        const auto p = reference::make_relu6_params(quant_of(in));
        REQUIRE(p.error == nullptr);
        const Json& range = c->at("params").at("activation_range_q");
        CHECK(static_cast<int>(p.lo) == range.at(0).as_int());
        CHECK(static_cast<int>(p.hi) == range.at(1).as_int());
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(n));
            reference::relu6(p, as_int8(s.input), got.data(), n);
            check_int8_output(s, got);
        }
    }
}

TEST_CASE("relu int8: float32-divided multiplier, clamp at the output zero point", "[relu]") {
    // 0.05f / 0.03f in float32 and in double give different multipliers; the pinned TFLM commit
    // divides in float32 (op README). The golden bytes of this case agree with either one.
    constexpr auto p = reference::make_relu_params({0.05f, 20}, {0.03f, -128});
    static_assert(p.error == nullptr);
    STATIC_REQUIRE(p.multiplier.multiplier == 1789569792);
    STATIC_REQUIRE(p.multiplier.exponent == 1);
    const auto q = reference::make_relu_params({0.04f, 11}, {0.04f, 11});
    for (int v = -128; v <= 127; ++v)
        CHECK(static_cast<int>(reference::relu_value(q, static_cast<std::int8_t>(v))) == (v < 11 ? 11 : v));
}

TEST_CASE("relu6 int8: ignores output parameters, bounds saturate inside int8", "[relu6]") {
    constexpr auto p = reference::make_relu6_params({0.06f, -10});
    STATIC_REQUIRE(p.lo == -10);
    STATIC_REQUIRE(p.hi == 90);
    constexpr auto wide = reference::make_relu6_params({0.01f, 0});  // 6/0.01 = 600 → 127
    STATIC_REQUIRE(wide.hi == 127);
    const std::int8_t x[5] = {-128, -10, 0, 90, 127};
    std::int8_t y[5];
    reference::relu6(p, x, y, 5);
    CHECK(y[0] == -10);
    CHECK(y[1] == -10);
    CHECK(y[2] == 0);
    CHECK(y[3] == 90);
    CHECK(y[4] == 90);
}

TEST_CASE("relu/relu6 float", "[relu][relu6]") {
    const float x[5] = {-3.0f, -0.0f, 2.0f, 6.0f, 7.5f};
    float r[5], r6[5];
    reference::relu(x, r, 5);
    reference::relu6(x, r6, 5);
    CHECK(r[0] == 0.0f);
    CHECK(r[2] == 2.0f);
    CHECK(r[4] == 7.5f);
    CHECK(r6[3] == 6.0f);
    CHECK(r6[4] == 6.0f);
    CHECK(r6[0] == 0.0f);
}
