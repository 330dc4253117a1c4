#pragma once
// Arm DSP primitives on int16 GEMM weights (MOTE_WIDE_WEIGHTS: config::wide_weights). The
// weights are widened at compile time (kernels/pack.hpp, paired4_wide: row pairs interleaved by
// groups of four, natural order), so a weight word is an SMLAD operand as loaded: no SXTB16.
// Columns, depthwise and requantization are those of the int8-weight set.
#include <cstdint>

#include "mote/kernels/arch/dsp/primitives.hpp"

namespace mote::kernels::arch::dsp {

struct WidePrimitives : Primitives {
    using weight_t = std::int16_t;
    static constexpr WeightLayout layout = WeightLayout::paired4_wide;
    // block_3x2_plain reads int8 weights: the widened three-pixel blocks requantize apart
    static constexpr Capabilities capabilities = [] {
        Capabilities c = Primitives::capabilities;
        c.fused_three_pixel_block = false;
        return c;
    }();

    // Rows (o, o+1) of a pair block against two columns. Per 4 k: 4 LDRD, 8 SMLAD.
    static void dot_2x2(const col_t* c0, const col_t* c1, const weight_t* w, const weight_t*,
                        int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        const int full = k & ~3;
        if (full > 0) {
            const col_t* const end = c0 + full;
            std::uint32_t v0, v1, u0, u1, xa, xb;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[v0], %[v1], [%[w]], #8\n\t"
                "ldrd   %[u0], %[u1], [%[w]], #8\n\t"
                "ldrd   %[xa], %[xb], [%[c0]], #8\n\t"
                "smlad  %[a0], %[xa], %[v0], %[a0]\n\t"
                "smlad  %[a1], %[xa], %[u0], %[a1]\n\t"
                "smlad  %[a0], %[xb], %[v1], %[a0]\n\t"
                "smlad  %[a1], %[xb], %[u1], %[a1]\n\t"
                "ldrd   %[xa], %[xb], [%[c1]], #8\n\t"
                "smlad  %[a2], %[xa], %[v0], %[a2]\n\t"
                "smlad  %[a3], %[xa], %[u0], %[a3]\n\t"
                "smlad  %[a2], %[xb], %[v1], %[a2]\n\t"
                "smlad  %[a3], %[xb], %[u1], %[a3]\n\t"
                "cmp    %[c0], %[end]\n\t"
                "bne    1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [c0] "+r"(c0), [c1] "+r"(c1), [v0] "=&r"(v0), [v1] "=&r"(v1), [u0] "=&r"(u0),
                  [u1] "=&r"(u1), [xa] "=&r"(xa), [xb] "=&r"(xb)
                : [end] "r"(end)
                : "cc", "memory");
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) {
            const std::int32_t va = w[i], vb = w[tail + i];
            a0 += c0[i] * va, a1 += c0[i] * vb, a2 += c1[i] * va, a3 += c1[i] * vb;
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    // Three pixels (an interleaved block of 3 lanes) × rows (o, o+1); k % 8 == 0.
    // Per 4 k: 5 LDRD, 12 SMLAD; per 8 k with the loop: 37 instructions for 48 MACs.
    [[gnu::always_inline]] static void dot_3x2(const col_t* c, const weight_t* w, int k,
                                               std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5];
        const col_t* end = c + 3 * k;
        std::uint32_t v0, v1, u0, u1, xa, xb;
#define MOTE_DSP_WIDE_GROUP_3X2                          \
        "ldrd   %[v0], %[v1], [%[w]], #8\n\t"            \
        "ldrd   %[u0], %[u1], [%[w]], #8\n\t"            \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a0], %[xa], %[v0], %[a0]\n\t"          \
        "smlad  %[a1], %[xa], %[u0], %[a1]\n\t"          \
        "smlad  %[a0], %[xb], %[v1], %[a0]\n\t"          \
        "smlad  %[a1], %[xb], %[u1], %[a1]\n\t"          \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a2], %[xa], %[v0], %[a2]\n\t"          \
        "smlad  %[a3], %[xa], %[u0], %[a3]\n\t"          \
        "smlad  %[a2], %[xb], %[v1], %[a2]\n\t"          \
        "smlad  %[a3], %[xb], %[u1], %[a3]\n\t"          \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a4], %[xa], %[v0], %[a4]\n\t"          \
        "smlad  %[a5], %[xa], %[u0], %[a5]\n\t"          \
        "smlad  %[a4], %[xb], %[v1], %[a4]\n\t"          \
        "smlad  %[a5], %[xb], %[u1], %[a5]\n\t"
        __asm__ volatile(
            "1:\n\t"
            MOTE_DSP_WIDE_GROUP_3X2
            MOTE_DSP_WIDE_GROUP_3X2
            "ldr    %[xa], %[end]\n\t"
            "cmp    %[c], %[xa]\n\t"
            "bne    1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4),
              [a5] "+r"(a5), [w] "+r"(w), [c] "+r"(c), [v0] "=&r"(v0), [v1] "=&r"(v1),
              [u0] "=&r"(u0), [u1] "=&r"(u1), [xa] "=&r"(xa), [xb] "=&r"(xb)
            : [end] "m"(end)
            : "cc", "memory");
#undef MOTE_DSP_WIDE_GROUP_3X2
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5;
    }
    // Four rows: pair blocks (o, o+1) at w and (o+2, o+3) at w + 2k. Per 4 k: 5 LDRD, 8 SMLAD.
    static void dot_1x4(const col_t* c, const weight_t* w, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        const int full = k & ~3;
        const weight_t* w2 = w + 2 * k;
        if (full > 0) {
            const col_t* const end = c + full;
            std::uint32_t v0, v1, xa, xb;
#define MOTE_DSP_WIDE_GROUP_1X4                          \
                "ldrd   %[xa], %[xb], [%[c]], #8\n\t"    \
                "ldrd   %[v0], %[v1], [%[w]], #8\n\t"    \
                "smlad  %[a0], %[xa], %[v0], %[a0]\n\t"  \
                "smlad  %[a0], %[xb], %[v1], %[a0]\n\t"  \
                "ldrd   %[v0], %[v1], [%[w]], #8\n\t"    \
                "smlad  %[a1], %[xa], %[v0], %[a1]\n\t"  \
                "smlad  %[a1], %[xb], %[v1], %[a1]\n\t"  \
                "ldrd   %[v0], %[v1], [%[w2]], #8\n\t"   \
                "smlad  %[a2], %[xa], %[v0], %[a2]\n\t"  \
                "smlad  %[a2], %[xb], %[v1], %[a2]\n\t"  \
                "ldrd   %[v0], %[v1], [%[w2]], #8\n\t"   \
                "smlad  %[a3], %[xa], %[v0], %[a3]\n\t"  \
                "smlad  %[a3], %[xb], %[v1], %[a3]\n\t"
            const int two = (full & 7) == 0;  // 8 k per pass when k allows, else 4
            __asm__ volatile(
                "cmp    %[two], #0\n\t"
                "beq    2f\n\t"
                "1:\n\t"
                MOTE_DSP_WIDE_GROUP_1X4
                MOTE_DSP_WIDE_GROUP_1X4
                "cmp    %[c], %[end]\n\t"
                "bne    1b\n\t"
                "b      3f\n\t"
                "2:\n\t"
                MOTE_DSP_WIDE_GROUP_1X4
                "cmp    %[c], %[end]\n\t"
                "bne    2b\n\t"
                "3:\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [w2] "+r"(w2), [c] "+r"(c), [v0] "=&r"(v0), [v1] "=&r"(v1), [xa] "=&r"(xa),
                  [xb] "=&r"(xb)
                : [end] "r"(end), [two] "r"(two)
                : "cc", "memory");
#undef MOTE_DSP_WIDE_GROUP_1X4
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) {
            const std::int32_t x = c[i];
            a0 += x * w[i], a1 += x * w[tail + i], a2 += x * w2[i], a3 += x * w2[tail + i];
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    static void dot_1x2(const col_t* c, const weight_t* w, const weight_t*, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1];
        const int full = k & ~3;
        for (int i = 0; i < full; i += 4, w += 8, c += 4) {
            const std::uint32_t x = load32(c), xh = load32(c + 2);
            a0 = smlad(xh, load32(w + 2), smlad(x, load32(w), a0));
            a1 = smlad(xh, load32(w + 6), smlad(x, load32(w + 4), a1));
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) a0 += c[i] * w[i], a1 += c[i] * w[tail + i];
        acc[0] = a0, acc[1] = a1;
    }
    static std::int32_t dot_1x1(const col_t* c, const weight_t* w, int k, std::int32_t acc) {
        const int full = k & ~3;
        for (int i = 0; i < full; i += 2) acc = smlad(load32(c + i), load32(w + i), acc);
        for (int i = full; i < k; ++i) acc += c[i] * w[i];
        return acc;
    }
};

}  // namespace mote::kernels::arch::dsp
