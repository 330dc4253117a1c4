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

#include "mote/kernels/primitive_set.hpp"
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

// One output of a Requant::plain() layer (kernels/requant.hpp): RH:RL = the channel's 64-bit
// rounding constant (LOAD) + acc·m − [acc < 0]·2^31, result SSAT8(RH >> shift), stored by STORE.
// Arguments are asm operand names; acc A is clobbered (it holds its own sign for the ADDS/ADC).
#define MOTE_DSP_PLAIN_OUTPUT(A, RL, RH, M, SH, LOAD, STORE)     \
    LOAD "\n\t"                                                 \
    "smlal  %[" RL "], %[" RH "], %[" A "], %[" M "]\n\t"       \
    "asr    %[" A "], %[" A "], #31\n\t"                         \
    "adds   %[" RL "], %[" RL "], %[" A "], lsl #31\n\t"         \
    "adc    %[" RH "], %[" RH "], %[" A "]\n\t"                  \
    "asr    %[" RH "], %[" RH "], %[" SH "]\n\t"                 \
    "ssat   %[" RH "], #8, %[" RH "]\n\t"                        \
    STORE "\n\t"

struct Primitives {
    using col_t = std::int16_t;
    using weight_t = std::int8_t;
    static constexpr WeightLayout layout = WeightLayout::paired4;
    static constexpr Capabilities capabilities{.three_pixel_gemm = true,
                                               .fused_three_pixel_block = true,
                                               .fused_requantize = true,
                                               .four_row_dot = true,
                                               .right_shift_requantize = true};

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        const int full = n & ~3;
        int i = 0;
        for (; i < full; i += 4) {
            std::uint32_t x = load32(src + i), even, lo, hi;
            // (x0, x2), (x1, x3) → (x0, x1), (x2, x3) with PKHBT/PKHTB
            __asm__("sxtb16 %[e], %[x]\n\t"
                    "sxtb16 %[x], %[x], ror #8\n\t"
                    "pkhbt  %[lo], %[e], %[x], lsl #16\n\t"
                    "pkhtb  %[hi], %[x], %[e], asr #16\n\t"
                    : [x] "+r"(x), [e] "=&r"(even), [lo] "=&r"(lo), [hi] "=r"(hi));
            store32(dst + i, lo);
            store32(dst + i + 2, hi);
        }
        for (; i < n; ++i) dst[i] = src[i];
    }
    static void fill_col(col_t* dst, int n, std::int32_t v) {
        for (int i = 0; i < n; ++i) dst[i] = static_cast<col_t>(v);
    }
    // One lane of an interleaved column block: group i/4 at dst + i·Lanes (n % 4 == 0).
    template <int Lanes>
    static void load_col_lanes(const std::int8_t* src, col_t* dst, int n) {
        const std::int8_t* const end = src + n;
        std::uint32_t x, even, lo, hi;
        if (n > 0)
            __asm__ volatile(
                "1:\n\t"
                "ldr    %[x], [%[src]], #4\n\t"
                "sxtb16 %[e], %[x]\n\t"
                "sxtb16 %[x], %[x], ror #8\n\t"
                "pkhbt  %[lo], %[e], %[x], lsl #16\n\t"
                "pkhtb  %[hi], %[x], %[e], asr #16\n\t"
                "strd   %[lo], %[hi], [%[dst]], %[step]\n\t"
                "cmp    %[src], %[end]\n\t"
                "bne    1b\n\t"
                : [src] "+r"(src), [dst] "+r"(dst), [x] "=&r"(x), [e] "=&r"(even),
                  [lo] "=&r"(lo), [hi] "=&r"(hi)
                : [end] "r"(end), [step] "i"(8 * Lanes)
                : "cc", "memory");
    }
    template <int Lanes>
    static void fill_col_lanes(col_t* dst, int n, std::int32_t v) {
        const std::uint32_t pair = (static_cast<std::uint32_t>(v) & 0xFFFFu) * 0x10001u;
        for (int i = 0; i < n; i += 4, dst += 4 * Lanes) store32(dst, pair), store32(dst + 2, pair);
    }
    // Three pixels × two channels: c is an interleaved block of 3 lanes (groups of 4 elements),
    // w the pair block of rows (o, o+1) (paired4), k % 8 == 0, w word-aligned. acc = {p0 o,
    // p0 o+1, p1 o, p1 o+1, p2 o, p2 o+1}. Per 8 k: 43 instructions for 48 MACs.
    [[gnu::always_inline]] static void dot_3x2(const col_t* c, const std::int8_t* w, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], a4 = acc[4], a5 = acc[5];
        const col_t* end = c + 3 * k;
        std::uint32_t wa, wb, ta, tb, xa, xb;
