// QUANTIZE (float→int8, int8→int8) and DEQUANTIZE reference kernels: bit-exact against TFLM.
#include "mote/kernels/reference/quantize.hpp"

#include <cmath>
#include <cstring>
#include <vector>

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
