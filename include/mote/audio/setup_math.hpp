#pragma once
// The maths TFLite Micro's microfrontend calls while it sets up its tables (cos, sin, log1p, pow,
// floor), as constant expressions: the front end's tables are computed by the compiler and
// never depend on a device's libm. Not for run time (the front end runs in fixed point).
//
// The double functions (fdlibm's argument reductions, series summed small terms first) are
// within about one unit in the last place of the exact value (pow: 2^-47 relative). Rounded
// once to float they give the correctly rounded cosf and powf. The reference tables came from
// glibc 2.36: its powf agreed with that on every LUT argument; its cosf is 1 ulp off for 8 of
// the 480 window arguments, none of which moves a Q12 coefficient. Its log1pf is Sun's fdlibm
// algorithm computed in float, and a correctly rounded log1pf moves 2 of the 316 filterbank
// weights (and with them features), so `log1pf` here is that algorithm, operation for
// operation: constant evaluation rounds each float operation as the library's code does.
#include <bit>
#include <cstdint>

namespace mote::audio::setup_math {

// floor(x) for |x| < 2^62.
constexpr double floor(double x) {
    const double t = static_cast<double>(static_cast<std::int64_t>(x));
    return t > x ? t - 1.0 : t;
}
constexpr float floor(float x) {
    const float t = static_cast<float>(static_cast<std::int64_t>(x));
    return t > x ? t - 1.0f : t;
}

// 2^e for −1022 <= e <= 1023.
constexpr double pow2(int e) {
    return std::bit_cast<double>(static_cast<std::uint64_t>(e + 1023) << 52);
}

namespace detail {

// ln 2 as hi + lo; hi has 32 significant bits, so k·hi is exact for |k| < 2^21 (fdlibm's split).
inline constexpr double ln2_hi = 6.93147180369123816490e-01;
inline constexpr double ln2_lo = 1.90821492927058770002e-10;

// π/2 as hi + lo; hi has 33 significant bits, so k·hi is exact for |k| < 2^20 (fdlibm's split).
inline constexpr double half_pi_hi = 1.57079632673412561417e+00;
inline constexpr double half_pi_lo = 6.07710050650619224932e-11;

constexpr double inverse_factorial(int n) {
    double f = 1.0;
    for (int i = 2; i <= n; ++i) f *= static_cast<double>(i);
    return 1.0 / f;
}

// sin and cos of r + tail on |r| <= π/4 + ε, |tail| <= ulp(r): the leading terms as fdlibm's
// kernels arrange them (the remainder series by Horner, the tail to first order).
constexpr double sin_kernel(double r, double tail) {
    const double z = r * r;
    const double v = z * r;
    double p = 0.0;  // Σ_{n>=2} (−1)^n z^(n−2) / (2n+1)!
    for (int n = 12; n >= 2; --n) p = p * z + (n % 2 == 0 ? 1.0 : -1.0) * inverse_factorial(2 * n + 1);
    return r - ((z * (0.5 * tail - v * p) - tail) + v * (1.0 / 6.0));
}
constexpr double cos_kernel(double r, double tail) {
    const double z = r * r;
    double p = 0.0;  // Σ_{n>=2} (−1)^n z^(n−1) / (2n)!
    for (int n = 12; n >= 2; --n) p = p * z + (n % 2 == 0 ? 1.0 : -1.0) * inverse_factorial(2 * n);
    p *= z;
    const double hz = 0.5 * z;
    const double w = 1.0 - hz;
    return w + (((1.0 - w) - hz) + (z * p - r * tail));
}

// x = r + tail + quadrant·π/2 with |r| <= π/4 (plus rounding), for |x| < 2^19.
struct Reduced {
    double r;
    double tail;
    int quadrant;  // 0..3
};
constexpr Reduced reduce_half_pi(double x) {
    const double k = floor(x * (2.0 / 3.14159265358979323846) + 0.5);
    const double head = x - k * half_pi_hi;  // exact: k·hi is exact and x is within 2x of it
    const double w = k * half_pi_lo;
    const double r = head - w;
    const double tail = (head - r) - w;
    const auto q = static_cast<std::int64_t>(k);
    return {r, tail, static_cast<int>(((q % 4) + 4) % 4)};
}

}  // namespace detail

constexpr double sin(double x) {
    const detail::Reduced a = detail::reduce_half_pi(x);
    switch (a.quadrant) {
        case 0: return detail::sin_kernel(a.r, a.tail);
        case 1: return detail::cos_kernel(a.r, a.tail);
        case 2: return -detail::sin_kernel(a.r, a.tail);
        default: return -detail::cos_kernel(a.r, a.tail);
    }
}
constexpr double cos(double x) {
    const detail::Reduced a = detail::reduce_half_pi(x);
    switch (a.quadrant) {
        case 0: return detail::cos_kernel(a.r, a.tail);
        case 1: return -detail::sin_kernel(a.r, a.tail);
        case 2: return -detail::cos_kernel(a.r, a.tail);
        default: return detail::sin_kernel(a.r, a.tail);
    }
}

namespace detail {
// log(x) + c for a normal x > 0 and |c| <= ulp(1) (fdlibm's arrangement): x = 2^k·(1 + f) with
// 1 + f in [√½, √2), s = f/(2 + f), log(1 + f) = f − (f²/2 − s·(f²/2 + R)) where
// R = Σ_{n>=1} 2 s^(2n) / (2n + 1); the small terms first, k·ln2_hi and f (exact) last.
constexpr double log_plus(double x, double c) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    int k = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        ++k;
    }
    const double f = m - 1.0;  // exact
    const double s = f / (2.0 + f);
    const double z = s * s;
    double r = 0.0;
    for (int n = 14; n >= 1; --n) r = (r + 2.0 / static_cast<double>(2 * n + 1)) * z;
    const double hfsq = 0.5 * f * f;
    const double kd = static_cast<double>(k);
    return kd * ln2_hi - ((hfsq - (s * (hfsq + r) + (kd * ln2_lo + c))) - f);
}
}  // namespace detail

