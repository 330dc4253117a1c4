#pragma once
// Arm Helium (M-profile Vector Extension, Cortex-M55/M85: __ARM_FEATURE_MVE) primitives.
//
// GEMM: VMLADAVA.S8 multiplies 16 int8 pairs and adds all products to a scalar, so columns stay
// int8 (pointwise convolutions and dense layers read their input in place) and weights keep the
// TFLite order. The dot products are tail-predicated low-overhead loops (DLSTP.8/LETP, inline
// asm: GCC 12 does not emit them), so a column of any length is one loop with no scalar tail:
// 2 pixels × 2 channels is 9 instructions per 64 MACs, 1 × 4 (dense) 10 per 64.
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

// One or two accumulator rows (channel first + i), 8 channels per step, scalar tail.
template <bool AllRight, int Rows>
inline void requantize_rows(const std::int32_t* acc0, const std::int32_t* acc1, const Requant& q,
                            int first, int n, std::int8_t* out0, std::int8_t* out1) {
    const ChannelQ* cq = q.q + first;
    const Out8 o(q);
    int i = 0;
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
    static constexpr WeightLayout layout = WeightLayout::rows;

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
    // in chunks of 16, the two pixels' accumulator rows requantized together (shared parameters).
    template <int Pixels>
    static void gemm_block(const col_t* c0, const col_t* c1, int k, int rows, const Requant& q,
                           const std::int8_t* w, std::int8_t* out0, std::int8_t* out1,
                           const std::int16_t* index) {
        constexpr int chunk = 16;
        alignas(16) std::int32_t acc0[chunk], acc1[chunk];
        alignas(8) std::int8_t val0[chunk], val1[chunk];
        const std::int32_t* bias = q.bias;
        for (int o0 = 0; o0 < rows; o0 += chunk, bias += chunk) {
            const int n = rows - o0 < chunk ? rows - o0 : chunk;
            int j = 0;
            if constexpr (Pixels == 2) {
                for (; j + 1 < n; j += 2, w += 2 * k) {
                    std::int32_t a0 = bias[j], a1 = bias[j + 1], a2 = a0, a3 = a1;
                    detail::mac_2x2(c0, c1, w, w + k, k, a0, a1, a2, a3);
                    acc0[j] = a0, acc0[j + 1] = a1, acc1[j] = a2, acc1[j + 1] = a3;
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
            requantize_rows<Pixels>(acc0, acc1, q, o0, n, d0, d1);
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
    static void dw_taps(const std::int8_t* const* tab, int j, int n, const std::int32_t* bias,
                        std::int32_t* acc) {
        for (int c = 0; c < n; c += 4) {
            const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(n - c));
            int32x4_t a = vldrwq_z_s32(bias + c, p);
            for (const std::int8_t* const* e = tab; *e; e += 3)
                a = vaddq_s32(a, vmulq_s32(vldrbq_z_s32(e[j] + c, p), vldrbq_z_s32(e[0] + c, p)));
            vstrwq_p_s32(acc + c, a, p);
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

template <bool AllRight>
inline void depthwise(const WindowGeometry& g, const Requant& q, std::int32_t input_zero_point,
                      const std::int8_t* in, const std::int8_t* weights, std::int8_t* out) {
    const int c = g.out_c, taps = g.kernel_h * g.kernel_w, pixels = g.out_h * g.out_w;
    const std::ptrdiff_t step_x = static_cast<std::ptrdiff_t>(g.dilation_w) * c, row_w = g.kernel_w * step_x;
    const std::ptrdiff_t step_y = static_cast<std::ptrdiff_t>(g.dilation_h) * g.in_w * c;
    const int inner_h = g.in_h - (g.kernel_h - 1) * g.dilation_h, inner_w = g.in_w - (g.kernel_w - 1) * g.dilation_w;
    alignas(16) std::int8_t zp_row[dw_chunk];
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
