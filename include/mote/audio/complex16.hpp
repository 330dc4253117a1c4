#pragma once
// int16 complex values and kissfft's FIXED_POINT 16 arithmetic on them, one value at a time: the
// portable primitive set of the FFT (fft.hpp), and of the window stage, whose (even, odd) sample
// pairs are the FFT's complex inputs. Products round half up in Q15; sums wrap to int16 as
// kissfft's short arithmetic does. arch/dsp/complex16.hpp does the same on both halves of a
// 32-bit word at once; the algorithms take either as `Ops`.
#include <cstdint>

#include "mote/audio/window.hpp"

namespace mote::audio {

struct Complex16 {
    std::int16_t r;
    std::int16_t i;
    friend constexpr bool operator==(const Complex16&, const Complex16&) = default;
};

struct PortableComplex16Ops {
    using value = Complex16;

    static constexpr value load(const Complex16* p) { return *p; }
    static constexpr void store(Complex16* p, value v) { *p = v; }

    static constexpr std::int16_t wrap16(std::int32_t v) { return static_cast<std::int16_t>(v); }
    // kissfft's sround: Q15 product rounded half up, truncated to int16.
    static constexpr std::int16_t round_q15(std::int32_t x) { return wrap16((x + (1 << 14)) >> 15); }

    static constexpr value add(value a, value b) { return {wrap16(a.r + b.r), wrap16(a.i + b.i)}; }
    static constexpr value sub(value a, value b) { return {wrap16(a.r - b.r), wrap16(a.i - b.i)}; }
    // a − j·b and a + j·b (the radix-4 butterfly's rotated outputs).
    static constexpr value sub_j(value a, value b) { return {wrap16(a.r + b.i), wrap16(a.i - b.r)}; }
    static constexpr value add_j(value a, value b) { return {wrap16(a.r - b.i), wrap16(a.i + b.r)}; }
    static constexpr value conj(value a) { return {a.r, wrap16(-a.i)}; }
    // |a.r·b.r − a.i·b.i| <= 32768·32767·2 < 2^31: no int32 overflow (twiddles are within ±32767).
    static constexpr value mul(value a, value b) {
        return {round_q15(std::int32_t{a.r} * b.r - std::int32_t{a.i} * b.i),
                round_q15(std::int32_t{a.r} * b.i + std::int32_t{a.i} * b.r)};
    }
    // C_FIXDIV(c, radix): each part ×⌊32767/radix⌋ in Q15.
    template <std::int32_t Radix>
    static constexpr value fixdiv(value c) {
        constexpr std::int32_t factor = 32767 / Radix;
        return {round_q15(c.r * factor), round_q15(c.i * factor)};
    }
    // (a + b)/2 and the mirrored bin's {(a.r − b.r)/2, (b.i − a.i)/2}, each part rounded down
    // (kiss_fftr's HALF_OF on a sum that has not wrapped).
    static constexpr value halve_sum(value a, value b) {
        return {wrap16((a.r + b.r) >> 1), wrap16((a.i + b.i) >> 1)};
    }
    static constexpr value halve_mirrored(value a, value b) {
        return {wrap16((a.r - b.r) >> 1), wrap16((b.i - a.i) >> 1)};
    }
    // The window stage's pairs (window.hpp): {windowed(s[0], c[0]), windowed(s[1], c[1])}, bits
    // of the pair whose OR over a window, folded by peak_fold, has the peak's bit width, and the
    // pair shifted up by scaled_up.
    static constexpr value windowed_pair(const std::int16_t* s, const std::int16_t* c) {
        return {windowed(s[0], c[0]), windowed(s[1], c[1])};
    }
    static constexpr std::uint32_t peak_bits_of(value v) { return peak_bits(v.r) | peak_bits(v.i); }
    static constexpr value scaled_up_pair(value v, int shift) {
        return {scaled_up(v.r, shift), scaled_up(v.i, shift)};
    }

    // |X|² as TFLM stores it, in an int32: 2^31 (both parts −32768) wraps to −2^31.
    static constexpr std::int32_t energy(value x) {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(x.r * x.r) +
                                         static_cast<std::uint32_t>(x.i * x.i));
    }
};

}  // namespace mote::audio
