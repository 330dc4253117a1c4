#pragma once
// Window stage: the last window_samples inputs times a Hann window in Q12 (TFLM window.c and
// window_util.c). Coefficient i is round(4096·(0.5 − 0.5·cos(2π(i + ½)/size))), derived with
// the rounding of the chosen set-up maths; the product is (sample · coefficient) >> 12.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "mote/audio/config.hpp"
#include "mote/audio/setup_math.hpp"

namespace mote::audio {

inline constexpr int window_bits = 12;

template <std::size_t Size>
using WindowCoefficients = std::array<std::int16_t, Size>;

template <std::size_t Size>
constexpr WindowCoefficients<Size> make_window(SetupMath math) {
    namespace sm = setup_math;
    WindowCoefficients<Size> w{};
    constexpr double pi = 3.14159265358979323846;
    if (math == SetupMath::single_precision) {
        // All float: arg = (float)π·2/size, x = arg·(i + ½), 0.5 − 0.5·cosf(x),
        // floorf(v·4096 + ½).
        const float arg = static_cast<float>(pi) * 2.0f / static_cast<float>(Size);
        for (std::size_t i = 0; i < Size; ++i) {
            const float v = 0.5f - 0.5f * sm::cosf(arg * (static_cast<float>(i) + 0.5f));
            w[i] = static_cast<std::int16_t>(sm::floor(v * float{1 << window_bits} + 0.5f));
        }
    } else {
        // arg rounded to float, the cosine term in double and rounded to float, the scaling
        // (float, exact) plus ½ in double.
        const auto arg = static_cast<float>(pi * 2.0 / static_cast<double>(static_cast<float>(Size)));
        for (std::size_t i = 0; i < Size; ++i) {
            const auto v = static_cast<float>(
                0.5 - 0.5 * sm::cos(static_cast<double>(arg) * (static_cast<double>(i) + 0.5)));
            w[i] = static_cast<std::int16_t>(
                sm::floor(static_cast<double>(v * float{1 << window_bits}) + 0.5));
        }
    }
    return w;
}

// One windowed sample. |sample · coefficient| < 2^27, so it fits int16 after the shift
// (−32768 only for a −32768 sample at a coefficient of 4096).
constexpr std::int16_t windowed(std::int16_t sample, std::int16_t coefficient) {
    return static_cast<std::int16_t>((std::int32_t{sample} * coefficient) >> window_bits);
}

// The largest |windowed sample| as TFLM tracks it in int16: −32768 negates to itself and is
// therefore never the maximum.
template <std::size_t Size>
constexpr std::int16_t window_peak(const std::array<std::int16_t, Size>& samples,
                                   const WindowCoefficients<Size>& coefficients) {
    std::int16_t peak = 0;
    for (std::size_t i = 0; i < Size; ++i) {
        const std::int16_t v = windowed(samples[i], coefficients[i]);
        const auto magnitude = static_cast<std::int16_t>(v < 0 ? -v : v);
        if (magnitude > peak) peak = magnitude;
    }
    return peak;
}

// The bits of one windowed sample that decide the peak's bit width: its int16 magnitude, 0 for
// −32768 (never the peak, above). The OR over a window has window_peak's bit width, which is
// all fft_input_shift reads.
constexpr std::uint16_t peak_bits(std::int16_t v) {
    return static_cast<std::uint16_t>((v < 0 ? -v : v) & 0x7FFF);
}

// An OR of peak bits gathered in both 16-bit halves of a word (pairs of samples at once) as one
// value: a half's bit 15, set only by a −32768 that was not negated away, drops out.
constexpr std::uint32_t peak_fold(std::uint32_t bits) { return (bits | bits >> 16) & 0x7FFF; }

// The left shift that scales the windowed samples up to use the FFT's 16 bits:
// 15 − bit_width(peak) (15 for silence).
constexpr int fft_input_shift(std::int16_t peak) {
    return 15 - static_cast<int>(std::bit_width(static_cast<std::uint32_t>(peak)));
}

// A windowed sample shifted up, as TFLM does it: through uint16, keeping the low 16 bits.
constexpr std::int16_t scaled_up(std::int16_t v, int shift) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(v) << shift);
}

}  // namespace mote::audio
