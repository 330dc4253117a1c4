// LOGISTIC and TANH reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/logistic.hpp"
#include "mote/kernels/reference/tanh.hpp"

#include <cmath>
#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("logistic golden: every case and sample matches TFLM", "[golden][logistic]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("LOGISTIC");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        REQUIRE(is_int8(in));
        const auto p = reference::make_logistic_params(quant_of(in), quant_of(out));
        REQUIRE(p.error == nullptr);
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(n));
            reference::logistic(p, as_int8(s.input), got.data(), n);
            check_int8_output(s, got);
            reference::logistic(reference::make_logistic_table(p), as_int8(s.input), got.data(), n);
            check_int8_output(s, got);
        }
    }
}

TEST_CASE("tanh golden: every case and sample matches TFLM", "[golden][tanh]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("TANH");
    CHECK(cases.size() == 1);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        REQUIRE(is_int8(in));
        const auto p = reference::make_tanh_params(quant_of(in), quant_of(out));
        REQUIRE(p.error == nullptr);
        const int n = elements_of(in);
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(n));
            reference::tanh(p, as_int8(s.input), got.data(), n);
            check_int8_output(s, got);
            reference::tanh(reference::make_tanh_table(p), as_int8(s.input), got.data(), n);
            check_int8_output(s, got);
        }
    }
}

namespace {
int round_half_away(double v) { return static_cast<int>(std::round(v)); }
int clamp8(int v) { return v < -128 ? -128 : (v > 127 ? 127 : v); }
}  // namespace

// The README's observation: on every int8 input value the fixed-point result equals the
// correctly rounded float result, for the scales used there. Checked over all 256 inputs for a
// spread of input scales (this is a property of the algorithm, not of the data set).
TEST_CASE("logistic int8: all 256 inputs within 1 of round(sigmoid(x)*256)-128, monotonic",
          "[logistic]") {
    for (float scale : {0.005f, 0.02f, 0.05f, 0.08f, 0.12f}) {
        for (int zp : {-100, -40, 0, 10, 90}) {
            const auto p = reference::make_logistic_params({scale, zp}, {1.0f / 256, -128});
            REQUIRE(p.error == nullptr);
            int prev = -129;
            for (int q = -128; q <= 127; ++q) {
                const int got = reference::logistic_value(p, static_cast<std::int8_t>(q));
                const double x = static_cast<double>(scale) * (q - zp);
                const int ideal = clamp8(round_half_away(256.0 / (1.0 + std::exp(-x))) - 128);
                INFO("scale " << scale << " zp " << zp << " q " << q);
                CHECK(std::abs(got - ideal) <= 1);
                CHECK(got >= prev);
                prev = got;
            }
        }
    }
}

TEST_CASE("tanh int8: all 256 inputs within 1 of round(tanh(x)*128), odd, monotonic", "[tanh]") {
    for (float scale : {0.005f, 0.02f, 0.05f, 0.08f, 0.12f}) {
        const auto p = reference::make_tanh_params({scale, 0}, {1.0f / 128, 0});
        REQUIRE(p.error == nullptr);
        int prev = -129;
        for (int q = -128; q <= 127; ++q) {
            const int got = reference::tanh_value(p, static_cast<std::int8_t>(q));
            const double x = static_cast<double>(scale) * q;
            const int ideal = clamp8(round_half_away(128.0 * std::tanh(x)));
            INFO("scale " << scale << " q " << q);
            CHECK(std::abs(got - ideal) <= 1);
            CHECK(got >= prev);
            if (q > -128 && got > -128 && got < 127)
                CHECK(reference::tanh_value(p, static_cast<std::int8_t>(-q)) == -got);
            prev = got;
        }
        CHECK(reference::tanh_value(p, 0) == 0);
    }
}

TEST_CASE("logistic/tanh params: constexpr, validated, fold at compile time",
          "[logistic][tanh]") {
    constexpr auto lp = reference::make_logistic_params({0.08f, 10}, {1.0f / 256, -128});
    static_assert(lp.error == nullptr);
    STATIC_REQUIRE(reference::logistic_value(lp, 10) == 0);  // sigmoid(0) = 1/2 → 128 − 128
    static_assert(reference::make_logistic_params({0.08f, 10}, {1.0f / 256, 0}).error != nullptr);
    constexpr auto tp = reference::make_tanh_params({0.05f, 20}, {1.0f / 128, 0});
    static_assert(tp.error == nullptr);
    STATIC_REQUIRE(reference::tanh_value(tp, 20) == 0);
    static_assert(reference::make_tanh_params({0.05f, 20}, {1.0f / 256, 0}).error != nullptr);
}

TEST_CASE("logistic/tanh float: match the float formulas", "[logistic][tanh]") {
    const float x[6] = {-20.0f, -9.5f, -1.0f, 0.0f, 2.5f, 17.0f};
    float y[6], t[6];
    reference::logistic(x, y, 6);
    reference::tanh(x, t, 6);
    CHECK(y[0] == std::exp(-20.0f));
    CHECK(y[3] == 0.5f);
    CHECK(y[5] == 1.0f);
    CHECK(y[4] == 1.0f / (1.0f + std::exp(-2.5f)));
    CHECK(t[2] == std::tanh(-1.0f));
}

TEST_CASE("logistic/tanh int8: compile-time tables equal the kernels", "[logistic][tanh]") {
    static constexpr auto lp = reference::make_logistic_params({0.08f, 10}, {1.0f / 256, -128});
    static constexpr auto tp = reference::make_tanh_params({0.05f, 20}, {1.0f / 128, 0});
    static constexpr auto lt = reference::make_logistic_table(lp);
    static constexpr auto tt = reference::make_tanh_table(tp);
    std::int8_t all[256], a[256], b[256];
    for (int k = 0; k < 256; ++k) all[k] = static_cast<std::int8_t>(k - 128);
    reference::logistic(lp, all, a, 256);
    reference::logistic(lt, all, b, 256);
    for (int k = 0; k < 256; ++k) CHECK(a[k] == b[k]);
    reference::tanh(tp, all, a, 256);
    reference::tanh(tt, all, b, 256);
    for (int k = 0; k < 256; ++k) CHECK(a[k] == b[k]);
}
