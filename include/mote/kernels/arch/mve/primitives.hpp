#pragma once
// Arm Helium (M-profile Vector Extension, Cortex-M55/M85: __ARM_FEATURE_MVE) primitives.
//
// GEMM: VMLADAVA.S8 multiplies 16 int8 pairs and adds all products to a scalar, so columns stay
// int8 (pointwise convolutions and dense layers read their input in place) and weights keep the
// TFLite order. The dot products are tail-predicated low-overhead loops (DLSTP.8/LETP, inline
// asm: GCC 12 does not emit them), so a column of any length is one loop with no scalar tail:
// 2 pixels × 2 channels is 9 instructions per 64 MACs, 1 × 4 (dense) 10 per 64. A GEMM block
// runs all its channel pairs in one asm loop (mac_pairs_2px*: bias load, dot products, stores);
// short columns (k ≤ 32) stay in Q registers for the whole block, and for k % 16 = 0 their
// first 32 elements do.
//
// All-right-shift layers (every MLPerf Tiny model) requantize in asm (requant_right_2x8), both
// pixels of a GEMM block or depthwise pair per call; depthwise groups leave their sums in a stack
// row for it (1 KiB), and channel counts 8/16/32/64 get immediate weight steps.
//
// Requantization, 8 channels per step, exactly the reference's two roundings:
// VQRDMULH is SaturatingRoundingDoublingHighMul (its saturation needs a multiplier of INT32_MIN,
// which never occurs), and VRSHL by −r of (y − [y < 0]) is RoundingDivideByPOT (round half away
// from zero; r ≥ 1). Accumulators go in as even and odd channels (VLD2 of an accumulator row, or
// the depthwise kernel's VMULLB/VMULLT halves), are narrowed with saturation into one int16
// vector in channel order (VQMOVNB/VQMOVNT), offset by the zero point (saturating, so values
// beyond int16 still clamp right), clamped and stored with one VSTRB.16. Per-channel multipliers
// and shifts are gathered (VLDRW gather, stride of the 16-byte ChannelQ) once per 8 channels and
// shared by the two pixels of a GEMM block. The MVE path ignores ChannelQ::round_lo/hi, so it
// always adds the output zero point itself (zp_in_round only concerns the merged-rounding path).
//
// Depthwise (multiplier 1): two output pixels share every weight load; 8 channels per vector
// as int16 (VLDRB.S16 widens on load), products VMULLB/VMULLT.S16 exact in int32, accumulated
// in int32, requantized in registers (no accumulator row), 8 outputs per VSTRB.16.
#include <arm_mve.h>

#include <cstddef>
#include <cstdint>

#include "mote/core/shape.hpp"
#include "mote/kernels/primitive_set.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels::arch::mve {

