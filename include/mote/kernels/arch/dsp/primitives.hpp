#pragma once
// Arm DSP-extension primitives (Cortex-M4/M7/M33: __ARM_FEATURE_DSP). SMLAD multiplies two int16
// pairs and adds both products; SXTB16 sign-extends bytes 0 and 2 (with ROR #8: bytes 1 and 3)
// into an int16 pair. Columns are int16 in natural order; weights are re-laid at compile time
// (kernels/pack.hpp, permute4) so that SXTB16 of a weight word yields the matching pairs.
// GCC 12's arm_acle.h has no __ror, and a rotate is not folded into SXTB16: inline asm.
#include <arm_acle.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/kernels/requant.hpp"

namespace mote::kernels::arch::dsp {

inline std::uint32_t load32(const void* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
inline void store32(void* p, std::uint32_t v) { std::memcpy(p, &v, 4); }
inline std::uint32_t sxtb16_ror8(std::uint32_t x) {
    std::uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
inline std::int32_t smlad(std::uint32_t a, std::uint32_t b, std::int32_t acc) {
    return __smlad(static_cast<int16x2_t>(a), static_cast<int16x2_t>(b), acc);
}

struct Primitives {
    using col_t = std::int16_t;
    static constexpr WeightLayout layout = WeightLayout::paired4;

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        const int full = n & ~3;
        int i = 0;
        for (; i < full; i += 4) {
            const std::uint32_t w = load32(src + i);
            const std::uint32_t even = __sxtb16(w), odd = sxtb16_ror8(w);  // (x0, x2), (x1, x3)
            store32(dst + i, (even & 0xFFFFu) | (odd << 16));
            store32(dst + i + 2, (even >> 16) | (odd & 0xFFFF0000u));
        }
        for (; i < n; ++i) dst[i] = src[i];
    }
    static void fill_col(col_t* dst, int n, std::int32_t v) {
        for (int i = 0; i < n; ++i) dst[i] = static_cast<col_t>(v);
    }
    // w0: the pair block of rows (o, o+1) in the paired4 layout (w1 unused: it is w0 + k only in
    // row layouts). Per 4 k: 2 weight words, 4 SXTB16, 4 column words, 8 SMLAD.
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t*, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        const int full = k & ~3;
        const std::int8_t* w = w0;
        if (full > 0 && (reinterpret_cast<std::uintptr_t>(w) & 3) == 0) {
            // LDRD needs word-aligned addresses: columns always are, weights when k is even.
            const col_t* const end = c0 + full;
            std::uint32_t wa, wb, ta, tb, xa, xb;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[wa], %[wb], [%[w]], #8\n\t"
                "ldrd   %[xa], %[xb], [%[c0]], #8\n\t"
                "sxtb16 %[ta], %[wa]\n\t"
                "sxtb16 %[tb], %[wb]\n\t"
                "smlad  %[a0], %[xa], %[ta], %[a0]\n\t"
                "smlad  %[a1], %[xa], %[tb], %[a1]\n\t"
                "sxtb16 %[wa], %[wa], ror #8\n\t"
                "sxtb16 %[wb], %[wb], ror #8\n\t"
                "smlad  %[a0], %[xb], %[wa], %[a0]\n\t"
                "smlad  %[a1], %[xb], %[wb], %[a1]\n\t"
                "ldrd   %[xa], %[xb], [%[c1]], #8\n\t"
                "smlad  %[a2], %[xa], %[ta], %[a2]\n\t"
                "smlad  %[a3], %[xa], %[tb], %[a3]\n\t"
                "smlad  %[a2], %[xb], %[wa], %[a2]\n\t"
                "smlad  %[a3], %[xb], %[wb], %[a3]\n\t"
                "cmp    %[c0], %[end]\n\t"
                "bne    1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [c0] "+r"(c0), [c1] "+r"(c1), [wa] "=&r"(wa), [wb] "=&r"(wb), [ta] "=&r"(ta),
                  [tb] "=&r"(tb), [xa] "=&r"(xa), [xb] "=&r"(xb)
                : [end] "r"(end)
                : "cc", "memory");
        } else {
            for (int i = 0; i < full; i += 4, w += 8, c0 += 4, c1 += 4) {
                const std::uint32_t wa = load32(w), wb = load32(w + 4);
                const std::uint32_t ta = __sxtb16(wa), tb = __sxtb16(wb);
                const std::uint32_t ua = sxtb16_ror8(wa), ub = sxtb16_ror8(wb);
                const std::uint32_t x0 = load32(c0), x0h = load32(c0 + 2);
                const std::uint32_t x1 = load32(c1), x1h = load32(c1 + 2);
                a0 = smlad(x0h, ua, smlad(x0, ta, a0));
                a1 = smlad(x0h, ub, smlad(x0, tb, a1));
                a2 = smlad(x1h, ua, smlad(x1, ta, a2));
                a3 = smlad(x1h, ub, smlad(x1, tb, a3));
            }
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) {
            const std::int32_t va = w[i], vb = w[tail + i];
            a0 += c0[i] * va, a1 += c0[i] * vb, a2 += c1[i] * va, a3 += c1[i] * vb;
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t*, int k,
                        std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1];
        const int full = k & ~3;
        const col_t* const end = c + full;
        const std::int8_t* w = w0;
        while (c != end) {
            const std::uint32_t wa = load32(w), wb = load32(w + 4);
            w += 8;
            const std::uint32_t x = load32(c), xh = load32(c + 2);
            c += 4;
            a0 = smlad(x, __sxtb16(wa), a0);
            a1 = smlad(x, __sxtb16(wb), a1);
            a0 = smlad(xh, sxtb16_ror8(wa), a0);
            a1 = smlad(xh, sxtb16_ror8(wb), a1);
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) a0 += c[i] * w[i], a1 += c[i] * w[tail + i];
        acc[0] = a0, acc[1] = a1;
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        const int full = k & ~3;
        for (int i = 0; i < full; i += 4) {
            const std::uint32_t wa = load32(w + i);
            acc = smlad(load32(c + i), __sxtb16(wa), acc);
            acc = smlad(load32(c + i + 2), sxtb16_ror8(wa), acc);
        }
        for (int i = full; i < k; ++i) acc += c[i] * w[i];
        return acc;
    }
    // Depthwise, 4 channels per pass with the accumulators in registers over all taps:
    // SMLABB/SMLATT on the even (x0, x2) and odd (x1, x3) halves.
    static void dw_taps(const std::int8_t* const* taps, int ntaps, const std::int8_t* w,
                        int stride, int n, std::int32_t* acc) {
        int c = 0;
        for (; c + 4 <= n; c += 4) {
            std::int32_t a0 = acc[c], a1 = acc[c + 1], a2 = acc[c + 2], a3 = acc[c + 3];
            const std::int8_t* wt = w + c;
            for (int t = 0; t < ntaps; ++t, wt += stride) {
                const std::uint32_t x = load32(taps[t] + c), v = load32(wt);
                const std::uint32_t xe = __sxtb16(x), xo = sxtb16_ror8(x);
                const std::uint32_t ve = __sxtb16(v), vo = sxtb16_ror8(v);
                a0 = __smlabb(static_cast<std::int32_t>(xe), static_cast<std::int32_t>(ve), a0);
                a2 = __smlatt(static_cast<std::int32_t>(xe), static_cast<std::int32_t>(ve), a2);
                a1 = __smlabb(static_cast<std::int32_t>(xo), static_cast<std::int32_t>(vo), a1);
                a3 = __smlatt(static_cast<std::int32_t>(xo), static_cast<std::int32_t>(vo), a3);
            }
            acc[c] = a0, acc[c + 1] = a1, acc[c + 2] = a2, acc[c + 3] = a3;
        }
        for (; c < n; ++c) {
            std::int32_t a = acc[c];
            for (int t = 0; t < ntaps; ++t) a += static_cast<std::int32_t>(taps[t][c]) * w[t * stride + c];
            acc[c] = a;
        }
    }
    // kernels/requant.hpp's merged rounding for exponent < 0: init = round − s·2^31 (ADDS/ADC),
    // SMLAL, then the shift of the high word.
    [[gnu::always_inline]] static std::int32_t requantize_right(std::int32_t acc, const ChannelQ& c) {
        std::uint32_t rl = c.round_lo;
        std::int32_t rh = c.round_hi, s;
        __asm__("asr   %[s], %[acc], #31\n\t"
                "adds  %[rl], %[rl], %[s], lsl #31\n\t"
                "adc   %[rh], %[rh], %[s]\n\t"
                "smlal %[rl], %[rh], %[acc], %[m]\n\t"
                : [rl] "+&r"(rl), [rh] "+&r"(rh), [s] "=&r"(s)
                : [acc] "r"(acc), [m] "r"(c.multiplier)
                : "cc");
        return rh >> c.shift;
    }
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        const ChannelQ* cq = q.q + first;
        const std::int32_t zp = q.zero_point_to_add(), lo = q.min, hi = q.max;
        if (q.all_right_shifts && hi == 127 && n > 0) {
            const std::int8_t* const end = out + n;
            std::int32_t a, m, sh, rh, sg;
            std::uint32_t rl;
            if (zp == 0 && lo == -128) {  // zero point folded, no lower clamp: 12 instructions/output
                __asm__ volatile(
                    "1:\n\t"
                    "ldr    %[a], [%[acc]], #4\n\t"
                    "ldrd   %[rl], %[rh], [%[cq], #8]\n\t"
                    "ldrd   %[m], %[sh], [%[cq]], #16\n\t"
                    "asr    %[sg], %[a], #31\n\t"
                    "adds   %[rl], %[rl], %[sg], lsl #31\n\t"
                    "adc    %[rh], %[rh], %[sg]\n\t"
                    "smlal  %[rl], %[rh], %[a], %[m]\n\t"
                    "asr    %[rh], %[rh], %[sh]\n\t"
                    "ssat   %[rh], #8, %[rh]\n\t"
                    "strb   %[rh], [%[out]], #1\n\t"
                    "cmp    %[out], %[end]\n\t"
                    "bne    1b\n\t"
                    : [acc] "+r"(acc), [cq] "+r"(cq), [out] "+r"(out), [a] "=&r"(a), [m] "=&r"(m),
                      [sh] "=&r"(sh), [rl] "=&r"(rl), [rh] "=&r"(rh), [sg] "=&r"(sg)
                    : [end] "r"(end)
                    : "cc", "memory");
                return;
            }
            __asm__ volatile(
                "1:\n\t"
                "ldr    %[a], [%[acc]], #4\n\t"
                "ldrd   %[rl], %[rh], [%[cq], #8]\n\t"
                "ldrd   %[m], %[sh], [%[cq]], #16\n\t"
                "asr    %[sg], %[a], #31\n\t"
                "adds   %[rl], %[rl], %[sg], lsl #31\n\t"
                "adc    %[rh], %[rh], %[sg]\n\t"
                "smlal  %[rl], %[rh], %[a], %[m]\n\t"
                "asr    %[rh], %[rh], %[sh]\n\t"
                "add    %[rh], %[rh], %[zp]\n\t"
                "ssat   %[rh], #8, %[rh]\n\t"
                "cmp    %[rh], %[lo]\n\t"
                "it     lt\n\t"
                "movlt  %[rh], %[lo]\n\t"
                "strb   %[rh], [%[out]], #1\n\t"
                "cmp    %[out], %[end]\n\t"
                "bne    1b\n\t"
                : [acc] "+r"(acc), [cq] "+r"(cq), [out] "+r"(out), [a] "=&r"(a), [m] "=&r"(m),
                  [sh] "=&r"(sh), [rl] "=&r"(rl), [rh] "=&r"(rh), [sg] "=&r"(sg)
                : [end] "r"(end), [zp] "r"(zp), [lo] "r"(lo)
                : "cc", "memory");
            return;
        }
        for (int i = 0; i < n; ++i) {
            std::int32_t v = (cq[i].shift >= 0 ? requantize_right(acc[i], cq[i]) : requantize(acc[i], cq[i])) + zp;
            v = v < lo ? lo : v;
            v = v > hi ? hi : v;
            out[i] = static_cast<std::int8_t>(v);
        }
    }
};

}  // namespace mote::kernels::arch::dsp
