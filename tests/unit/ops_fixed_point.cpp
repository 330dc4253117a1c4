// gemmlowp-equivalent fixed point (mote/quant/fixed_point.hpp) and the multiplier helpers:
// accuracy against <cmath>, edge cases, and constant evaluation.
#include "mote/quant/fixed_point.hpp"
#include "mote/quant/mean_multiplier.hpp"
#include "mote/quant/multiplier_range.hpp"

#include <cmath>

#include "ops_check.hpp"

using namespace mote::quant;

namespace {
double to_double(std::int32_t raw, int integer_bits) { return std::ldexp(static_cast<double>(raw), integer_bits - 31); }
}  // namespace

TEST_CASE("fixed point: primitives", "[fixed_point]") {
    STATIC_REQUIRE(saturating_rounding_multiply_by_pot<2>(1 << 28) == 1 << 30);
    STATIC_REQUIRE(saturating_rounding_multiply_by_pot<2>(1 << 29) == INT32_MAX);
    STATIC_REQUIRE(saturating_rounding_multiply_by_pot<2>(-(1 << 29)) == INT32_MIN);
    STATIC_REQUIRE(saturating_rounding_multiply_by_pot<-1>(3) == 2);
    STATIC_REQUIRE(saturating_rounding_multiply_by_pot<-1>(-3) == -2);
    STATIC_REQUIRE(rounding_half_sum(1, 2) == 2);
    STATIC_REQUIRE(rounding_half_sum(-1, -2) == -2);
    STATIC_REQUIRE(FixedPoint<0>::one().raw == INT32_MAX);
    STATIC_REQUIRE(FixedPoint<5>::one().raw == 1 << 26);
    STATIC_REQUIRE((FixedPoint<2>::from_raw(1 << 29) * FixedPoint<3>::from_raw(1 << 28)).raw == 1 << 26);
    STATIC_REQUIRE(rescale<0>(FixedPoint<5>::from_raw(-(1 << 24))).raw == -(1 << 29));
}

// gemmlowp evaluates exp on [-1/4, 0) with a 4th-order Taylor polynomial around -1/8: the
// truncation error (1/8)^5/120 is about 2.5e-7, far below the 2^-8 output LSB of the int8 ops.
TEST_CASE("fixed point: exp_on_negative_values tracks exp over [-16, 0]", "[fixed_point]") {
    STATIC_REQUIRE(exp_on_negative_values(FixedPoint<5>::zero()).raw == INT32_MAX);
    for (int k = 0; k <= 4096; ++k) {
        const double x = -16.0 * k / 4096.0;
        const auto a = FixedPoint<5>::from_raw(static_cast<std::int32_t>(std::lround(std::ldexp(x, 26))));
        const double got = to_double(exp_on_negative_values(a).raw, 0);
        INFO("x = " << x);
        CHECK(std::fabs(got - std::exp(to_double(a.raw, 5))) < 3e-7);
    }
}

TEST_CASE("fixed point: logistic and tanh track <cmath>", "[fixed_point]") {
    for (int k = -2000; k <= 2000; ++k) {
        const double x = k / 128.0;  // [-15.6, 15.6]
        const auto a = FixedPoint<4>::from_raw(static_cast<std::int32_t>(std::lround(std::ldexp(x, 27))));
        INFO("x = " << x);
        CHECK(std::fabs(to_double(logistic(a).raw, 0) - 1.0 / (1.0 + std::exp(-x))) < 3e-7);
        CHECK(std::fabs(to_double(mote::quant::tanh(a).raw, 0) - std::tanh(x)) < 6e-7);
    }
    STATIC_REQUIRE(logistic(FixedPoint<4>::zero()).raw == 1 << 30);
    STATIC_REQUIRE(mote::quant::tanh(FixedPoint<4>::zero()).raw == 0);
}

TEST_CASE("fixed point: 1/(1+x) and the softmax reciprocal", "[fixed_point]") {
    for (int k = 0; k < 1000; ++k) {
        const double x = k / 1000.0;
        const auto a = FixedPoint<0>::from_raw(static_cast<std::int32_t>(std::lround(std::ldexp(x, 31))));
        CHECK(std::fabs(to_double(one_over_one_plus_x_for_x_in_0_1(a).raw, 0) - 1.0 / (1.0 + x)) < 1e-8);
        CHECK(std::fabs(to_double(one_minus_x_over_one_plus_x_for_x_in_0_1(a).raw, 0) - (1.0 - x) / (1.0 + x)) < 1e-8);
    }
    // 5.0 in Q12.19: 1/5 = 0.8 · 2^−2.
    constexpr Reciprocal r = get_reciprocal(5 << 19, 12);
    STATIC_REQUIRE(r.num_bits_over_unit == 2);
    CHECK(std::fabs(to_double(r.scale, 0) - 0.8) < 1e-8);
}

TEST_CASE("multiplier helpers: ranges, radius, mean folding", "[fixed_point]") {
    STATIC_REQUIRE(quantize_multiplier_smaller_than_one(0.5).valid);
    STATIC_REQUIRE(!quantize_multiplier_smaller_than_one(1.0).valid);
    STATIC_REQUIRE(quantize_multiplier_greater_than_one(3.0).m.exponent == 2);
    STATIC_REQUIRE(!quantize_multiplier_greater_than_one(0.9).valid);
    STATIC_REQUIRE(input_radius(4, 24) == 15 * 8);            // 15 · 2^27 / 2^24
    STATIC_REQUIRE(input_radius(5, 20) == (31 << 26) >> 20);
    STATIC_REQUIRE(multiply_by_quantized_multiplier_greater_than_one(3, {1 << 30, 2}) == 6);
    STATIC_REQUIRE(multiply_by_quantized_multiplier_smaller_than_one(100, {1 << 30, -2}) == 13);  // 12.5 → 13
    constexpr Multiplier folded = fold_mean_count({1 << 30, 1}, 16);  // 1.0 / 16
    STATIC_REQUIRE(folded.multiplier == 1 << 30);
    STATIC_REQUIRE(folded.exponent == -3);
    constexpr Multiplier folded63 = fold_mean_count({1 << 30, 0}, 63);  // shift capped at 5
    STATIC_REQUIRE(folded63.exponent == -5);
    STATIC_REQUIRE(folded63.multiplier == static_cast<std::int32_t>((std::int64_t{1} << 35) / 63));
}