namespace detail {

// Per 8 channels c..c+7: multipliers and shift amounts of the even (c, c+2, c+4, c+6) and odd
// channels. AllRight: every exponent < 0, `ne`/`no` = −r (VMVN of ChannelQ::shift = −shift − 1).
// Otherwise `ne`/`no` hold ChannelQ::shift as is and requant_vec derives both shifts.
struct Params8 {
    int32x4_t me, mo, ne, no;
};

template <bool AllRight>
inline Params8 params8(const ChannelQ* cq) {
    const uint32x4_t off = vidupq_n_u32(0, 8);  // words: 0, 8, 16, 24 = records 0, 2, 4, 6
    const auto* m = reinterpret_cast<const std::int32_t*>(cq);
    Params8 p;
    p.me = vldrwq_gather_shifted_offset_s32(m, off);
    p.mo = vldrwq_gather_shifted_offset_s32(m + 4, off);
    p.ne = vldrwq_gather_shifted_offset_s32(m + 1, off);
    p.no = vldrwq_gather_shifted_offset_s32(m + 5, off);
    if constexpr (AllRight) p.ne = vmvnq_s32(p.ne), p.no = vmvnq_s32(p.no);
    return p;
}

// The same for the first `left` (< 8) channels only: no record past the end is read.
template <bool AllRight>
inline Params8 params8_z(const ChannelQ* cq, int left) {
    const uint32x4_t off = vidupq_n_u32(0, 8);
    const auto* m = reinterpret_cast<const std::int32_t*>(cq);
    const mve_pred16_t pe = vctp32q(static_cast<std::uint32_t>((left + 1) >> 1));
    const mve_pred16_t po = vctp32q(static_cast<std::uint32_t>(left >> 1));
    Params8 p;
    p.me = vldrwq_gather_shifted_offset_z_s32(m, off, pe);
    p.mo = vldrwq_gather_shifted_offset_z_s32(m + 4, off, po);
    p.ne = vldrwq_gather_shifted_offset_z_s32(m + 1, off, pe);
    p.no = vldrwq_gather_shifted_offset_z_s32(m + 5, off, po);
    if constexpr (AllRight) p.ne = vmvnq_s32(p.ne), p.no = vmvnq_s32(p.no);
    return p;
}

// The reference's multiply_by_quantized_multiplier, 4 lanes (before the zero point).
template <bool AllRight>
inline int32x4_t requant_vec(int32x4_t acc, int32x4_t m, int32x4_t s) {
    if constexpr (AllRight) {
        const int32x4_t y = vqrdmulhq_s32(acc, m);
        return vrshlq_s32(vaddq_s32(y, vshrq_n_s32(y, 31)), s);
    } else {
        // s = ChannelQ::shift: exponent < 0 → r − 1 (right shift r); else −e − 1 (left shift e)
        const int32x4_t right = vmaxq_s32(vaddq_n_s32(s, 1), vdupq_n_s32(0));
        const int32x4_t left = vmaxq_s32(vsubq_s32(vdupq_n_s32(-1), s), vdupq_n_s32(0));
        const int32x4_t y = vqrdmulhq_s32(vshlq_s32(acc, left), m);
        const mve_pred16_t shifted = vcmpgtq_n_s32(right, 0);
        return vrshlq_s32(vaddq_m_s32(y, y, vshrq_n_s32(y, 31), shifted), vnegq_s32(right));
    }
}

struct Out8 {
    std::int16_t zp;
    int16x8_t lo, hi;
    explicit Out8(const Requant& q)
        : zp(static_cast<std::int16_t>(q.output_zero_point)),
          lo(vdupq_n_s16(static_cast<std::int16_t>(q.min))),
          hi(vdupq_n_s16(static_cast<std::int16_t>(q.max))) {}
};

// Even/odd channel results (before the zero point) → 8 int8 in channel order at out.
inline void store8(int32x4_t ye, int32x4_t yo, const Out8& o, std::int8_t* out) {
    int16x8_t r = vqmovnbq_s32(vreinterpretq_s16_s32(ye), ye);
    r = vqmovntq_s32(r, yo);
    r = vminq_s16(vmaxq_s16(vqaddq_n_s16(r, o.zp), o.lo), o.hi);
    vstrbq_s16(out, r);
}
inline void store8_p(int32x4_t ye, int32x4_t yo, const Out8& o, std::int8_t* out, int n) {
    int16x8_t r = vqmovnbq_s32(vreinterpretq_s16_s32(ye), ye);
    r = vqmovntq_s32(r, yo);
    r = vminq_s16(vmaxq_s16(vqaddq_n_s16(r, o.zp), o.lo), o.hi);
    vstrbq_p_s16(out, r, vctp16q(static_cast<std::uint32_t>(n)));
}

// All right shifts, two accumulator rows, `groups` (≥ 1) × 8 channels: 43 instructions per 16
// outputs (39 or 41 when the clamp is only the int8 range or only a lower bound). Parameters by vector-base gathers with writeback (records 0, 2, 4, 6 of each 8);
// y − [y < 0] as a predicated add of −1; the upper clamp broadcast each time (Q registers run out).
template <int Clamp>
[[gnu::always_inline]] inline void requant_right_2x8_(const std::int32_t* a0, const std::int32_t* a1, const ChannelQ* cq, const Out8& o,
                              std::int8_t* o0, std::int8_t* o1, int groups) {
    uint32x4_t qb = vaddq_n_u32(vshlq_n_u32(vidupq_n_u32(0, 8), 2),
                                static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(cq)) - 128u);
    const int zp = o.zp, hi = vgetq_lane_s16(o.hi, 0), m1 = -1;
    asm volatile(
        "dls lr, %[g]\n"
        "1:\n\t"
        "vldrw.u32 q2, [%q[qb], #128]!\n\t"
        "vldrw.u32 q3, [%q[qb], #4]\n\t"
        "vldrw.u32 q4, [%q[qb], #16]\n\t"
        "vldrw.u32 q5, [%q[qb], #20]\n\t"
        "vmvn q3, q3\n\t"
        "vmvn q5, q5\n\t"
        "vld20.32 {q6, q7}, [%[a0]]\n\t"
        "vld21.32 {q6, q7}, [%[a0]]!\n\t"
        "vqrdmulh.s32 q6, q6, q2\n\t"
        "vqrdmulh.s32 q7, q7, q4\n\t"
        "vpt.s32 le, q6, %[m1]\n\t"
        "vaddt.i32 q6, q6, %[m1]\n\t"
        "vpt.s32 le, q7, %[m1]\n\t"
        "vaddt.i32 q7, q7, %[m1]\n\t"
        "vrshl.s32 q6, q6, q3\n\t"
        "vrshl.s32 q7, q7, q5\n\t"
        "vqmovnb.s32 q6, q6\n\t"
        "vqmovnt.s32 q6, q7\n\t"
        "vqadd.s16 q6, q6, %[zp]\n\t"
        ".if %c[cl] < 2\n\t"
        "vmax.s16 q6, q6, %q[lo]\n\t"
        ".endif\n\t"
        ".if %c[cl] == 0\n\t"
        "vdup.16 q7, %[hi]\n\t"
        "vmin.s16 q6, q6, q7\n\t"
        ".else\n\t"
        "vqmovnb.s16 q6, q6\n\t"  // hi = 127: the byte VSTRB.16 keeps, saturated
        ".endif\n\t"
        "vstrb.16 q6, [%[o0]], #8\n\t"
        "vld20.32 {q6, q7}, [%[a1]]\n\t"
        "vld21.32 {q6, q7}, [%[a1]]!\n\t"
        "vqrdmulh.s32 q6, q6, q2\n\t"
        "vqrdmulh.s32 q7, q7, q4\n\t"
        "vpt.s32 le, q6, %[m1]\n\t"
        "vaddt.i32 q6, q6, %[m1]\n\t"
        "vpt.s32 le, q7, %[m1]\n\t"
        "vaddt.i32 q7, q7, %[m1]\n\t"
        "vrshl.s32 q6, q6, q3\n\t"
        "vrshl.s32 q7, q7, q5\n\t"
        "vqmovnb.s32 q6, q6\n\t"
        "vqmovnt.s32 q6, q7\n\t"
        "vqadd.s16 q6, q6, %[zp]\n\t"
        ".if %c[cl] < 2\n\t"
        "vmax.s16 q6, q6, %q[lo]\n\t"
        ".endif\n\t"
        ".if %c[cl] == 0\n\t"
        "vdup.16 q7, %[hi]\n\t"
        "vmin.s16 q6, q6, q7\n\t"
        ".else\n\t"
        "vqmovnb.s16 q6, q6\n\t"  // hi = 127: the byte VSTRB.16 keeps, saturated
        ".endif\n\t"
        "vstrb.16 q6, [%[o1]], #8\n\t"
        "le lr, 1b\n"
        : [qb] "+w"(qb), [a0] "+r"(a0), [a1] "+r"(a1), [o0] "+l"(o0), [o1] "+l"(o1)
        : [g] "r"(groups), [lo] "w"(o.lo), [zp] "r"(zp), [hi] "r"(hi), [m1] "r"(m1), [cl] "n"(Clamp)
        : "q2", "q3", "q4", "q5", "q6", "q7", "lr", "memory");
}

// Clamp 2: [−128, 127] (the int16 → int8 saturation does it), 1: upper bound 127, 0: any.
[[gnu::always_inline]] inline void requant_right_2x8(const std::int32_t* a0, const std::int32_t* a1, const ChannelQ* cq, const Out8& o,
                              std::int8_t* o0, std::int8_t* o1, int groups) {
    const int lo = vgetq_lane_s16(o.lo, 0), hi = vgetq_lane_s16(o.hi, 0);
    if (hi != 127) requant_right_2x8_<0>(a0, a1, cq, o, o0, o1, groups);
    else if (lo != -128) requant_right_2x8_<1>(a0, a1, cq, o, o0, o1, groups);
    else requant_right_2x8_<2>(a0, a1, cq, o, o0, o1, groups);
}

// One or two accumulator rows (channel first + i), 8 channels per step, scalar tail.
template <bool AllRight, int Rows>
inline void requantize_rows(const std::int32_t* acc0, const std::int32_t* acc1, const Requant& q,
                            int first, int n, std::int8_t* out0, std::int8_t* out1) {
    const ChannelQ* cq = q.q + first;
    const Out8 o(q);
    int i = 0;
    if constexpr (AllRight && Rows == 2) {
        if (n >= 8) {
            i = n & ~7;
            requant_right_2x8(acc0, acc1, cq, o, out0, out1, n >> 3);
        }
    }
    for (; i + 8 <= n; i += 8) {
        const Params8 p = params8<AllRight>(cq + i);
        const int32x4x2_t a = vld2q_s32(acc0 + i);
        store8(requant_vec<AllRight>(a.val[0], p.me, p.ne), requant_vec<AllRight>(a.val[1], p.mo, p.no), o,
               out0 + i);
        if constexpr (Rows == 2) {
            const int32x4x2_t b = vld2q_s32(acc1 + i);
            store8(requant_vec<AllRight>(b.val[0], p.me, p.ne), requant_vec<AllRight>(b.val[1], p.mo, p.no), o,
                   out1 + i);
        }
    }
    if (i < n) {
        requantize_row_scalar(acc0 + i, q, first + i, n - i, out0 + i);
        if constexpr (Rows == 2) requantize_row_scalar(acc1 + i, q, first + i, n - i, out1 + i);
    }
}

