#pragma once
// gemmlowp-equivalent 32-bit fixed-point arithmetic, as TFLite's integer Softmax, Logistic and
// Tanh use it. Everything is constexpr, so lookup tables can be folded at compile time.
//
// FixedPoint<I> holds a raw int32 r meaning r / 2^(31 − I): I integer bits, 31 − I fractional
// bits, range [−2^I, 2^I). Products add the integer bits (one saturating rounding doubling high
// multiply); Rescale changes the integer bits with a saturating left shift or a rounding right
// shift. Addition and subtraction are plain 32-bit (gemmlowp does not saturate them for int32;
// we wrap instead of invoking undefined behaviour, which is what the reference build does too).
//
// The polynomial and Newton–Raphson constants are the fixed-point encodings of exp(−1/8), 1/3,
// 48/17, −32/17 and exp(−2^k) for k = −2..4; the algorithms are gemmlowp's (exp on [−1/4, 0) by
// a 4th-order Taylor expansion around −1/8, then a barrel shifter over the remaining bits).
#include <bit>
#include <cstdint>
#include <limits>

#include "mote/quant/requantize.hpp"

namespace mote::quant {

namespace fp_detail {
constexpr std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
constexpr std::int32_t wrap_sub(std::int32_t a, std::int32_t b) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}
constexpr std::int32_t wrap_neg(std::int32_t a) {
    return static_cast<std::int32_t>(0u - static_cast<std::uint32_t>(a));
}
}  // namespace fp_detail

// x · 2^Exponent: saturating for Exponent > 0, rounding to nearest (ties away from zero) for < 0.
template <int Exponent>
constexpr std::int32_t saturating_rounding_multiply_by_pot(std::int32_t x) {
    static_assert(Exponent > -32 && Exponent < 32);
    if constexpr (Exponent == 0) {
        return x;
    } else if constexpr (Exponent < 0) {
        return rounding_divide_by_pot(x, -Exponent);
    } else {
        constexpr std::int32_t threshold = static_cast<std::int32_t>((1LL << (31 - Exponent)) - 1);
        if (x > threshold) return std::numeric_limits<std::int32_t>::max();
        if (x < -threshold) return std::numeric_limits<std::int32_t>::min();
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << Exponent);
    }
}

// (a + b) / 2 rounded to nearest, ties away from zero (VRHADD).
constexpr std::int32_t rounding_half_sum(std::int32_t a, std::int32_t b) {
    const std::int64_t sum = static_cast<std::int64_t>(a) + static_cast<std::int64_t>(b);
    const std::int64_t sign = sum >= 0 ? 1 : -1;
    return static_cast<std::int32_t>((sum + sign) / 2);
}

template <int IntegerBits>
struct FixedPoint {
    static_assert(IntegerBits >= 0 && IntegerBits < 32, "FixedPoint: 0..31 integer bits");
    static constexpr int integer_bits = IntegerBits;
    static constexpr int fractional_bits = 31 - IntegerBits;

    std::int32_t raw = 0;

    static constexpr FixedPoint from_raw(std::int32_t r) { return FixedPoint{r}; }
    static constexpr FixedPoint zero() { return FixedPoint{0}; }
    // With no integer bits, 1 is not representable: One() is the largest value, 1 − 2^−31.
    static constexpr FixedPoint one() {
        return FixedPoint{IntegerBits == 0 ? std::numeric_limits<std::int32_t>::max()
                                           : static_cast<std::int32_t>(1) << fractional_bits};
    }
    template <int Exponent>
    static constexpr FixedPoint constant_pot() {
        static_assert(fractional_bits + Exponent >= 0 && fractional_bits + Exponent < 31,
                      "constant not exactly representable in this format");
        return FixedPoint{static_cast<std::int32_t>(1) << (fractional_bits + Exponent)};
    }