// Natural logarithm of a finite, normal x > 0.
constexpr double log(double x) { return detail::log_plus(x, 0.0); }

// log(1 + x) for x > −1: log(u) for u = 1 + x rounded, plus c/u for the exact rounding error c
// of that sum (a Fast2Sum, larger operand first).
constexpr double log1p(double x) {
    const double u = 1.0 + x;
    if (u == 1.0) return x;
    const double c = (x > 1.0 || x < -1.0) ? 1.0 - (u - x) : x - (u - 1.0);
    return detail::log_plus(u, c / u);
}

// e^x for −700 < x < 700: x = k·ln 2 + r, |r| <= ln2/2, e^r = 1 + (r + r²·P(r)) with the Taylor
// remainder P by Horner, times 2^k.
constexpr double exp(double x) {
    const double k = floor(x * 1.44269504088896340736 + 0.5);
    const double r = (x - k * detail::ln2_hi) - k * detail::ln2_lo;
    double p = 0.0;  // Σ_{n>=2} r^(n−2) / n!
    for (int n = 20; n >= 2; --n) p = p * r + detail::inverse_factorial(n);
    const double sum = 1.0 + (r + r * r * p);
    const int ki = static_cast<int>(k);
    // Two steps keep each power of two a normal double.
    return sum * pow2(ki / 2) * pow2(ki - ki / 2);
}

// x^y for x > 0. y·log x rounds once, so the result is within about 2^-47 (relative) of x^y for
// |y·log x| < 32: well inside half a float ulp (2^-24) for all but a vanishing set of arguments.
constexpr double pow(double x, double y) { return exp(y * log(x)); }

// The float libm functions TFLM's current set-up calls.
constexpr float cosf(float x) { return static_cast<float>(cos(static_cast<double>(x))); }
constexpr float powf(float x, float y) {
    return static_cast<float>(pow(static_cast<double>(x), static_cast<double>(y)));
}

// log1pf as fdlibm (and glibc 2.36) computes it, for finite x > −1: 1 + x = 2^k·(1 + f) with
// 1 + f in [√½, √2) and c the rounding error of 1 + x relative to it, then
// log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f), R a degree-7 minimax polynomial.
constexpr float log1pf(float x) {
    constexpr float ln2_hi = 6.9313812256e-01f;  // 0x3f317180
    constexpr float ln2_lo = 9.0580006145e-06f;  // 0x3717f7d1
    constexpr float lp1 = 6.6666668653e-01f, lp2 = 4.0000000596e-01f, lp3 = 2.8571429849e-01f,
                    lp4 = 2.2222198546e-01f, lp5 = 1.8183572590e-01f, lp6 = 1.5313838422e-01f,
                    lp7 = 1.4798198640e-01f;
    const auto hx = std::bit_cast<std::int32_t>(x);
    const std::int32_t ax = hx & 0x7fffffff;
    int k = 1;
    float f = 0.0f;
    float c = 0.0f;
    std::int32_t hu = 0;
    if (hx < 0x3ed413d7) {  // x < 0.41422
        if (ax < 0x31000000) return ax < 0x24800000 ? x : x - x * x * 0.5f;  // |x| < 2^-29
        if (hx > 0 || hx <= static_cast<std::int32_t>(0xbe95f61fu)) {  // −0.2929 < x
            k = 0;
            f = x;
            hu = 1;
        }
    }
    if (k != 0) {
        float u = x;
        if (hx < 0x5a000000) {
            u = 1.0f + x;
            hu = std::bit_cast<std::int32_t>(u);
            k = (hu >> 23) - 127;
            c = k > 0 ? 1.0f - (u - x) : x - (u - 1.0f);  // the rounding error of 1 + x
            c /= u;
        } else {
            hu = std::bit_cast<std::int32_t>(u);
            k = (hu >> 23) - 127;
        }
        hu &= 0x007fffff;
        if (hu < 0x3504f7) {
            u = std::bit_cast<float>(hu | 0x3f800000);  // 1 + f in [1, √2)
        } else {
            k += 1;
            u = std::bit_cast<float>(hu | 0x3f000000);  // 1 + f in [√½, 1)
            hu = (0x00800000 - hu) >> 2;
        }
        f = u - 1.0f;
    }
    const float kf = static_cast<float>(k);
    const float hfsq = 0.5f * f * f;
    if (hu == 0) {  // |f| < 2^-20
        if (f == 0.0f) return k == 0 ? 0.0f : kf * ln2_hi + (c + kf * ln2_lo);
        const float r = hfsq * (1.0f - 0.66666666666666666f * f);
        return k == 0 ? f - r : kf * ln2_hi - ((r - (kf * ln2_lo + c)) - f);
    }
    const float s = f / (2.0f + f);
    const float z = s * s;
    const float r = z * (lp1 + z * (lp2 + z * (lp3 + z * (lp4 + z * (lp5 + z * (lp6 + z * lp7))))));
    if (k == 0) return f - (hfsq - s * (hfsq + r));
    return kf * ln2_hi - ((hfsq - (s * (hfsq + r) + (kf * ln2_lo + c))) - f);
}

}  // namespace mote::audio::setup_math
