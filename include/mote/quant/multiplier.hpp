#pragma once
// Real-valued scale ratio -> (int32 multiplier, power-of-two exponent), as TFLite's
// QuantizeMultiplier derives it, usable in constant expressions.
#include <cstdint>

namespace mote::quant {

// real ≈ multiplier · 2^(exponent − 31), multiplier in [2^30, 2^31) (or 0).
struct Multiplier {
    std::int32_t multiplier = 0;
    int exponent = 0;  // > 0: shift left before the high multiply; < 0: round-shift right after
    friend constexpr bool operator==(const Multiplier&, const Multiplier&) = default;
};

// frexp for finite doubles, exact (scaling by 2 never rounds): x = m · 2^e, |m| in [0.5, 1).
struct Frexp {
    double mantissa;
    int exponent;
};
constexpr Frexp frexp(double x) {
    if (x == 0.0 || x != x) return {x, 0};
    int e = 0;
    double m = x < 0 ? -x : x;
    while (m >= 1.0) { m *= 0.5; ++e; }
    while (m < 0.5) { m *= 2.0; --e; }
    return {x < 0 ? -m : m, e};
}

// std::round for values well inside the int64 range: halves away from zero.
constexpr std::int64_t round_half_away(double x) {
    return x >= 0 ? static_cast<std::int64_t>(x + 0.5) : -static_cast<std::int64_t>(-x + 0.5);
}

// TFLite QuantizeMultiplier, including its edge cases: a rounded mantissa of exactly 2^31 is
// halved with the exponent bumped, and exponents below −31 flush the multiplier to zero.
constexpr Multiplier quantize_multiplier(double real) {
    if (real == 0.0) return {0, 0};
    const Frexp f = frexp(real);
    std::int64_t q = round_half_away(f.mantissa * static_cast<double>(1LL << 31));
    int exponent = f.exponent;
    if (q == (1LL << 31)) {
        q /= 2;
        ++exponent;
    }
    if (exponent < -31) return {0, 0};
    return {static_cast<std::int32_t>(q), exponent};
}

}  // namespace mote::quant