#define MOTE_DSP_GROUP_3X2                                \
        "ldrd   %[wa], %[wb], [%[w]], #8\n\t"            \
        "sxtb16 %[ta], %[wa]\n\t"                        \
        "sxtb16 %[tb], %[wb]\n\t"                        \
        "sxtb16 %[wa], %[wa], ror #8\n\t"                \
        "sxtb16 %[wb], %[wb], ror #8\n\t"                \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a0], %[xa], %[ta], %[a0]\n\t"          \
        "smlad  %[a1], %[xa], %[tb], %[a1]\n\t"          \
        "smlad  %[a0], %[xb], %[wa], %[a0]\n\t"          \
        "smlad  %[a1], %[xb], %[wb], %[a1]\n\t"          \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a2], %[xa], %[ta], %[a2]\n\t"          \
        "smlad  %[a3], %[xa], %[tb], %[a3]\n\t"          \
        "smlad  %[a2], %[xb], %[wa], %[a2]\n\t"          \
        "smlad  %[a3], %[xb], %[wb], %[a3]\n\t"          \
        "ldrd   %[xa], %[xb], [%[c]], #8\n\t"            \
        "smlad  %[a4], %[xa], %[ta], %[a4]\n\t"          \
        "smlad  %[a5], %[xa], %[tb], %[a5]\n\t"          \
        "smlad  %[a4], %[xb], %[wa], %[a4]\n\t"          \
        "smlad  %[a5], %[xb], %[wb], %[a5]\n\t"
        __asm__ volatile(
            "1:\n\t"
            MOTE_DSP_GROUP_3X2
            MOTE_DSP_GROUP_3X2
            "ldr    %[xa], %[end]\n\t"
            "cmp    %[c], %[xa]\n\t"
            "bne    1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [a4] "+r"(a4),
              [a5] "+r"(a5), [w] "+r"(w), [c] "+r"(c), [wa] "=&r"(wa), [wb] "=&r"(wb),
              [ta] "=&r"(ta), [tb] "=&r"(tb), [xa] "=&r"(xa), [xb] "=&r"(xb)
            : [end] "m"(end)
            : "cc", "memory");
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3, acc[4] = a4, acc[5] = a5;
    }
    // A whole 3-pixel × 2-channel block of a Requant::plain() layer in one statement: the
    // accumulators start at bias[0..1], run dot_3x2, and are requantized and stored to out[0..1],
    // out[oc + 0..1], out[2·oc + 0..1]. Returns w past the pair block. One asm statement, so the
    // compiler has no registers to spill around it: the pointers are read from memory when the
    // MAC loop has released its registers (the accumulator's own register holds its sign).
    [[gnu::always_inline]] static const std::int8_t* block_3x2_plain(
        const col_t* c, const std::int8_t* w, int k, const std::int32_t* bias, const ChannelQ* cq,
        std::int8_t* out, int oc) {
        const col_t* end = c + 3 * k;
        const int k16 = (k & 15) == 0;
        std::int32_t a0, a1, a2, a3, a4, a5;
        std::uint32_t wa, wb, ta, tb, xa, xb;
// acc A with the channel record at [cq, #REC] (m, sh loaded): merged rounding, store at ADDR
#define MOTE_DSP_PLAIN_STORE(A, REC, ADDR) \
        MOTE_DSP_PLAIN_OUTPUT(A, "xa", "xb", "ta", "tb", "ldrd   %[xa], %[xb], [%[wa], #" REC "+8]", "strb   %[xb], " ADDR)
        // 16 k per pass when k allows (3 loop instructions per 96 MACs), else 8
        __asm__ volatile(
            "ldr    %[xa], %[bias]\n\t"
            "ldrd   %[a0], %[a1], [%[xa]]\n\t"
            "mov    %[a2], %[a0]\n\t"
            "mov    %[a3], %[a1]\n\t"
            "mov    %[a4], %[a0]\n\t"
            "mov    %[a5], %[a1]\n\t"
            "ldr    %[xa], %[k16]\n\t"
            "cmp    %[xa], #0\n\t"
            "beq    2f\n\t"
            "1:\n\t"
            MOTE_DSP_GROUP_3X2
            MOTE_DSP_GROUP_3X2
            MOTE_DSP_GROUP_3X2
            MOTE_DSP_GROUP_3X2
            "ldr    %[xa], %[end]\n\t"
            "cmp    %[c], %[xa]\n\t"
            "bne    1b\n\t"
            "b      3f\n\t"
            "2:\n\t"
            MOTE_DSP_GROUP_3X2
            MOTE_DSP_GROUP_3X2
            "ldr    %[xa], %[end]\n\t"
            "cmp    %[c], %[xa]\n\t"
            "bne    2b\n\t"
            "3:\n\t"
            // requantize: wa = cq, wb = out, c = oc, ta = multiplier, tb = shift
            "ldr    %[wa], %[cq]\n\t"
            "ldr    %[wb], %[out]\n\t"
            "ldr    %[c], %[oc]\n\t"
            "ldrd   %[ta], %[tb], [%[wa]]\n\t"
            MOTE_DSP_PLAIN_STORE("a0", "0", "[%[wb]]")
            MOTE_DSP_PLAIN_STORE("a2", "0", "[%[wb], %[c]]")
            MOTE_DSP_PLAIN_STORE("a4", "0", "[%[wb], %[c], lsl #1]")
            "ldrd   %[ta], %[tb], [%[wa], #16]\n\t"
            "add    %[wb], %[wb], #1\n\t"
            MOTE_DSP_PLAIN_STORE("a1", "16", "[%[wb]]")
            MOTE_DSP_PLAIN_STORE("a3", "16", "[%[wb], %[c]]")
            MOTE_DSP_PLAIN_STORE("a5", "16", "[%[wb], %[c], lsl #1]")
            : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [a4] "=&r"(a4),
              [a5] "=&r"(a5), [w] "+r"(w), [c] "+r"(c), [wa] "=&r"(wa), [wb] "=&r"(wb),
              [ta] "=&r"(ta), [tb] "=&r"(tb), [xa] "=&r"(xa), [xb] "=&r"(xb)
            : [end] "m"(end), [bias] "m"(bias), [cq] "m"(cq), [out] "m"(out), [oc] "m"(oc),
              [k16] "m"(k16)
            : "cc", "memory");
#undef MOTE_DSP_PLAIN_STORE
#undef MOTE_DSP_GROUP_3X2
        return w;
    }
    // One channel of three pixels of a Requant::plain() layer: out[0], out[stride], out[2·stride].
    [[gnu::always_inline]] static void requantize_store_3(std::int32_t a0, std::int32_t a1, std::int32_t a2,
                                   const ChannelQ* cq, std::int8_t* out, int stride) {
        std::int32_t m, sh, rh;
        std::uint32_t rl;
#define MOTE_DSP_REQUANT_STORE_NEXT(A)                                                        \
        MOTE_DSP_PLAIN_OUTPUT(A, "rl", "rh", "m", "sh", "ldrd   %[rl], %[rh], [%[cq], #8]", \
                              "strb   %[rh], [%[out]]\n\tadd    %[out], %[out], %[stride]")
        __asm__ volatile(
            "ldrd   %[m], %[sh], [%[cq]]\n\t"
            MOTE_DSP_REQUANT_STORE_NEXT("a0")
            MOTE_DSP_REQUANT_STORE_NEXT("a1")
            MOTE_DSP_REQUANT_STORE_NEXT("a2")
            : [m] "=&r"(m), [sh] "=&r"(sh), [rl] "=&r"(rl), [rh] "=&r"(rh), [out] "+r"(out),
              [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2)
            : [cq] "r"(cq), [stride] "r"(stride)
            : "cc", "memory");
#undef MOTE_DSP_REQUANT_STORE_NEXT
    }
    // w0: the pair block of rows (o, o+1) in the paired4 layout (w1 unused: it is w0 + k only in
    // row layouts). Per 4 k: 2 weight words, 4 SXTB16, 4 column words, 8 SMLAD.
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t*, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        const int full = k & ~3;
        const std::int8_t* w = w0;
