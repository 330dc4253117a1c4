// ADD and MUL reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/add.hpp"
#include "mote/kernels/reference/mul.hpp"

#include <string>
#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

namespace {
Activation activation_of(const Json& c) {
    const std::string& a = c.at("params").at("fused_activation").string;
    return a == "RELU" ? Activation::relu : a == "RELU6" ? Activation::relu6 : Activation::none;
}

template <class IntKernel, class FloatKernel>
void run_binary_golden(const char* op, std::size_t expected_cases, IntKernel int_kernel,
                       FloatKernel float_kernel) {
    const auto cases = cases_for_op(op);
    CHECK(cases.size() == expected_cases);
    for (const Json* c : cases) {
        const Json& in1 = c->at("inputs").at(0);
        const Json& in2 = c->at("inputs").at(1);
        const Json& out = c->at("outputs").at(0);
        const int n = elements_of(out);
        REQUIRE(elements_of(in1) == n);
        REQUIRE(elements_of(in2) == n);
        const Activation act = activation_of(*c);
        for (const Sample& s : samples_of(*c)) {
            if (is_int8(in1)) {
                std::vector<std::int8_t> got(static_cast<std::size_t>(n));
                int_kernel(quant_of(in1), quant_of(in2), quant_of(out), act,
                           as_int8(s.input, input_offset(*c, 0)), as_int8(s.input, input_offset(*c, 1)),
                           got.data(), n);
                check_int8_output(s, got);
            } else {
                const auto a = as_floats(s.input, input_offset(*c, 0), static_cast<std::size_t>(n));
                const auto b = as_floats(s.input, input_offset(*c, 1), static_cast<std::size_t>(n));
                std::vector<float> got(static_cast<std::size_t>(n));
                float_kernel(quant::activation_range_float(act), a.data(), b.data(), got.data(), n);
                check_float_output(s, got, 0.0);  // one float32 op per element: exact
            }
        }
    }
}
}  // namespace

TEST_CASE("add golden: every case and sample matches TFLM", "[golden][add]") {
    MOTE_REQUIRE_OPS_DATA();
    run_binary_golden(
        "ADD", 5,
        [](QuantParams q1, QuantParams q2, QuantParams qo, Activation act, const std::int8_t* a,
           const std::int8_t* b, std::int8_t* o, int n) {
            const auto p = reference::make_add_params(q1, q2, qo, act);
            REQUIRE(p.error == nullptr);
            reference::add(p, a, b, o, n);
        },
        [](quant::FloatRange r, const float* a, const float* b, float* o, int n) {
            reference::add(r, a, b, o, n);
        });
}

TEST_CASE("mul golden: every case and sample matches TFLM", "[golden][mul]") {
    MOTE_REQUIRE_OPS_DATA();
    run_binary_golden(
        "MUL", 1,
        [](QuantParams q1, QuantParams q2, QuantParams qo, Activation act, const std::int8_t* a,
           const std::int8_t* b, std::int8_t* o, int n) {
            const auto p = reference::make_mul_params(q1, q2, qo, act);
            REQUIRE(p.error == nullptr);
            reference::mul(p, a, b, o, n);
        },
        [](quant::FloatRange r, const float* a, const float* b, float* o, int n) {
            reference::mul(r, a, b, o, n);
        });
}

TEST_CASE("add int8: symmetric when both inputs share parameters", "[add]") {
    const auto p = reference::make_add_params({0.0625f, 12}, {0.0625f, 12}, {0.119118f, 10});
    REQUIRE(p.error == nullptr);
    CHECK(p.input1 == p.input2);
    for (int a = -128; a <= 127; a += 3)
        for (int b = -128; b <= 127; b += 5)
            CHECK(reference::add_value(p, static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)) ==
                  reference::add_value(p, static_cast<std::int8_t>(b), static_cast<std::int8_t>(a)));
}

TEST_CASE("add int8: zero points are the identity, extremes saturate", "[add]") {
    const auto p = reference::make_add_params({0.05f, -3}, {0.11f, 17}, {0.05f, 4});
    REQUIRE(p.error == nullptr);
    CHECK(reference::add_value(p, -3, 17) == 4);           // 0 + 0 = 0 → zp_out
    CHECK(reference::add_value(p, 127, 127) == 127);       // ≈ 6.5 + 12.1 ≫ range
    CHECK(reference::add_value(p, -128, -128) == -128);
    // x + 0 with equal input/output scale returns x (shifted by the zero points).
    for (int a = -128; a <= 127; ++a) {
        const int expect = a + 3 + 4;
        CHECK(static_cast<int>(reference::add_value(p, static_cast<std::int8_t>(a), 17)) ==
              (expect > 127 ? 127 : expect));
    }
}

TEST_CASE("add/mul int8: fused RELU clamps at the output zero point", "[add][mul]") {
    const auto pa = reference::make_add_params({0.1f, 0}, {0.1f, 0}, {0.2f, -20}, Activation::relu);
    REQUIRE(pa.clamp.min == -20);
    CHECK(reference::add_value(pa, -100, -100) == -20);
    const auto pm = reference::make_mul_params({0.1f, 0}, {0.1f, 0}, {0.05f, -20}, Activation::relu6);
    REQUIRE(pm.clamp.min == -20);
    REQUIRE(pm.clamp.max == 100);  // −20 + round(6 / 0.05)
    CHECK(reference::mul_value(pm, -50, 50) == -20);
    CHECK(reference::mul_value(pm, 100, 100) == 100);
}

TEST_CASE("mul int8: multiplying by one is requantization, sign rules hold", "[mul]") {
    // in2 = 1.0 exactly (scale 1/64, q = 64 + zp); output scale equals in1's.
    const auto p = reference::make_mul_params({0.04f, 9}, {1.0f / 64, -33}, {0.04f, 9});
    REQUIRE(p.error == nullptr);
    for (int a = -128; a <= 127; ++a)
        CHECK(static_cast<int>(reference::mul_value(p, static_cast<std::int8_t>(a), 31)) == a);
    const auto q = reference::make_mul_params({0.04f, 0}, {0.07f, 0}, {0.1f, 0});
    CHECK(reference::mul_value(q, 50, -40) == -reference::mul_value(q, 50, 40));
}

TEST_CASE("add/mul params are constexpr", "[add][mul]") {
    constexpr auto pa = reference::make_add_params({0.05f, -3}, {0.11f, 17}, {0.153412f, 11});
    static_assert(pa.error == nullptr && pa.input2.exponent == 0 && pa.output.exponent <= 0);
    STATIC_REQUIRE(reference::add_value(pa, -3, 17) == 11);
    constexpr auto pm = reference::make_mul_params({0.04f, 9}, {0.07f, -33}, {0.40824f, 3});
    static_assert(pm.error == nullptr);
    STATIC_REQUIRE(reference::mul_value(pm, 9, 0) == 3);
    // An output scale too small for ADD's fixed left shift is rejected, not miscomputed.
    static_assert(reference::make_add_params({1.0f, 0}, {1.0f, 0}, {1e-7f, 0}).error != nullptr);
}