    friend constexpr FixedPoint operator+(FixedPoint a, FixedPoint b) {
        return FixedPoint{fp_detail::wrap_add(a.raw, b.raw)};
    }
    friend constexpr FixedPoint operator-(FixedPoint a, FixedPoint b) {
        return FixedPoint{fp_detail::wrap_sub(a.raw, b.raw)};
    }
    friend constexpr FixedPoint operator-(FixedPoint a) { return FixedPoint{fp_detail::wrap_neg(a.raw)}; }
    friend constexpr FixedPoint operator&(FixedPoint a, FixedPoint b) { return FixedPoint{a.raw & b.raw}; }
    friend constexpr bool operator==(FixedPoint, FixedPoint) = default;
};

// Product: the integer bits add up (one saturating rounding doubling high multiply).
template <int A, int B>
constexpr FixedPoint<A + B> operator*(FixedPoint<A> a, FixedPoint<B> b) {
    return FixedPoint<A + B>::from_raw(saturating_rounding_doubling_high_mul(a.raw, b.raw));
}

// Exact multiplication by 2^Exponent: same raw value, reinterpreted.
template <int Exponent, int B>
constexpr FixedPoint<B + Exponent> exact_mul_by_pot(FixedPoint<B> a) {
    return FixedPoint<B + Exponent>::from_raw(a.raw);
}

// Multiplication by 2^Exponent keeping the format: saturating / rounding.
template <int Exponent, int B>
constexpr FixedPoint<B> saturating_rounding_multiply_by_pot(FixedPoint<B> a) {
    return FixedPoint<B>::from_raw(saturating_rounding_multiply_by_pot<Exponent>(a.raw));
}

// Change of format (the represented value is kept, saturating or rounding as needed).
template <int Dst, int Src>
constexpr FixedPoint<Dst> rescale(FixedPoint<Src> x) {
    return FixedPoint<Dst>::from_raw(saturating_rounding_multiply_by_pot<Src - Dst>(x.raw));
}

template <int B>
constexpr FixedPoint<B> rounding_half_sum(FixedPoint<B> a, FixedPoint<B> b) {
    return FixedPoint<B>::from_raw(rounding_half_sum(a.raw, b.raw));
}

// exp(a) for a in [−1/4, 0).
constexpr FixedPoint<0> exp_on_interval_between_negative_one_quarter_and_0_excl(FixedPoint<0> a) {
    using F = FixedPoint<0>;
    constexpr F constant_term = F::from_raw(1895147668);  // exp(−1/8)
    constexpr F constant_1_over_3 = F::from_raw(715827883);
    const F x = a + F::constant_pot<-3>();  // expand around −1/8
    const F x2 = x * x;
    const F x3 = x2 * x;
    const F x4 = x2 * x2;
    const F x4_over_4 = saturating_rounding_multiply_by_pot<-2>(x4);
    const F x4_over_24_plus_x3_over_6_plus_x2_over_2 =
        saturating_rounding_multiply_by_pot<-1>(((x4_over_4 + x3) * constant_1_over_3) + x2);
    return constant_term + constant_term * (x + x4_over_24_plus_x3_over_6_plus_x2_over_2);
}

// exp(a) for a ≤ 0 (exp(0) gives One(), i.e. 1 − 2^−31).
template <int B>
constexpr FixedPoint<0> exp_on_negative_values(FixedPoint<B> a) {
    using InF = FixedPoint<B>;
    using OutF = FixedPoint<0>;
    constexpr int frac = InF::fractional_bits;
    const InF one_quarter = InF::template constant_pot<-2>();
    const InF mask = InF::from_raw(one_quarter.raw - 1);
    const InF a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
    OutF result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale<0>(a_mod_quarter_minus_one_quarter));
    const std::int32_t remainder = (a_mod_quarter_minus_one_quarter - a).raw;

    // Multiply in exp(−2^k) for every bit k of the remaining (negated) whole quarters.
    constexpr std::int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                             39332535,   720401,     242};
    for (int k = -2; k <= 4; ++k) {
        if (B > k) {
            const int shift = frac + k;
            if (remainder & (static_cast<std::int32_t>(1) << shift))
                result = result * OutF::from_raw(multipliers[k + 2]);
        }
    }
    if constexpr (B > 5) {
        // Below −32 the result is exactly zero.
        const InF clamp = InF::from_raw(-(static_cast<std::int32_t>(1) << (36 - B)));
        if (a.raw < clamp.raw) result = OutF::zero();
    }
    if (a.raw == 0) result = OutF::one();
    return result;
}

