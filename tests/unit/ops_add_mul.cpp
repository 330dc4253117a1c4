// ADD, SUB and MUL reference kernels: bit-exact against TFLM, plus properties; Sub through the
// model API.
#include "mote/kernels/reference/add.hpp"
#include "mote/kernels/reference/mul.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <mote/mote.hpp>

#include "ops_support.hpp"

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

namespace {
// TFLite's QuantizeMultiplierSmallerThanOneExp with std::frexp and std::round, for a ratio in (0, 1).
quant::Multiplier frexp_multiplier(double real) {
    const mote_test::TfliteMultiplier m = mote_test::tflite_quantize_multiplier(real);
    return {m.multiplier, m.shift};
}

// TFLite SUB int8 (sub_common.cc + reference_ops::SubElementwise), written out: float32 ratios,
// each input rescaled, the second subtracted, then the output rescale.
std::int8_t tflite_sub(QuantParams in1, QuantParams in2, QuantParams out, std::int8_t a, std::int8_t b) {
    const float twice_max = 2 * std::max(in1.scale, in2.scale);
    const quant::Multiplier m1 = frexp_multiplier(static_cast<double>(in1.scale / twice_max));
    const quant::Multiplier m2 = frexp_multiplier(static_cast<double>(in2.scale / twice_max));
    const quant::Multiplier mo = frexp_multiplier(static_cast<double>(twice_max / ((1 << 20) * out.scale)));
    using quant::multiply_by_quantized_multiplier_smaller_than_one;
    const std::int32_t s1 = multiply_by_quantized_multiplier_smaller_than_one((a - in1.zero_point) * (1 << 20), m1);
    const std::int32_t s2 = multiply_by_quantized_multiplier_smaller_than_one((b - in2.zero_point) * (1 << 20), m2);
    const std::int32_t v = multiply_by_quantized_multiplier_smaller_than_one(s1 - s2, mo) + out.zero_point;
    return static_cast<std::int8_t>(std::min(127, std::max(-128, v)));
}
}  // namespace

TEST_CASE("sub int8: every input pair matches TFLite's SUB for a grid of quantizations", "[sub]") {
    const std::array<QuantParams, 4> ins{{{0.0949966535f, -120}, {0.0598537475f, 46}, {0.05f, 0}, {0.0123f, 127}}};
    int compared = 0;
    for (const QuantParams q1 : ins)
        for (const QuantParams q2 : ins) {
            const QuantParams out{std::max(q1.scale, q2.scale) * 1.7f, -13};
            const auto p = reference::make_sub_params(q1, q2, out);
            REQUIRE(p.error == nullptr);
            REQUIRE(p.subtract);
            for (int a = -128; a <= 127; ++a)
                for (int b = -128; b <= 127; b += 3) {
                    INFO("q1 " << q1.scale << " q2 " << q2.scale << " a " << a << " b " << b);
                    REQUIRE(reference::add_value(p, static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)) ==
                            tflite_sub(q1, q2, out, static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)));
                    ++compared;
                }
        }
    CHECK(compared == 16 * 256 * 86);
}

TEST_CASE("sub int8: float32 ratios, subtraction after the rescale, clamps", "[sub]") {
    constexpr QuantParams q1{0.0949966535f, -120}, q2{0.0598537475f, 46}, qo{0.0212968141f, 50};
    constexpr auto ps = reference::make_sub_params(q1, q2, qo);
    constexpr auto pa = reference::make_add_params(q1, q2, qo);
    static_assert(ps.error == nullptr && pa.error == nullptr);
    // SUB's float32 quotients give other multipliers than ADD's double ones.
    CHECK(ps.input2 == frexp_multiplier(static_cast<double>(q2.scale / (2 * q1.scale))));
    CHECK(ps.output == frexp_multiplier(static_cast<double>(2 * q1.scale / ((1 << 20) * qo.scale))));
    CHECK(!(ps.input2 == pa.input2));
    CHECK(!(ps.output == pa.output));
    // A rounding tie in the second input's high multiply: rescaling −(b − zp) instead of
    // subtracting the rescaled (b − zp) would give 16 here.
    STATIC_REQUIRE(reference::add_value(ps, -83, 117) == 15);
    // zp − zp = 0 → zp_out; a − a with one quantization is zp_out too; extremes saturate.
    STATIC_REQUIRE(reference::add_value(ps, -120, 46) == 50);
    constexpr auto same = reference::make_sub_params({0.05f, 3}, {0.05f, 3}, {0.1f, -7});
    for (int a = -128; a <= 127; ++a)
        CHECK(reference::add_value(same, static_cast<std::int8_t>(a), static_cast<std::int8_t>(a)) == -7);
    STATIC_REQUIRE(reference::add_value(ps, 127, -128) == 127);
    STATIC_REQUIRE(reference::add_value(ps, -128, 127) == -128);
    constexpr auto relu = reference::make_sub_params({0.05f, 3}, {0.05f, 3}, {0.1f, -7}, Activation::relu);
    STATIC_REQUIRE(reference::add_value(relu, -100, 100) == -7);
    static_assert(reference::make_sub_params({1.0f, 0}, {1.0f, 0}, {1e-7f, 0}).error != nullptr);
    static_assert(reference::make_sub_params({1.0f, 0}, {1.0f, 300}, {1.0f, 0}).error != nullptr);
}

TEST_CASE("sub float: a − b, clamped", "[sub]") {
    const float a[4] = {1.0f, -2.0f, 10.0f, 0.25f};
    const float b[4] = {3.0f, -2.5f, 1.0f, 0.25f};
    float y[4];
    reference::sub(quant::activation_range_float(Activation::relu6), a, b, y, 4);
    CHECK(y[0] == 0.0f);
    CHECK(y[1] == 0.5f);
    CHECK(y[2] == 6.0f);
    CHECK(y[3] == 0.0f);
}

namespace {
inline constexpr QuantParams sub_a_q{0.0949966535f, -120};
inline constexpr QuantParams sub_b_q{0.0598537475f, 46};
inline constexpr QuantParams sub_out_q{0.0212968141f, 50};
using SubNet = Sequential<Inputs<Input<Shape{3, 1, 7}, sub_a_q>, Input<Shape{3, 1, 7}, sub_b_q>>,
                          Sub<Activation::none, sub_out_q>>;
using FloatSubNet = Sequential<Inputs<Input<Shape{2, 2, 2}, float32>, Input<Shape{2, 2, 2}, float32>>,
                               Sub<Activation::relu>>;
}  // namespace

TEST_CASE("Sub layer: input 0 minus input 1, int8 and float", "[sub]") {
    STATIC_REQUIRE(SubNet::output::quant == sub_out_q);
    std::array<std::int8_t, 21> a{}, b{};
    for (std::size_t i = 0; i < a.size(); ++i) {
        a[i] = static_cast<std::int8_t>(static_cast<int>(i) * 12 - 128);
        b[i] = static_cast<std::int8_t>(100 - static_cast<int>(i) * 11);
    }
    static SubNet::Arena arena;
    const std::int8_t* y = SubNet::run(arena, a.data(), b.data());
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(y[i] == tflite_sub(sub_a_q, sub_b_q, sub_out_q, a[i], b[i]));

    const float fa[8] = {1, 2, 3, 4, 5, 6, 7, 8}, fb[8] = {2, 2, 2, 2, 9, 1, 0, -1};
    static FloatSubNet::Arena farena;
    const float* g = FloatSubNet::run(farena, fa, fb);
    for (int i = 0; i < 8; ++i) REQUIRE(g[i] == std::max(0.0f, fa[i] - fb[i]));
}