// after the weight words wa, wb of rows (o, o+1) are loaded: 4 k of both columns
#define MOTE_DSP_GROUP_2X2                               \
                "ldrd   %[xa], %[xb], [%[c0]], #8\n\t"   \
                "sxtb16 %[ta], %[wa]\n\t"                \
                "sxtb16 %[tb], %[wb]\n\t"                \
                "smlad  %[a0], %[xa], %[ta], %[a0]\n\t"  \
                "smlad  %[a1], %[xa], %[tb], %[a1]\n\t"  \
                "sxtb16 %[wa], %[wa], ror #8\n\t"        \
                "sxtb16 %[wb], %[wb], ror #8\n\t"        \
                "smlad  %[a0], %[xb], %[wa], %[a0]\n\t"  \
                "smlad  %[a1], %[xb], %[wb], %[a1]\n\t"  \
                "ldrd   %[xa], %[xb], [%[c1]], #8\n\t"   \
                "smlad  %[a2], %[xa], %[ta], %[a2]\n\t"  \
                "smlad  %[a3], %[xa], %[tb], %[a3]\n\t"  \
                "smlad  %[a2], %[xb], %[wa], %[a2]\n\t"  \
                "smlad  %[a3], %[xb], %[wb], %[a3]\n\t"
        if (full > 0 && (full & 7) == 0 && (reinterpret_cast<std::uintptr_t>(w) & 3) == 0) {
            // 8 k per pass: 34 instructions for 32 MACs
            const col_t* const end = c0 + full;
            std::uint32_t wa, wb, ta, tb, xa, xb;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[wa], %[wb], [%[w]], #8\n\t"
                MOTE_DSP_GROUP_2X2
                "ldrd   %[wa], %[wb], [%[w]], #8\n\t"
                MOTE_DSP_GROUP_2X2
                "cmp    %[c0], %[end]\n\t"
                "bne    1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [c0] "+r"(c0), [c1] "+r"(c1), [wa] "=&r"(wa), [wb] "=&r"(wb), [ta] "=&r"(ta),
                  [tb] "=&r"(tb), [xa] "=&r"(xa), [xb] "=&r"(xb)
                : [end] "r"(end)
                : "cc", "memory");
        } else if (full > 0) {
            // 4 k per pass; the weights by two LDR (unaligned when k is odd: LDRD would fault).
            const col_t* const end = c0 + full;
            std::uint32_t wa, wb, ta, tb, xa, xb;
            __asm__ volatile(
                "1:\n\t"
                "ldr    %[wa], [%[w]], #4\n\t"
                "ldr    %[wb], [%[w]], #4\n\t"
                MOTE_DSP_GROUP_2X2
                "cmp    %[c0], %[end]\n\t"
                "bne    1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [c0] "+r"(c0), [c1] "+r"(c1), [wa] "=&r"(wa), [wb] "=&r"(wb), [ta] "=&r"(ta),
                  [tb] "=&r"(tb), [xa] "=&r"(xa), [xb] "=&r"(xb)
                : [end] "r"(end)
                : "cc", "memory");
        }
