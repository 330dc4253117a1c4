#pragma once
// Arm Helium (M-profile Vector Extension, Cortex-M55/M85: __ARM_FEATURE_MVE) primitives.
// VMLADAVA.S8 multiplies 16 int8 pairs and adds all products to a scalar, so columns stay int8
// (pointwise convolutions and dense layers read their input in place) and weights keep the
// TFLite order; tails use tail predication (VCTP). Requantization is vectorized 4 channels at a
// time: VQRDMULH is exactly the reference's SaturatingRoundingDoublingHighMul (the saturation
// case needs a multiplier of INT32_MIN, which never occurs), and VRSHL by −r of (y − [y < 0])
// is exactly RoundingDivideByPOT (round half away from zero).
#include <arm_mve.h>

#include <cstdint>

#include "mote/kernels/requant.hpp"

namespace mote::kernels::arch::mve {

// acc + x·w lane by lane (MVE's integer VMLA takes a scalar, so VMUL then VADD)
inline int32x4_t mla(int32x4_t acc, int32x4_t x, int32x4_t w) { return vaddq_s32(acc, vmulq_s32(x, w)); }

struct Primitives {
    using col_t = std::int8_t;
    static constexpr WeightLayout layout = WeightLayout::rows;

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        for (int i = 0; i < n; i += 16) {
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
        int i = 0;
        for (; i + 16 <= k; i += 16) {
            const int8x16_t x0 = vldrbq_s8(c0 + i), x1 = vldrbq_s8(c1 + i);
            const int8x16_t v0 = vldrbq_s8(w0 + i), v1 = vldrbq_s8(w1 + i);
            a0 = vmladavaq_s8(a0, x0, v0);
            a1 = vmladavaq_s8(a1, x0, v1);
            a2 = vmladavaq_s8(a2, x1, v0);
            a3 = vmladavaq_s8(a3, x1, v1);
        }
        if (i < k) {
            const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(k - i));
            const int8x16_t x0 = vldrbq_z_s8(c0 + i, p), x1 = vldrbq_z_s8(c1 + i, p);
            const int8x16_t v0 = vldrbq_z_s8(w0 + i, p), v1 = vldrbq_z_s8(w1 + i, p);
            a0 = vmladavaq_s8(a0, x0, v0);
            a1 = vmladavaq_s8(a1, x0, v1);
            a2 = vmladavaq_s8(a2, x1, v0);
            a3 = vmladavaq_s8(a3, x1, v1);
        }
        acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    }
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                        std::int32_t* acc) {
        std::int32_t a0 = acc[0], a1 = acc[1];
        for (int i = 0; i < k; i += 16) {
            const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(k - i));
            const int8x16_t x = vldrbq_z_s8(c + i, p);
            a0 = vmladavaq_s8(a0, x, vldrbq_z_s8(w0 + i, p));
            a1 = vmladavaq_s8(a1, x, vldrbq_z_s8(w1 + i, p));
        }
        acc[0] = a0, acc[1] = a1;
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        for (int i = 0; i < k; i += 16) {
            const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(k - i));
            acc = vmladavaq_s8(acc, vldrbq_z_s8(c + i, p), vldrbq_z_s8(w + i, p));
        }
        return acc;
    }
    // Depthwise, two output pixels (see portable.hpp), one after the other.
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        dw_taps(tab, 1, n, bias, acc0);
        dw_taps(tab, 2, n, bias, acc1);
    }
    // One pixel, slot j of the table: 4 channels per int32 vector (VLDRB.S32 widens on load),
    // 16 per pass.
    static void dw_taps(const std::int8_t* const* tab, int j, int n, const std::int32_t* bias,
                        std::int32_t* acc) {
        int c = 0;
        for (; c + 16 <= n; c += 16) {
            int32x4_t a0 = vldrwq_s32(bias + c), a1 = vldrwq_s32(bias + c + 4);
            int32x4_t a2 = vldrwq_s32(bias + c + 8), a3 = vldrwq_s32(bias + c + 12);
            for (const std::int8_t* const* e = tab; *e; e += 3) {
                const std::int8_t *wt = e[0] + c, *x = e[j] + c;
                a0 = mla(a0, vldrbq_s32(x), vldrbq_s32(wt));
                a1 = mla(a1, vldrbq_s32(x + 4), vldrbq_s32(wt + 4));
                a2 = mla(a2, vldrbq_s32(x + 8), vldrbq_s32(wt + 8));
                a3 = mla(a3, vldrbq_s32(x + 12), vldrbq_s32(wt + 12));
            }
            vstrwq_s32(acc + c, a0), vstrwq_s32(acc + c + 4, a1);
            vstrwq_s32(acc + c + 8, a2), vstrwq_s32(acc + c + 12, a3);
        }
        for (; c < n; c += 4) {
            const mve_pred16_t p = vctp32q(static_cast<std::uint32_t>(n - c));
            int32x4_t a = vldrwq_z_s32(bias + c, p);
            for (const std::int8_t* const* e = tab; *e; e += 3)
                a = mla(a, vldrbq_z_s32(e[j] + c, p), vldrbq_z_s32(e[0] + c, p));
            vstrwq_p_s32(acc + c, a, p);
        }
    }
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        const ChannelQ* cq = q.q + first;
        const int32x4_t zp = vdupq_n_s32(q.output_zero_point);
        const int32x4_t lo = vdupq_n_s32(q.min), hi = vdupq_n_s32(q.max);
        const int32x4_t zero = vdupq_n_s32(0), minus1 = vdupq_n_s32(-1);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            const int32x4x4_t p = vld4q_s32(reinterpret_cast<const std::int32_t*>(cq + i));
            // p.val[0] multiplier, p.val[1] shift (exponent < 0: right − 1; else −left − 1)
            const int32x4_t right = vmaxq_s32(vaddq_n_s32(p.val[1], 1), zero);
            const int32x4_t left = vmaxq_s32(vsubq_s32(minus1, p.val[1]), zero);
            const int32x4_t x = vshlq_s32(vldrwq_s32(acc + i), left);
            int32x4_t y = vqrdmulhq_s32(x, p.val[0]);
            // y − 1 where y < 0 and the shift is to the right (round half away from zero)
            const int32x4_t fix = vandq_s32(vshrq_n_s32(y, 31), vnegq_s32(vminq_s32(right, vdupq_n_s32(1))));
            y = vrshlq_s32(vaddq_s32(y, fix), vnegq_s32(right));
            y = vminq_s32(vmaxq_s32(vaddq_s32(y, zp), lo), hi);
            vstrbq_s32(out + i, y);
        }
        requantize_row_scalar(acc + i, q, first + i, n - i, out + i);
    }
};

}  // namespace mote::kernels::arch::mve