// Dot products, tail-predicated loops (k ≥ 1). Accumulators must be even registers (Te).
inline void mac_2x2(const std::int8_t* c0, const std::int8_t* c1, const std::int8_t* w0,
                    const std::int8_t* w1, int k, std::int32_t& a0, std::int32_t& a1,
                    std::int32_t& a2, std::int32_t& a3) {
    asm volatile(
        "dlstp.8 lr, %[k]\n"
        "1:\n\t"
        "vldrb.u8 q0, [%[c0]], #16\n\t"
        "vldrb.u8 q1, [%[c1]], #16\n\t"
        "vldrb.u8 q2, [%[w0]], #16\n\t"
        "vldrb.u8 q3, [%[w1]], #16\n\t"
        "vmladava.s8 %[a0], q0, q2\n\t"
        "vmladava.s8 %[a1], q0, q3\n\t"
        "vmladava.s8 %[a2], q1, q2\n\t"
        "vmladava.s8 %[a3], q1, q3\n\t"
        "letp lr, 1b\n"
        : [a0] "+Te"(a0), [a1] "+Te"(a1), [a2] "+Te"(a2), [a3] "+Te"(a3), [c0] "+r"(c0),
          [c1] "+r"(c1), [w0] "+r"(w0), [w1] "+r"(w1)
        : [k] "r"(k)
        : "q0", "q1", "q2", "q3", "lr", "memory");
}
inline void mac_1x2(const std::int8_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                    std::int32_t& a0, std::int32_t& a1) {
    asm volatile(
        "dlstp.8 lr, %[k]\n"
        "1:\n\t"
        "vldrb.u8 q0, [%[c]], #16\n\t"
        "vldrb.u8 q1, [%[w0]], #16\n\t"
        "vldrb.u8 q2, [%[w1]], #16\n\t"
        "vmladava.s8 %[a0], q0, q1\n\t"
        "vmladava.s8 %[a1], q0, q2\n\t"
        "letp lr, 1b\n"
        : [a0] "+Te"(a0), [a1] "+Te"(a1), [c] "+r"(c), [w0] "+r"(w0), [w1] "+r"(w1)
        : [k] "r"(k)
        : "q0", "q1", "q2", "lr", "memory");
}
inline void mac_1x4(const std::int8_t* c, const std::int8_t* w0, const std::int8_t* w1,
                    const std::int8_t* w2, const std::int8_t* w3, int k, std::int32_t& a0,
                    std::int32_t& a1, std::int32_t& a2, std::int32_t& a3) {
    asm volatile(
        "dlstp.8 lr, %[k]\n"
        "1:\n\t"
        "vldrb.u8 q0, [%[c]], #16\n\t"
        "vldrb.u8 q1, [%[w0]], #16\n\t"
        "vldrb.u8 q2, [%[w1]], #16\n\t"
        "vmladava.s8 %[a0], q0, q1\n\t"
        "vldrb.u8 q3, [%[w2]], #16\n\t"
        "vmladava.s8 %[a1], q0, q2\n\t"
        "vldrb.u8 q1, [%[w3]], #16\n\t"
        "vmladava.s8 %[a2], q0, q3\n\t"
        "vmladava.s8 %[a3], q0, q1\n\t"
        "letp lr, 1b\n"
        : [a0] "+Te"(a0), [a1] "+Te"(a1), [a2] "+Te"(a2), [a3] "+Te"(a3), [c] "+r"(c),
          [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3)
        : [k] "r"(k)
        : "q0", "q1", "q2", "q3", "lr", "memory");
}
// `pairs` (≥ 1) channel pairs of a 2-pixel block in one loop, starting from bias[0..2·pairs):
// pixel 0's sums to acc[2j], acc[2j + 1], pixel 1's to acc[Stride + 2j], acc[Stride + 2j + 1]; weight rows
// w + 2jk and w + (2j + 1)k. 11 (k % 16 = 0) or 12 instructions per pair outside the 9-instruction DLSTP loop.
// Uses every general register but sp and pc (r7 saved on the stack, so a frame pointer survives).
template <int Stride, bool K16>
inline void mac_pairs_2px(const std::int8_t* c0, const std::int8_t* c1, const std::int8_t* w, int k,
                          const std::int32_t* bias, std::int32_t* acc, int pairs) {
    register const std::int32_t* rb asm("r0") = bias;
    register const std::int8_t* rc0 asm("r1") = c0;
    register const std::int8_t* rc1 asm("r3") = c1;
    register const std::int8_t* rw asm("r5") = w;
    register int rk asm("r9") = k;
    register int rkr asm("r10") = (k + 15) & ~15;  // how far a loop advances each pointer
    register std::int32_t* rp asm("r11") = acc;
    register std::int32_t* re asm("r12") = acc + 2 * pairs;
    asm volatile(
        "push {r7}\n\t"
        "mov r7, r0\n"
        "1:\n\t"
        "ldrd r0, r2, [r7], #8\n\t"
        "ldrd r4, r6, [r7, #-8]\n\t"
        "add r8, r5, r9\n\t"
        "dlstp.8 lr, r9\n"
        "2:\n\t"
        "vldrb.u8 q0, [r1], #16\n\t"
        "vldrb.u8 q1, [r3], #16\n\t"
        "vldrb.u8 q2, [r5], #16\n\t"
        "vldrb.u8 q3, [r8], #16\n\t"
        "vmladava.s8 r0, q0, q2\n\t"
        "vmladava.s8 r2, q0, q3\n\t"
        "vmladava.s8 r4, q1, q2\n\t"
        "vmladava.s8 r6, q1, q3\n\t"
        "letp lr, 2b\n\t"
        "sub r1, r1, r10\n\t"
        "sub r3, r3, r10\n\t"
        ".if %c[k16]\n\t"
        "mov r5, r8\n\t"  // k % 16 == 0: the second row's end is the next pair's start
        ".else\n\t"
        "sub r5, r8, r10\n\t"
        "add r5, r5, r9\n\t"
        ".endif\n\t"
        "strd r4, r6, [r11, %[off]]\n\t"
        "strd r0, r2, [r11], #8\n\t"
        "cmp r11, r12\n\t"
        "bne 1b\n\t"
        "pop {r7}\n"
        : "+r"(rb), "+r"(rc0), "+r"(rc1), "+r"(rw), "+r"(rp)
        : "r"(rk), "r"(rkr), "r"(re), [off] "n"(4 * Stride), [k16] "n"(K16 ? 1 : 0)
        : "r2", "r4", "r6", "r8", "q0", "q1", "q2", "q3", "lr", "cc", "memory");
}
// k % 16 = 0, k ≥ 48: the first 32 elements of both columns stay in q0–q3 for every pair (12
// instructions per pair for them instead of two 9-instruction iterations), the rest is the loop.
template <int Stride>
inline void mac_pairs_2px_hoist(const std::int8_t* c0, const std::int8_t* c1, const std::int8_t* w, int k,
                                const std::int32_t* bias, std::int32_t* acc, int pairs) {
    register const std::int32_t* rb asm("r0") = bias;
    register const std::int8_t* rc0 asm("r1") = c0;
    register const std::int8_t* rc1 asm("r3") = c1;
    register const std::int8_t* rw asm("r5") = w;
    register int rk32 asm("r9") = k - 32;  // the loop's elements, and how far it moves c0 and c1
    register int rk asm("r10") = k;
    register std::int32_t* rp asm("r11") = acc;
    register std::int32_t* re asm("r12") = acc + 2 * pairs;
    asm volatile(
        "push {r7}\n\t"
        "mov r7, r0\n\t"
        "vldrb.u8 q0, [r1], #16\n\t"
        "vldrb.u8 q1, [r1], #16\n\t"
        "vldrb.u8 q2, [r3], #16\n\t"
        "vldrb.u8 q3, [r3], #16\n"
        "1:\n\t"
        "ldrd r0, r2, [r7], #8\n\t"
        "ldrd r4, r6, [r7, #-8]\n\t"
        "add r8, r5, r10\n\t"
        "vldrb.u8 q4, [r5], #16\n\t"
        "vldrb.u8 q5, [r8], #16\n\t"
        "vmladava.s8 r0, q0, q4\n\t"
        "vmladava.s8 r2, q0, q5\n\t"
        "vmladava.s8 r4, q2, q4\n\t"
        "vmladava.s8 r6, q2, q5\n\t"
        "vldrb.u8 q4, [r5], #16\n\t"
        "vldrb.u8 q5, [r8], #16\n\t"
        "vmladava.s8 r0, q1, q4\n\t"
        "vmladava.s8 r2, q1, q5\n\t"
        "vmladava.s8 r4, q3, q4\n\t"
        "vmladava.s8 r6, q3, q5\n\t"
        "dlstp.8 lr, r9\n"
        "2:\n\t"
        "vldrb.u8 q4, [r1], #16\n\t"
        "vldrb.u8 q5, [r3], #16\n\t"
        "vldrb.u8 q6, [r5], #16\n\t"
        "vldrb.u8 q7, [r8], #16\n\t"
        "vmladava.s8 r0, q4, q6\n\t"
        "vmladava.s8 r2, q4, q7\n\t"
        "vmladava.s8 r4, q5, q6\n\t"
        "vmladava.s8 r6, q5, q7\n\t"
        "letp lr, 2b\n\t"
        "sub r1, r1, r9\n\t"
        "sub r3, r3, r9\n\t"
        "mov r5, r8\n\t"
        "strd r4, r6, [r11, %[off]]\n\t"
        "strd r0, r2, [r11], #8\n\t"
        "cmp r11, r12\n\t"
        "bne 1b\n\t"
        "pop {r7}\n"
        : "+r"(rb), "+r"(rc0), "+r"(rc1), "+r"(rw), "+r"(rp)
        : "r"(rk32), "r"(rk), "r"(re), [off] "n"(4 * Stride)
        : "r2", "r4", "r6", "r8", "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "lr", "cc", "memory");
}

// The same for k ≤ 16: both columns stay in registers (zero beyond k), 14 instructions per pair.
template <int Stride>
inline void mac_pairs_2px_short(const std::int8_t* c0, const std::int8_t* c1, const std::int8_t* w, int k,
                                const std::int32_t* bias, std::int32_t* acc, int pairs) {
    asm volatile(
        "vctp.8 %[k]\n\t"
        "vpstt\n\t"
        "vldrbt.u8 q0, [%[c0]]\n\t"
        "vldrbt.u8 q1, [%[c1]]\n\t"
        "add %[c0], %[w], %[k]\n\t"  // c0: the second row
        "lsl %[c1], %[k], #1\n\t"     // c1: 2k
        "dls lr, %[pairs]\n"
        "1:\n\t"
        "ldrd r0, r2, [%[bias]], #8\n\t"
        "ldrd r4, r6, [%[bias], #-8]\n\t"
        "vpstt\n\t"
        "vldrbt.u8 q2, [%[w]]\n\t"
        "vldrbt.u8 q3, [%[c0]]\n\t"
        "add %[w], %[w], %[c1]\n\t"
        "add %[c0], %[c0], %[c1]\n\t"
        "vmladava.s8 r0, q0, q2\n\t"
        "vmladava.s8 r2, q0, q3\n\t"
        "vmladava.s8 r4, q1, q2\n\t"
        "vmladava.s8 r6, q1, q3\n\t"
        "strd r4, r6, [%[p], %[off]]\n\t"
        "strd r0, r2, [%[p]], #8\n\t"
        "le lr, 1b\n"
        : [w] "+r"(w), [bias] "+r"(bias), [p] "+r"(acc), [c0] "+r"(c0), [c1] "+r"(c1)
        : [k] "r"(k), [pairs] "r"(pairs), [off] "n"(4 * Stride)
        : "r0", "r2", "r4", "r6", "q0", "q1", "q2", "q3", "lr", "memory");
}
// 16 < k ≤ 32: two vectors per column in registers (the second zero beyond k), 20 per pair.
template <int Stride>
inline void mac_pairs_2px_32(const std::int8_t* c0, const std::int8_t* c1, const std::int8_t* w, int k,
                             const std::int32_t* bias, std::int32_t* acc, int pairs) {
    asm volatile(
        "vldrb.u8 q0, [%[c0]]\n\t"
        "vldrb.u8 q2, [%[c1]]\n\t"
        "sub lr, %[k], #16\n\t"
        "vctp.8 lr\n\t"
        "vpstt\n\t"
        "vldrbt.u8 q1, [%[c0], #16]\n\t"
        "vldrbt.u8 q3, [%[c1], #16]\n\t"
        "add %[c0], %[w], %[k]\n\t"  // c0: the second row
        "lsl %[c1], %[k], #1\n\t"     // c1: 2k
        "dls lr, %[pairs]\n"
        "1:\n\t"
        "ldrd r0, r2, [%[bias]], #8\n\t"
        "ldrd r4, r6, [%[bias], #-8]\n\t"
        "vldrb.u8 q4, [%[w]]\n\t"
        "vldrb.u8 q5, [%[c0]]\n\t"
        "vmladava.s8 r0, q0, q4\n\t"
        "vmladava.s8 r2, q0, q5\n\t"
        "vmladava.s8 r4, q2, q4\n\t"
        "vmladava.s8 r6, q2, q5\n\t"
        "vpstt\n\t"
        "vldrbt.u8 q4, [%[w], #16]\n\t"
        "vldrbt.u8 q5, [%[c0], #16]\n\t"
        "vmladava.s8 r0, q1, q4\n\t"
        "vmladava.s8 r2, q1, q5\n\t"
        "vmladava.s8 r4, q3, q4\n\t"
        "vmladava.s8 r6, q3, q5\n\t"
        "add %[w], %[w], %[c1]\n\t"
        "add %[c0], %[c0], %[c1]\n\t"
        "strd r4, r6, [%[p], %[off]]\n\t"
        "strd r0, r2, [%[p]], #8\n\t"
        "le lr, 1b\n"
        : [w] "+r"(w), [bias] "+r"(bias), [p] "+r"(acc), [c0] "+r"(c0), [c1] "+r"(c1)
        : [k] "r"(k), [pairs] "r"(pairs), [off] "n"(4 * Stride)
        : "r0", "r2", "r4", "r6", "q0", "q1", "q2", "q3", "q4", "q5", "lr", "memory");
}
inline std::int32_t mac_1x1(const std::int8_t* c, const std::int8_t* w, int k, std::int32_t a) {
    asm volatile(
        "dlstp.8 lr, %[k]\n"
        "1:\n\t"
        "vldrb.u8 q0, [%[c]], #16\n\t"
        "vldrb.u8 q1, [%[w]], #16\n\t"
        "vmladava.s8 %[a], q0, q1\n\t"
        "letp lr, 1b\n"
        : [a] "+Te"(a), [c] "+r"(c), [w] "+r"(w)
        : [k] "r"(k)
        : "q0", "q1", "lr", "memory");
    return a;
}

}  // namespace detail

