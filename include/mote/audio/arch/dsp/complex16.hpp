#pragma once
// kissfft's FIXED_POINT 16 arithmetic and the window stage's pairs (complex16.hpp) with the Arm
// DSP extension (Cortex-M4/M7/M33: __ARM_FEATURE_DSP), bit for bit: a Complex16 is one 32-bit
// word, real part in the low half. SADD16/SSUB16/SASX/SSAX wrap each half as kissfft's short
// sums do; SMLSD/SMLADX form a complex product's parts with the Q15 rounding constant and
// SMLABB/SMLATT a C_FIXDIV product; PKHTB packs two such results, its arithmetic shift keeping
// the low 16 bits as the int16 truncation does. SHADD16/SHSUB16 halve sums in 17 bits, as
// kiss_fftr's HALF_OF does on an int sum; SMUAD sums the squares of the parts, wrapping 2^31
// as TFLM's int32 does. GCC 12's arm_acle.h has no PKHBT/PKHTB: inline asm (its SMLAxy with a
// zero accumulator compile to SMULxy).
#include <arm_acle.h>

#include <cstdint>
#include <cstring>

#include "mote/audio/complex16.hpp"
#include "mote/audio/window.hpp"

namespace mote::audio::arch::dsp {

struct Complex16Ops {
    using value = int16x2_t;

    static value load(const Complex16* p) {
        value v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    static void store(Complex16* p, value v) { std::memcpy(p, &v, sizeof v); }

    // {lo >> Shift, the high half of hi}.
    template <int Shift>
    static value pack(std::int32_t lo, std::int32_t hi) {
        value r;
        __asm__("pkhtb %0, %1, %2, asr %3" : "=r"(r) : "r"(hi), "r"(lo), "i"(Shift));
        return r;
    }
    // The low half of a, the high half of b.
    static value low_high(value a, value b) {
        value r;
        __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
        return r;
    }

    static value add(value a, value b) { return __sadd16(a, b); }
    static value sub(value a, value b) { return __ssub16(a, b); }
    static value sub_j(value a, value b) { return __ssax(a, b); }
    static value add_j(value a, value b) { return __sasx(a, b); }
    static value conj(value a) { return low_high(a, __ssub16(0, a)); }
    // The imaginary sum shifted left once has its Q15 result in the high half.
    static value mul(value a, value w) {
        const auto imaginary = static_cast<std::uint32_t>(__smladx(a, w, 1 << 14));
        return pack<15>(__smlsd(a, w, 1 << 14), static_cast<std::int32_t>(imaginary << 1));
    }
    // Both parts doubled, (x·2·factor + 2^15) >> 16 (|x·2·factor| <= 2^29): the high part needs
    // no shift before the pack, and one constant holds the factor for both.
    template <std::int32_t Radix>
    static value fixdiv(value c) {
        constexpr std::int32_t twice = 2 * (32767 / Radix);
        constexpr std::int32_t factors = twice << 16 | twice;
        return pack<16>(__smlabb(c, factors, 1 << 15), __smlatt(c, factors, 1 << 15));
    }
    static value halve_sum(value a, value b) { return __shadd16(a, b); }
    static value halve_mirrored(value a, value b) {
        return __shsub16(low_high(a, b), low_high(b, a));
    }
    static std::int32_t energy(value x) { return __smuad(x, x); }

    // Window pairs: SMULBB/SMULTT products shifted down (PKHBT takes the high one's bits
    // 27..12); each half's magnitude picked by SSUB16's sign flags (−32768 stays 0x8000, which
    // peak_fold drops); the shift up as products by 2^shift, whose low 16 bits are the uint16
    // shift's (2^15 reads as −2^15 in a half, the same low bits).
    static value windowed_pair(const std::int16_t* s, const std::int16_t* c) {
        value samples, coefficients;
        std::memcpy(&samples, s, sizeof samples);
        std::memcpy(&coefficients, c, sizeof coefficients);
        const std::int32_t low = __smlabb(samples, coefficients, 0) >> window_bits;
        const std::int32_t high = __smlatt(samples, coefficients, 0);
        value r;
        __asm__("pkhbt %0, %1, %2, lsl %3" : "=r"(r) : "r"(low), "r"(high), "i"(16 - window_bits));
        return r;
    }
    static std::uint32_t peak_bits_of(value v) {
        std::uint32_t magnitude, negated;
        __asm__("ssub16 %1, %2, %3\n\tsel %0, %1, %3"
                : "=r"(magnitude), "=&r"(negated)
                : "r"(0), "r"(v));
        return magnitude;
    }
    static value scaled_up_pair(value v, int shift) {
        const std::int32_t factor = 1 << shift;
        value r;
        __asm__("pkhbt %0, %1, %2, lsl #16"
                : "=r"(r)
                : "r"(__smlabb(v, factor, 0)), "r"(__smlatb(v, factor, 0)));
        return r;
    }
};

}  // namespace mote::audio::arch::dsp