#undef MOTE_DSP_GROUP_2X2
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) {
            const std::int32_t va = w[i], vb = w[tail + i];
            a0 += c0[i] * va, a1 += c0[i] * vb, a2 += c1[i] * va, a3 += c1[i] * vb;
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    // Four rows: the pair blocks of rows (o, o+1) at w and (o+2, o+3) at w + 2k (paired4).
    // Per 4 k: 3 LDRD, 8 SXTB16, 8 SMLAD, loop: 21 instructions for 16 MACs.
    static void dot_1x4(const col_t* c, const std::int8_t* w, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        const int full = k & ~3;
        const std::int8_t* w2 = w + 2 * k;
        if (full > 0 && (k & 1) == 0 && (reinterpret_cast<std::uintptr_t>(w) & 3) == 0) {
            const col_t* const end = c + full;
            std::uint32_t wa, wb, t, xa, xb;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[xa], %[xb], [%[c]], #8\n\t"
                "ldrd   %[wa], %[wb], [%[w]], #8\n\t"
                "sxtb16 %[t], %[wa]\n\t"
                "smlad  %[a0], %[xa], %[t], %[a0]\n\t"
                "sxtb16 %[wa], %[wa], ror #8\n\t"
                "smlad  %[a0], %[xb], %[wa], %[a0]\n\t"
                "sxtb16 %[t], %[wb]\n\t"
                "smlad  %[a1], %[xa], %[t], %[a1]\n\t"
                "sxtb16 %[wb], %[wb], ror #8\n\t"
                "smlad  %[a1], %[xb], %[wb], %[a1]\n\t"
                "ldrd   %[wa], %[wb], [%[w2]], #8\n\t"
                "sxtb16 %[t], %[wa]\n\t"
                "smlad  %[a2], %[xa], %[t], %[a2]\n\t"
                "sxtb16 %[wa], %[wa], ror #8\n\t"
                "smlad  %[a2], %[xb], %[wa], %[a2]\n\t"
                "sxtb16 %[t], %[wb]\n\t"
                "smlad  %[a3], %[xa], %[t], %[a3]\n\t"
                "sxtb16 %[wb], %[wb], ror #8\n\t"
                "smlad  %[a3], %[xb], %[wb], %[a3]\n\t"
                "cmp    %[c], %[end]\n\t"
                "bne    1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [w] "+r"(w),
                  [w2] "+r"(w2), [c] "+r"(c), [wa] "=&r"(wa), [wb] "=&r"(wb), [t] "=&r"(t),
                  [xa] "=&r"(xa), [xb] "=&r"(xb)
                : [end] "r"(end)
                : "cc", "memory");
        } else {
            for (int i = 0; i < full; i += 4, w += 8, w2 += 8, c += 4) {
                const std::uint32_t x = load32(c), xh = load32(c + 2);
                const std::uint32_t wa = load32(w), wb = load32(w + 4);
                const std::uint32_t wc = load32(w2), wd = load32(w2 + 4);
                a0 = smlad(xh, sxtb16_ror8(wa), smlad(x, __sxtb16(wa), a0));
                a1 = smlad(xh, sxtb16_ror8(wb), smlad(x, __sxtb16(wb), a1));
                a2 = smlad(xh, sxtb16_ror8(wc), smlad(x, __sxtb16(wc), a2));
                a3 = smlad(xh, sxtb16_ror8(wd), smlad(x, __sxtb16(wd), a3));
            }
        }
        const int tail = k - full;
        for (int i = 0; i < tail; ++i) {
            const std::int32_t x = c[i];
            a0 += x * w[i], a1 += x * w[tail + i], a2 += x * w2[i], a3 += x * w2[tail + i];
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
// The depthwise pass shared by dw_taps2 and dw_taps2_plain: both pixels' accumulators of
// channels c..c+3 start at the bias, then take every tap of the table (null-terminated).
#define MOTE_DSP_DW_TAP_LOOP \
    "0:\n\t" \
    "ldr    %[x], %[bias]\n\t" \
    "add    %[x], %[x], %[c], lsl #2\n\t" \
    "ldrd   %[a0], %[a1], [%[x]]\n\t" \
    "ldrd   %[a2], %[a3], [%[x], #8]\n\t" \
    "ldrd   %[b0], %[b1], [%[x]]\n\t" \
    "ldrd   %[b2], %[b3], [%[x], #8]\n\t" \
    "ldr    %[e], %[tab]\n\t" \
    "ldr    %[v], [%[e]]\n\t" \
    "1:\n\t" \
    "ldr    %[x], [%[e], #4]\n\t" \
    "ldr    %[v], [%[v], %[c]]\n\t" \
    "ldr    %[x], [%[x], %[c]]\n\t" \
    "sxtb16 %[ve], %[v]\n\t" \
    "sxtb16 %[v], %[v], ror #8\n\t" \
    "sxtb16 %[xe], %[x]\n\t" \
    "sxtb16 %[x], %[x], ror #8\n\t" \
    "smlabb %[a0], %[xe], %[ve], %[a0]\n\t" \
    "smlatt %[a2], %[xe], %[ve], %[a2]\n\t" \
    "smlabb %[a1], %[x], %[v], %[a1]\n\t" \
    "smlatt %[a3], %[x], %[v], %[a3]\n\t" \
    "ldr    %[x], [%[e], #8]\n\t" \
    "ldr    %[x], [%[x], %[c]]\n\t" \
    "sxtb16 %[xe], %[x]\n\t" \
    "sxtb16 %[x], %[x], ror #8\n\t" \
    "smlabb %[b0], %[xe], %[ve], %[b0]\n\t" \
    "smlatt %[b2], %[xe], %[ve], %[b2]\n\t" \
    "smlabb %[b1], %[x], %[v], %[b1]\n\t" \
    "smlatt %[b3], %[x], %[v], %[b3]\n\t" \
    "ldr    %[v], [%[e], #12]!\n\t" \
    "cmp    %[v], #0\n\t" \
    "bne    1b\n\t"

    // Depthwise, two output pixels (see portable.hpp): 4 channels per pass with both pixels'
    // accumulators in registers over all taps; each weight word is sign-extended once for both
    // (SXTB16 / SXTB16 ROR #8: even and odd channels, SMLABB/SMLATT). Per tap 22 instructions for
    // 8 MACs, per pass 20 more; the table's null entry ends the tap loop. All 14 registers.
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        const int full = n & ~3;
        if (full > 0) {
            int c = 0;
            std::int32_t a0, a1, a2, a3, b0, b1, b2, b3;
            const std::int8_t* const* e;
            std::uint32_t v, ve, x, xe;
            __asm__ volatile(
                MOTE_DSP_DW_TAP_LOOP
                "ldr    %[x], %[acc0]\n\t"
                "add    %[x], %[x], %[c], lsl #2\n\t"
                "strd   %[a0], %[a1], [%[x]]\n\t"
                "strd   %[a2], %[a3], [%[x], #8]\n\t"
                "ldr    %[x], %[acc1]\n\t"
                "add    %[x], %[x], %[c], lsl #2\n\t"
                "strd   %[b0], %[b1], [%[x]]\n\t"
                "strd   %[b2], %[b3], [%[x], #8]\n\t"
                "add    %[c], %[c], #4\n\t"
                "ldr    %[x], %[full]\n\t"
                "cmp    %[c], %[x]\n\t"
                "bne    0b\n\t"
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [b0] "=&r"(b0),
                  [b1] "=&r"(b1), [b2] "=&r"(b2), [b3] "=&r"(b3), [e] "=&r"(e), [v] "=&r"(v),
                  [ve] "=&r"(ve), [x] "=&r"(x), [xe] "=&r"(xe), [c] "+&r"(c)
                : [tab] "m"(tab), [bias] "m"(bias), [acc0] "m"(acc0), [acc1] "m"(acc1), [full] "m"(full)
                : "cc", "memory");
        }
        for (int c = full; c < n; ++c) {
            std::int32_t a = bias[c], b = a;
            for (const std::int8_t* const* e = tab; *e; e += 3) {
                const std::int32_t v = e[0][c];
                a += e[1][c] * v, b += e[2][c] * v;
            }
            acc0[c] = a, acc1[c] = b;
        }
    }

    // dw_taps2 of a Requant::plain() layer, requantized and stored to out0[0..n) and out1[0..n)
    // (bias and cq at the chunk's first channel): the accumulators never leave the registers.
    static void dw_taps2_plain(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                               const ChannelQ* cq, std::int8_t* out0, std::int8_t* out1) {
        const int full = n & ~3;
        if (full > 0) {
            int c = 0;
            std::int32_t a0, a1, a2, a3, b0, b1, b2, b3;
#define MOTE_DSP_DW_STORE(A, REC, STORE) \
                MOTE_DSP_PLAIN_OUTPUT(A, "v", "ve", "x", "xe", "ldrd   %[v], %[ve], [%[e], #" REC "+8]", STORE)
            const std::int8_t* const* e;
            std::uint32_t v, ve, x, xe;
            __asm__ volatile(
                MOTE_DSP_DW_TAP_LOOP
                // e = the records of channels c..c+3; x, xe = multiplier, shift; v, ve = the
                // rounding constant, then the result; a0 and b0, once stored, hold out0 + c and
                // out1 + c; each accumulator's register holds its own sign (merged rounding).
                "ldr    %[e], %[cq]\n\t"
                "add    %[e], %[e], %[c], lsl #4\n\t"
                "ldrd   %[x], %[xe], [%[e]]\n\t"
                MOTE_DSP_DW_STORE("a0", "0", "ldr %[a0], %[out0]\n\tadd %[a0], %[a0], %[c]\n\tstrb %[ve], [%[a0]]")
                MOTE_DSP_DW_STORE("b0", "0", "ldr %[b0], %[out1]\n\tadd %[b0], %[b0], %[c]\n\tstrb %[ve], [%[b0]]")
                "ldrd   %[x], %[xe], [%[e], #16]\n\t"
                MOTE_DSP_DW_STORE("a1", "16", "strb %[ve], [%[a0], #1]")
                MOTE_DSP_DW_STORE("b1", "16", "strb %[ve], [%[b0], #1]")
                "ldrd   %[x], %[xe], [%[e], #32]\n\t"
                MOTE_DSP_DW_STORE("a2", "32", "strb %[ve], [%[a0], #2]")
                MOTE_DSP_DW_STORE("b2", "32", "strb %[ve], [%[b0], #2]")
                "ldrd   %[x], %[xe], [%[e], #48]\n\t"
                MOTE_DSP_DW_STORE("a3", "48", "strb %[ve], [%[a0], #3]")
                MOTE_DSP_DW_STORE("b3", "48", "strb %[ve], [%[b0], #3]")
                "add    %[c], %[c], #4\n\t"
                "ldr    %[x], %[full]\n\t"
                "cmp    %[c], %[x]\n\t"
                "bne    0b\n\t"
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [b0] "=&r"(b0),
                  [b1] "=&r"(b1), [b2] "=&r"(b2), [b3] "=&r"(b3), [e] "=&r"(e), [v] "=&r"(v),
                  [ve] "=&r"(ve), [x] "=&r"(x), [xe] "=&r"(xe), [c] "+&r"(c)
                : [tab] "m"(tab), [bias] "m"(bias), [cq] "m"(cq), [out0] "m"(out0), [out1] "m"(out1),
                  [full] "m"(full)
                : "cc", "memory");
#undef MOTE_DSP_DW_STORE
        }
        for (int c = full; c < n; ++c) {
            std::int32_t a = bias[c], b = a;
            for (const std::int8_t* const* e = tab; *e; e += 3) {
                const std::int32_t v = e[0][c];
                a += e[1][c] * v, b += e[2][c] * v;
            }
            out0[c] = requantize_plain(a, cq[c]), out1[c] = requantize_plain(b, cq[c]);
        }
    }
#undef MOTE_DSP_DW_TAP_LOOP
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
    // A 2 pixels × 2 channels block of a Requant::plain() layer: acc = {p0 c0, p0 c1, p1 c0,
    // p1 c1}, channel records cq[0], cq[1]; out0[0..1], out1[0..1]. 34 instructions.
    static void requantize_store_2x2(const std::int32_t* acc, const ChannelQ* cq, std::int8_t* out0,
                                     std::int8_t* out1) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        std::int32_t m, sh, rh;
        std::uint32_t rl;
#define MOTE_DSP_REQUANT_STORE(A, RECORD, OUT, AT)                                                  \
        MOTE_DSP_PLAIN_OUTPUT(A, "rl", "rh", "m", "sh", "ldrd   %[rl], %[rh], [%[cq], #" RECORD "+8]", \
                              "strb   %[rh], [%[" OUT "], #" AT "]")
        __asm__ volatile(
            "ldrd   %[m], %[sh], [%[cq]]\n\t"
            MOTE_DSP_REQUANT_STORE("a0", "0", "o0", "0")
            MOTE_DSP_REQUANT_STORE("a2", "0", "o1", "0")
            "ldrd   %[m], %[sh], [%[cq], #16]\n\t"
            MOTE_DSP_REQUANT_STORE("a1", "16", "o0", "1")
            MOTE_DSP_REQUANT_STORE("a3", "16", "o1", "1")
            : [m] "=&r"(m), [sh] "=&r"(sh), [rl] "=&r"(rl), [rh] "=&r"(rh), [a0] "+r"(a0),
              [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)
            : [cq] "r"(cq), [o0] "r"(out0), [o1] "r"(out1)
            : "cc", "memory");
#undef MOTE_DSP_REQUANT_STORE
    }
    // One output of a Requant::plain() layer.
    [[gnu::always_inline]] static std::int8_t requantize_plain(std::int32_t acc, const ChannelQ& c) {
        return static_cast<std::int8_t>(__ssat(requantize_right(acc, c), 8));
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

#undef MOTE_DSP_PLAIN_OUTPUT

}  // namespace mote::kernels::arch::dsp