struct Primitives {
    using col_t = std::int8_t;
    using weight_t = std::int8_t;
    static constexpr WeightLayout layout = WeightLayout::rows;
    static constexpr Capabilities capabilities{.gemm_block = true, .whole_depthwise = true, .four_row_dot = true};

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        int i = 0;
        for (; i + 16 <= n; i += 16) vstrbq_s8(dst + i, vldrbq_s8(src + i));
        if (i < n) {
            const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(n - i));
            vstrbq_p_s8(dst + i, vldrbq_z_s8(src + i, p), p);
        }
    }
    static void fill_col(col_t* dst, int n, std::int32_t v) {
        const int8x16_t z = vdupq_n_s8(static_cast<std::int8_t>(v));
        for (int i = 0; i < n; i += 16) vstrbq_p_s8(dst + i, z, vctp8q(static_cast<std::uint32_t>(n - i)));
    }
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t* w1, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        detail::mac_2x2(c0, c1, w0, w1, k, a0, a1, a2, a3);
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                        std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1];
        detail::mac_1x2(c, w0, w1, k, a0, a1);
        acc[0] = a0, acc[1] = a1;
    }
    // Four weight rows w, w + k, w + 2k, w + 3k (Dense).
    static void dot_1x4(const col_t* c, const std::int8_t* w, int k, std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        detail::mac_1x4(c, w, w + k, w + 2 * k, w + 3 * k, k, a0, a1, a2, a3);
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        return detail::mac_1x1(c, w, k, acc);
    }

    // GEMM of `rows` weight rows against one or two columns (conv2d.hpp's gemm_rows): channels
    // in chunks of 64, the two pixels' accumulator rows requantized together (shared parameters).
    template <int Pixels>
    static void gemm_block(const col_t* c0, const col_t* c1, int k, int rows, const Requant& q,
                           const std::int8_t* w, std::int8_t* out0, std::int8_t* out1,
                           const std::int16_t* index) {
        constexpr int chunk = 64;
        alignas(16) std::int32_t accs[2 * chunk];
        std::int32_t *const acc0 = accs, *const acc1 = accs + chunk;
        alignas(8) std::int8_t val0[chunk], val1[chunk];
        const std::int32_t* bias = q.bias;
        for (int o0 = 0; o0 < rows; o0 += chunk, bias += chunk) {
            const int n = rows - o0 < chunk ? rows - o0 : chunk;
            int j = 0;
            if constexpr (Pixels == 2) {
                if (n >= 2) {
                    j = n & ~1;
                    if (k <= 16) detail::mac_pairs_2px_short<chunk>(c0, c1, w, k, bias, accs, j >> 1);
                    else if (k <= 32) detail::mac_pairs_2px_32<chunk>(c0, c1, w, k, bias, accs, j >> 1);
                    else if (k % 16 == 0) detail::mac_pairs_2px_hoist<chunk>(c0, c1, w, k, bias, accs, j >> 1);
                    else detail::mac_pairs_2px<chunk, false>(c0, c1, w, k, bias, accs, j >> 1);
                    w += j * k;
                }
                if (j < n) {
                    acc0[j] = detail::mac_1x1(c0, w, k, bias[j]);
                    acc1[j] = detail::mac_1x1(c1, w, k, bias[j]);
                    w += k;
                }
            } else {
                for (; j + 3 < n; j += 4, w += 4 * k) {
                    std::int32_t a0 = bias[j], a1 = bias[j + 1], a2 = bias[j + 2], a3 = bias[j + 3];
                    detail::mac_1x4(c0, w, w + k, w + 2 * k, w + 3 * k, k, a0, a1, a2, a3);
                    acc0[j] = a0, acc0[j + 1] = a1, acc0[j + 2] = a2, acc0[j + 3] = a3;
                }
                for (; j < n; ++j, w += k) acc0[j] = detail::mac_1x1(c0, w, k, bias[j]);
            }
            std::int8_t* d0 = index ? val0 : out0 + o0;
            std::int8_t* d1 = index ? val1 : (Pixels == 2 ? out1 + o0 : nullptr);
            if (Pixels == 2 && q.all_right_shifts && n >= 8) {
                const int g8 = n & ~7;  // in line: no call and parameter setup per block
                detail::requant_right_2x8(acc0, acc1, q.q + o0, detail::Out8(q), d0, d1, n >> 3);
                if (g8 < n) requantize_rows<Pixels>(acc0 + g8, acc1 + g8, q, o0 + g8, n - g8, d0 + g8, d1 + g8);
            } else {
                requantize_rows<Pixels>(acc0, acc1, q, o0, n, d0, d1);
            }
            if (index) {
                for (int i = 0; i < n; ++i) {
                    const int o = index[o0 + i];
                    out0[o] = val0[i];
                    if constexpr (Pixels == 2) out1[o] = val1[i];
                }
            }
        }
    }

    // Depthwise, two output pixels (see portable.hpp): tab per tap {weights, pixel 0, pixel 1}.
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        for (int c = 0; c < n; c += 4) {
            const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(n - c));
            int32x4_t a = vldrwq_z_s32(bias + c, p), b = a;
            for (const std::int8_t* const* e = tab; *e; e += 3) {
                const int32x4_t wt = vldrbq_z_s32(e[0] + c, p);
                a = vaddq_s32(a, vmulq_s32(vldrbq_z_s32(e[1] + c, p), wt));
                b = vaddq_s32(b, vmulq_s32(vldrbq_z_s32(e[2] + c, p), wt));
            }
            vstrwq_p_s32(acc0 + c, a, p);
            vstrwq_p_s32(acc1 + c, b, p);
        }
    }

    // Depthwise multiplier 1, the whole layer (depthwise_conv2d.hpp hands it over).
    static void depthwise(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                          const std::int8_t* in, const std::int8_t* weights, std::int8_t* out);

    template <int Rows = 1>
    static void requantize_rows(const std::int32_t* acc0, const std::int32_t* acc1, const Requant& q,
                                int first, int n, std::int8_t* out0, std::int8_t* out1) {
        if (q.all_right_shifts) detail::requantize_rows<true, Rows>(acc0, acc1, q, first, n, out0, out1);
        else detail::requantize_rows<false, Rows>(acc0, acc1, q, first, n, out0, out1);
    }
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        requantize_rows<1>(acc, nullptr, q, first, n, out, nullptr);
    }
};