// 1 / (1 + a) for a in [0, 1), by three Newton–Raphson steps in Q2.29.
constexpr FixedPoint<0> one_over_one_plus_x_for_x_in_0_1(FixedPoint<0> a) {
    using F0 = FixedPoint<0>;
    using F2 = FixedPoint<2>;
    const F0 half_denominator = rounding_half_sum(a, F0::one());
    constexpr F2 constant_48_over_17 = F2::from_raw(1515870810);
    constexpr F2 constant_neg_32_over_17 = F2::from_raw(-1010580540);
    F2 x = constant_48_over_17 + half_denominator * constant_neg_32_over_17;
    for (int i = 0; i < 3; ++i) {
        const F2 half_denominator_times_x = half_denominator * x;
        const F2 one_minus_half_denominator_times_x = F2::one() - half_denominator_times_x;
        x = x + rescale<2>(x * one_minus_half_denominator_times_x);
    }
    return rescale<0>(exact_mul_by_pot<-1>(x));
}

// (1 − a) / (1 + a) for a in [0, 1).
constexpr FixedPoint<0> one_minus_x_over_one_plus_x_for_x_in_0_1(FixedPoint<0> a) {
    using F0 = FixedPoint<0>;
    using F2 = FixedPoint<2>;
    const F0 half_denominator = rounding_half_sum(a, F0::one());
    constexpr F2 constant_48_over_17 = F2::from_raw(1515870810);
    constexpr F2 constant_neg_32_over_17 = F2::from_raw(-1010580540);
    F2 x = constant_48_over_17 + half_denominator * constant_neg_32_over_17;
    for (int i = 0; i < 3; ++i) {
        const F2 half_denominator_times_x = half_denominator * x;
        const F2 one_minus_half_denominator_times_x = F2::one() - half_denominator_times_x;
        x = x + rescale<2>(x * one_minus_half_denominator_times_x);
    }
    return rescale<0>(x - F2::one());
}

// 1 / (1 + exp(−a)) for any a.
template <int B>
constexpr FixedPoint<0> logistic(FixedPoint<B> a) {
    using InF = FixedPoint<B>;
    using OutF = FixedPoint<0>;
    if (a.raw == 0) return OutF::from_raw(static_cast<std::int32_t>(1) << 30);  // 1/2
    const bool positive = a.raw > 0;
    const InF abs_input = positive ? a : -a;
    const OutF result_if_positive = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-abs_input));
    return positive ? result_if_positive : OutF::one() - result_if_positive;
}

// tanh(a) for any a: (1 − exp(−2|a|)) / (1 + exp(−2|a|)), sign restored.
template <int B>
constexpr FixedPoint<0> tanh(FixedPoint<B> a) {
    using InF = FixedPoint<B>;
    using OutF = FixedPoint<0>;
    if (a.raw == 0) return OutF::zero();
    const bool negative = a.raw < 0;
    const InF n = negative ? a : -a;  // n ≤ 0
    // exp(2n): doubling by reinterpretation (one more integer bit), so it cannot overflow.
    const OutF t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(exact_mul_by_pot<1>(n)));
    return negative ? -t : t;
}

// TFLite GetReciprocal: 1/x for a positive Q(x_integer_digits) value x, returned as a Q0.31
// scale plus the number of bits by which x exceeds 1 (so 1/x = scale · 2^−num_bits_over_unit).
struct Reciprocal {
    std::int32_t scale;          // Q0.31
    int num_bits_over_unit;
};
constexpr Reciprocal get_reciprocal(std::int32_t x, int x_integer_digits) {
    const int headroom_plus_one = std::countl_zero(static_cast<std::uint32_t>(x));
    const std::int32_t shifted_minus_one = static_cast<std::int32_t>(
        (static_cast<std::uint32_t>(x) << headroom_plus_one) - (static_cast<std::uint32_t>(1) << 31));
    return {one_over_one_plus_x_for_x_in_0_1(FixedPoint<0>::from_raw(shifted_minus_one)).raw,
            x_integer_digits - headroom_plus_one};
}

}  // namespace mote::quant
