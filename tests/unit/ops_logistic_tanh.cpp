// LOGISTIC and TANH reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/lookup.hpp"
#include "mote/layers/hard_swish.hpp"
#include "mote/layers/leaky_relu.hpp"
#include "mote/layers/logistic_tanh.hpp"
#include "mote/kernels/reference/logistic.hpp"
#include "mote/kernels/reference/tanh.hpp"

#include <cmath>
#include <string_view>
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
            const std::int8_t* x = as_int8(s.input);
            for (int i = 0; i < n; ++i) got[static_cast<std::size_t>(i)] = reference::logistic_value(p, x[i]);
            check_int8_output(s, got);
            const auto table = kernels::int8_table<std::int8_t>([&](std::int8_t q) { return reference::logistic_value(p, q); });
            kernels::lookup(table, x, got.data(), n);
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
            const std::int8_t* x = as_int8(s.input);
            for (int i = 0; i < n; ++i) got[static_cast<std::size_t>(i)] = reference::tanh_value(p, x[i]);
            check_int8_output(s, got);
            const auto table = kernels::int8_table<std::int8_t>([&](std::int8_t q) { return reference::tanh_value(p, q); });
            kernels::lookup(table, x, got.data(), n);
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

namespace elementwise {
using namespace mote;
inline constexpr QuantParams in_q{0.08f, 10};
inline constexpr QuantParams out_q{0.05f, -7};
inline constexpr LeakyReluParams leaky{0.15f};
using In = Tensor<Shape{1, 1, 256}, std::int8_t, scale_bits(in_q), 10>;

// Runs layer L over every int8 value and compares each byte with the scalar function.
template <class L, class ValueOf>
void check_every_value(ValueOf value_of) {
    INFO(L::name << " (" << L::kernel << ")");
    CHECK(std::string_view(L::kernel) == (config::reference_kernels ? "reference" : "lookup table"));
    std::int8_t all[256], got[256];
    for (int k = 0; k < 256; ++k) all[k] = static_cast<std::int8_t>(k - 128);
    L::run(all, got, nullptr);
    for (int k = 0; k < 256; ++k) {
        INFO("input " << k - 128);
        REQUIRE(got[k] == value_of(all[k]));
    }
}
}  // namespace elementwise

TEST_CASE("int8 element-wise layers: every input byte maps as the reference function does",
          "[logistic][tanh][activation]") {
    using namespace elementwise;
    using Lg = Logistic::bind<In, -1>;
    using Th = Tanh::bind<In, -1>;
    using Re = ReLU<out_q>::bind<In, -1>;
    using Lk = LeakyRelu<leaky, out_q>::bind<In, -1>;
    using Hs = HardSwish<out_q>::bind<In, -1>;
    check_every_value<Lg>([](std::int8_t q) { return reference::logistic_value(Lg::params, q); });
    check_every_value<Th>([](std::int8_t q) { return reference::tanh_value(Th::params, q); });
    check_every_value<Re>([](std::int8_t q) { return reference::relu_value(Re::params, q); });
    check_every_value<Lk>([](std::int8_t q) { return reference::leaky_relu_value(Lk::params, q); });
    check_every_value<Hs>([](std::int8_t q) { return reference::hard_swish_value(Hs::params, q); });
    CHECK(Lk::weight_bytes == (config::reference_kernels ? 0u : 256u));
}