namespace detail {

inline constexpr int dw_max_taps = 64;
inline constexpr int dw_chunk = 128;  // channels per pass (the zero-point row on the stack)

// Two pixels, 8 channels: e0/d0 (pixel 0, even/odd channels) and e1/d1 (pixel 1) accumulate
// Σ_t x(t) · w(t) over `taps` taps, w(t) = pw + t·wstep. The inputs of tap t: either
// b0 + off[t], b1 + off[t] (windows inside the input), or tab[2t] + c, tab[2t + 1] + c.
// 16 instructions per tap (16 MACs): 4 address, 3 loads (VLDRB.S16), 4 VMULLB/T, 4 VADD, LE.
struct DwAcc {
    int32x4_t e0, d0, e1, d1;
};
inline void dw_mac_off(const std::int32_t* off, int taps, const std::int8_t* b0, const std::int8_t* b1,
                       const std::int8_t* pw, int wstep, DwAcc& a) {
    int16x8_t w, x0, x1;
    int32x4_t p;
    std::int32_t t;
    const std::int8_t* x;
    asm volatile(
        "dls lr, %[taps]\n"
        "1:\n\t"
        "ldr %[t], [%[off]], #4\n\t"
        "vldrb.s16 %q[w], [%[pw]]\n\t"
        "add %[x], %[b0], %[t]\n\t"
        "add %[pw], %[pw], %[ws]\n\t"
        "vldrb.s16 %q[x0], [%[x]]\n\t"
        "add %[x], %[b1], %[t]\n\t"
        "vldrb.s16 %q[x1], [%[x]]\n\t"
        "vmullb.s16 %q[p], %q[x0], %q[w]\n\t"
        "vadd.i32 %q[e0], %q[e0], %q[p]\n\t"
        "vmullt.s16 %q[p], %q[x0], %q[w]\n\t"
        "vadd.i32 %q[d0], %q[d0], %q[p]\n\t"
        "vmullb.s16 %q[p], %q[x1], %q[w]\n\t"
        "vadd.i32 %q[e1], %q[e1], %q[p]\n\t"
        "vmullt.s16 %q[p], %q[x1], %q[w]\n\t"
        "vadd.i32 %q[d1], %q[d1], %q[p]\n\t"
        "le lr, 1b\n"
        : [e0] "+w"(a.e0), [d0] "+w"(a.d0), [e1] "+w"(a.e1), [d1] "+w"(a.d1), [w] "=&w"(w),
          [x0] "=&w"(x0), [x1] "=&w"(x1), [p] "=&w"(p), [off] "+r"(off), [pw] "+l"(pw), [t] "=&r"(t),
          [x] "=&l"(x)
        : [taps] "r"(taps), [b0] "r"(b0), [b1] "r"(b1), [ws] "r"(wstep)
        : "lr", "memory");
}
inline void dw_mac_tab(const std::int8_t* const* tab, int c, int taps, const std::int8_t* pw, int wstep,
                       DwAcc& a) {
    int16x8_t w, x0, x1;
    int32x4_t p;
    const std::int8_t *y0, *y1;
    asm volatile(
        "dls lr, %[taps]\n"
        "1:\n\t"
        "ldrd %[y0], %[y1], [%[tab]], #8\n\t"
        "vldrb.s16 %q[w], [%[pw]]\n\t"
        "add %[y0], %[y0], %[c]\n\t"
        "add %[pw], %[pw], %[ws]\n\t"
        "vldrb.s16 %q[x0], [%[y0]]\n\t"
        "add %[y1], %[y1], %[c]\n\t"
        "vldrb.s16 %q[x1], [%[y1]]\n\t"
        "vmullb.s16 %q[p], %q[x0], %q[w]\n\t"
        "vadd.i32 %q[e0], %q[e0], %q[p]\n\t"
        "vmullt.s16 %q[p], %q[x0], %q[w]\n\t"
        "vadd.i32 %q[d0], %q[d0], %q[p]\n\t"
        "vmullb.s16 %q[p], %q[x1], %q[w]\n\t"
        "vadd.i32 %q[e1], %q[e1], %q[p]\n\t"
        "vmullt.s16 %q[p], %q[x1], %q[w]\n\t"
        "vadd.i32 %q[d1], %q[d1], %q[p]\n\t"
        "le lr, 1b\n"
        : [e0] "+w"(a.e0), [d0] "+w"(a.d0), [e1] "+w"(a.e1), [d1] "+w"(a.d1), [w] "=&w"(w),
          [x0] "=&w"(x0), [x1] "=&w"(x1), [p] "=&w"(p), [tab] "+r"(tab), [pw] "+l"(pw), [y0] "=&l"(y0),
          [y1] "=&l"(y1)
        : [taps] "r"(taps), [c] "r"(c), [ws] "r"(wstep)
        : "lr", "memory");
}

// Bias start of 8 channels at c (of n): even/odd halves; the tail reads only channels < n.
template <bool Tail>
inline DwAcc dw_start(const std::int32_t* bias, int c, int n) {
    DwAcc a;
    if constexpr (Tail) {
        const uint32x4_t off = vidupq_n_u32(0, 2);
        const int left = n - c;
        a.e0 = vldrwq_gather_shifted_offset_z_s32(bias + c, off, vctp32q(static_cast<std::uint32_t>((left + 1) >> 1)));
        a.d0 = vldrwq_gather_shifted_offset_z_s32(bias + c + 1, off, vctp32q(static_cast<std::uint32_t>(left >> 1)));
    } else {
        const int32x4x2_t b = vld2q_s32(bias + c);
        a.e0 = b.val[0], a.d0 = b.val[1];
    }
    a.e1 = a.e0, a.d1 = a.d0;
    return a;
}

// Requantize both pixels' 8 channels at c, store pixel 0 at o0 + c and (if o1) pixel 1 at o1 + c.
template <bool AllRight, bool Tail>
inline void dw_store(const DwAcc& a, int c, int n, const ChannelQ* cq, const Out8& o, std::int8_t* o0,
                     std::int8_t* o1) {
    const Params8 p = Tail ? params8_z<AllRight>(cq + c, n - c) : params8<AllRight>(cq + c);
    if constexpr (Tail) {
        store8_p(requant_vec<AllRight>(a.e0, p.me, p.ne), requant_vec<AllRight>(a.d0, p.mo, p.no), o, o0 + c, n - c);
        if (o1) store8_p(requant_vec<AllRight>(a.e1, p.me, p.ne), requant_vec<AllRight>(a.d1, p.mo, p.no), o, o1 + c, n - c);
    } else {
        store8(requant_vec<AllRight>(a.e0, p.me, p.ne), requant_vec<AllRight>(a.d0, p.mo, p.no), o, o0 + c);
        if (o1) store8(requant_vec<AllRight>(a.e1, p.me, p.ne), requant_vec<AllRight>(a.d1, p.mo, p.no), o, o1 + c);
    }
}

// One 8-channel group of two pixels start to finish for requant_right_2x8: sums start at
// bias[0..8), taps as dw_mac_off (Off: b0/b1 + off[t]) or dw_mac_tab (tab[2t] + c, tab[2t + 1] + c),
// the two pixels' sums go to r0[0..8) and r0[R1..R1 + 8) in channel order. Fixed registers q0–q7
// (VLD2/VST2 want consecutive pairs).
#define MOTE_DW_GROUP_BODY(LOADS)                         \
    "vld20.32 {q0, q1}, [%[bias]]\n\t"                    \
    "vld21.32 {q0, q1}, [%[bias]]\n\t"                    \
    "vmov q2, q0\n\t"                                     \
    "vmov q3, q1\n\t"                                     \
    "dls lr, %[taps]\n"                                    \
    "1:\n\t" LOADS                                        \
    "vmullb.s16 q7, q5, q4\n\t"                           \
    "vadd.i32 q0, q0, q7\n\t"                             \
    "vmullt.s16 q7, q5, q4\n\t"                           \
    "vadd.i32 q1, q1, q7\n\t"                             \
    "vmullb.s16 q7, q6, q4\n\t"                           \
    "vadd.i32 q2, q2, q7\n\t"                             \
    "vmullt.s16 q7, q6, q4\n\t"                           \
    "vadd.i32 q3, q3, q7\n\t"                             \
    "le lr, 1b\n\t"                                       \
    "add %[x], %[r0], %[r1]\n\t"                          \
    "vst20.32 {q0, q1}, [%[r0]]\n\t"                      \
    "vst21.32 {q0, q1}, [%[r0]]\n\t"                      \
    "vst20.32 {q2, q3}, [%[x]]\n\t"                       \
    "vst21.32 {q2, q3}, [%[x]]\n"
// C ≠ 0: the channel count (= the weight step) is C ≤ 127, so the weight load post-increments by
// it; P1 (Off): the second pixel is C bytes after the first (stride 1), an immediate offset.
#define MOTE_DW_WLOAD                                     \
    ".if %c[ci]\n\t"                                       \
    "vldrb.s16 q4, [%[pw]], %[ci]\n\t"                    \
    ".else\n\t"                                            \
    "vldrb.s16 q4, [%[pw]]\n\t"                           \
    "add %[pw], %[pw], %[ws]\n\t"                         \
    ".endif\n\t"
template <int R1, int C = 0, bool P1 = false>
inline void dw_group_off(const std::int32_t* off, int taps, const std::int8_t* b0, const std::int8_t* b1,
                         const std::int8_t* pw, int wstep, const std::int32_t* bias, std::int32_t* r0) {
    std::int32_t t;
    const std::int8_t* x;
    asm volatile(MOTE_DW_GROUP_BODY("ldr %[t], [%[tab]], #4\n\t"
                                    MOTE_DW_WLOAD
                                    "add %[x], %[b0], %[t]\n\t"
                                    "vldrb.s16 q5, [%[x]]\n\t"
                                    ".if %c[p1]\n\t"
                                    "vldrb.s16 q6, [%[x], %[ci]]\n\t"
                                    ".else\n\t"
                                    "add %[x], %[b1], %[t]\n\t"
                                    "vldrb.s16 q6, [%[x]]\n\t"
                                    ".endif\n\t")
                 : [tab] "+r"(off), [pw] "+l"(pw), [t] "=&r"(t), [x] "=&l"(x)
                 : [taps] "r"(taps), [b0] "r"(b0), [b1] "r"(b1), [ws] "r"(wstep), [bias] "r"(bias),
                   [r0] "r"(r0), [r1] "I"(4 * R1), [ci] "n"(C), [p1] "n"(P1 ? 1 : 0)
                 : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "lr", "memory");
}
template <int R1, int C = 0>
inline void dw_group_tab(const std::int8_t* const* tab, int c, int taps, const std::int8_t* pw, int wstep,
                         const std::int32_t* bias, std::int32_t* r0) {
    const std::int8_t *x, *y;
    asm volatile(MOTE_DW_GROUP_BODY("ldrd %[x], %[y], [%[tab]], #8\n\t"
                                    MOTE_DW_WLOAD
                                    "add %[x], %[x], %[c]\n\t"
                                    "vldrb.s16 q5, [%[x]]\n\t"
                                    "add %[y], %[y], %[c]\n\t"
                                    "vldrb.s16 q6, [%[y]]\n\t")
                 : [tab] "+r"(tab), [pw] "+l"(pw), [x] "=&l"(x), [y] "=&l"(y)
                 : [taps] "r"(taps), [c] "r"(c), [ws] "r"(wstep), [bias] "r"(bias), [r0] "r"(r0),
                   [r1] "I"(4 * R1), [ci] "n"(C)
                 : "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "lr", "memory");
}
#undef MOTE_DW_WLOAD
#undef MOTE_DW_GROUP_BODY

// Even/odd halves of both pixels back to channel order, pixel 0 at r0, pixel 1 at r1.
inline void dw_keep(const DwAcc& a, std::int32_t* r0, std::int32_t* r1) {
    int32x4x2_t v;
    v.val[0] = a.e0, v.val[1] = a.d0;
    vst2q_s32(r0, v);
    v.val[0] = a.e1, v.val[1] = a.d1;
    vst2q_s32(r1, v);
}

// The channel tail (n % 8 channels), from the table, predicated.
inline void dw_mac_tail(const std::int8_t* const* tab, int c, int n, int taps, const std::int8_t* pw, int wstep,
                        DwAcc& a) {
    const mve_pred16_t p = vctp16q(static_cast<std::uint32_t>(n - c));
    pw += c;
    for (int t = 0; t < taps; ++t, pw += wstep) {
        const int16x8_t w = vldrbq_z_s16(pw, p);
        const int16x8_t x0 = vldrbq_z_s16(tab[2 * t] + c, p), x1 = vldrbq_z_s16(tab[2 * t + 1] + c, p);
        a.e0 = vaddq_s32(a.e0, vmullbq_int_s16(x0, w));
        a.d0 = vaddq_s32(a.d0, vmulltq_int_s16(x0, w));
        a.e1 = vaddq_s32(a.e1, vmullbq_int_s16(x1, w));
        a.d1 = vaddq_s32(a.d1, vmulltq_int_s16(x1, w));
    }
}

// C ≠ 0: g.out_c = C (see dw_group_off).
template <bool AllRight, int C = 0>
inline void depthwise(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                      const std::int8_t* in, const std::int8_t* weights, std::int8_t* out) {
    const int c = g.out_c, taps = g.kernel_h * g.kernel_w, pixels = g.out_h * g.out_w;
    const std::ptrdiff_t step_x = static_cast<std::ptrdiff_t>(g.dilation_w) * c, row_w = g.kernel_w * step_x;
    const std::ptrdiff_t step_y = static_cast<std::ptrdiff_t>(g.dilation_h) * g.in_w * c;
    const int inner_h = g.in_h - (g.kernel_h - 1) * g.dilation_h, inner_w = g.in_w - (g.kernel_w - 1) * g.dilation_w;
    alignas(16) std::int8_t zp_row[dw_chunk];
    // All right shifts: 8-channel groups keep their sums here (two pixels' rows) and one
    // requant_right_2x8 per pixel pair finishes them; `spare` takes a missing second pixel.
    alignas(16) std::int32_t dacc[AllRight ? 2 * dw_chunk : 1];
    alignas(8) std::int8_t spare[AllRight ? dw_chunk : 1];
    for (int i = 0; i < dw_chunk; i += 16) vstrbq_s8(zp_row + i, vdupq_n_s8(static_cast<std::int8_t>(input_zero_point)));
    const Out8 o(q);
    // Windows inside the input: tap t of the window at `base` is base + off[t].
    std::int32_t off[dw_max_taps];
    {
        int t = 0;
        for (int ky = 0; ky < g.kernel_h; ++ky)
            for (std::ptrdiff_t x = 0; x != row_w; x += step_x) off[t++] = static_cast<std::int32_t>(ky * step_y + x);
    }
    const std::int8_t* tab[2 * dw_max_taps];  // per tap {pixel 0, pixel 1}, at channel c0
    const auto window = [&](int oy, int ox, const std::int8_t** d, int c0) {
        const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
        for (int ky = 0, iy = iy0; ky < g.kernel_h; ++ky, iy += g.dilation_h) {
            const bool row_in = static_cast<unsigned>(iy) < static_cast<unsigned>(g.in_h);
            const std::int8_t* row = in + c0 + static_cast<std::ptrdiff_t>(row_in ? iy : 0) * g.in_w * c;
            for (int kx = 0, ix = ix0; kx < g.kernel_w; ++kx, ix += g.dilation_w, d += 2)
                *d = row_in && static_cast<unsigned>(ix) < static_cast<unsigned>(g.in_w) ? row + ix * c : zp_row;
        }
    };
    const std::ptrdiff_t pair_step = static_cast<std::ptrdiff_t>(g.stride_w) * c;
    for (int c0 = 0; c0 < c; c0 += dw_chunk) {
        const int n = c - c0 < dw_chunk ? c - c0 : dw_chunk;
        const int full = n & ~7;
        const std::int8_t* const pw = weights + c0;
        const std::int32_t* const bias = q.bias + c0;
        const ChannelQ* const cq = q.q + c0;
        int oy = 0, ox = 0;
        for (int px = 0; px < pixels;) {
            std::int8_t* const o0 = out + static_cast<std::ptrdiff_t>(px) * c + c0;
            const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
            if (ox + 1 < g.out_w && iy0 >= 0 && iy0 < inner_h && ix0 >= 0 && ix0 + g.stride_w < inner_w) {
                // both windows inside the input, same row
                const std::int8_t* b0 = in + (static_cast<std::ptrdiff_t>(iy0) * g.in_w + ix0) * c + c0;
                int i = 0;
                if constexpr (AllRight) {
                    for (; i < full; i += 8)
                        if (C != 0 && g.stride_w == 1)
                            dw_group_off<dw_chunk, C, C != 0>(off, taps, b0 + i, b0 + i + pair_step, pw + i, c, bias + i,
                                                              dacc + i);
                        else
                            dw_group_off<dw_chunk, C>(off, taps, b0 + i, b0 + i + pair_step, pw + i, c, bias + i, dacc + i);
                    if (full) requant_right_2x8(dacc, dacc + dw_chunk, cq, o, o0, o0 + c, full >> 3);
                }
                for (; i < full; i += 8) {
                    DwAcc a = dw_start<false>(bias, i, n);
                    dw_mac_off(off, taps, b0 + i, b0 + i + pair_step, pw + i, c, a);
                    dw_store<AllRight, false>(a, i, n, cq, o, o0, o0 + c);
                }
                if (i < n) {
                    for (int t = 0; t < taps; ++t) tab[2 * t] = b0 + off[t], tab[2 * t + 1] = b0 + off[t] + pair_step;
                    DwAcc a = dw_start<true>(bias, i, n);
                    dw_mac_tail(tab, i, n, taps, pw, c, a);
                    dw_store<AllRight, true>(a, i, n, cq, o, o0, o0 + c);
                }
                px += 2, ox += 2;
                if (ox >= g.out_w) ox -= g.out_w, ++oy;
                continue;
            }
            // Pixels px and px + 1 (possibly on the next row, or one past the end: its window still
            // points into the input or the zero points, and its result is dropped).
            window(oy, ox, tab, c0);
            if (++ox == g.out_w) ox = 0, ++oy;
            window(oy, ox, tab + 1, c0);
            if (++ox == g.out_w) ox = 0, ++oy;
            std::int8_t* const o1 = px + 1 < pixels ? o0 + c : nullptr;
            int i = 0;
            if constexpr (AllRight) {
                for (; i < full; i += 8)
                    dw_group_tab<dw_chunk, C>(tab, i, taps, pw + i, c, bias + i, dacc + i);
                if (full) requant_right_2x8(dacc, dacc + dw_chunk, cq, o, o0, o1 ? o1 : spare, full >> 3);
            }
            for (; i < full; i += 8) {
                DwAcc a = dw_start<false>(bias, i, n);
                dw_mac_tab(tab, i, taps, pw + i, c, a);
                dw_store<AllRight, false>(a, i, n, cq, o, o0, o1);
            }
            if (i < n) {
                DwAcc a = dw_start<true>(bias, i, n);
                dw_mac_tail(tab, i, n, taps, pw, c, a);
                dw_store<AllRight, true>(a, i, n, cq, o, o0, o1);
            }
            px += 2;
        }
    }
}

}  // namespace detail

inline void Primitives::depthwise(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                                  const std::int8_t* in, const std::int8_t* weights, std::int8_t* out) {
    if (q.all_right_shifts) detail::depthwise<true>(g, q, input_zero_point, in, weights, out);
    else detail::depthwise<false>(g, q, input_zero_point, in, weights, out);
}

}  // namespace mote::kernels::arch::mve
