#pragma once
// PCAN stage (per-channel amplitude normalisation; TFLM pcan_gain_control.c and
// pcan_gain_control_util.c; Wang et al., "Trainable frontend for robust and far-field keyword
// spotting", 2017): each channel is multiplied by a gain that falls with its noise estimate,
// gain(e) = 2^gain_bits · (e/2^input_bits + offset)^−strength, then compressed.
//
// The gain is read from a 125-entry LUT: gain(0), gain(1), then for each octave [2^(i−1), 2^i)
// (i = 2..32) a quadratic through its start, middle and end, y0 + a1·t + a2·t² in Q15 steps of
// t = the estimate's 10 bits below its leading one. The LUT is set up in float with powf;
// entries 4i − 3 are never written by TFLM nor read, and hold 0 here.
// snr = signal·gain >> snr_shift (Q12 after the correction bits), then shrink: snr²/2^20 below
// 2·2^12, else snr/64 − 64 (Q6 output).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "mote/audio/config.hpp"
#include "mote/audio/setup_math.hpp"
#include "mote/core/diagnostics.hpp"

namespace mote::audio {

inline constexpr int pcan_snr_bits = 12;
inline constexpr int pcan_output_bits = 6;
inline constexpr int pcan_gain_intervals = 32;  // TFLM kWideDynamicFunctionBits
inline constexpr std::size_t pcan_lut_size = 4 * pcan_gain_intervals - 3;

struct Pcan {
    std::array<std::int16_t, pcan_lut_size> gain_lut{};
    int snr_shift = 0;
};

namespace pcan_detail {
// TFLM's PcanGainLookupFunction, in float.
constexpr std::int16_t gain(const FrontendConfig& c, int input_bits, std::uint32_t x) {
    const float x_as_float = static_cast<float>(x) / static_cast<float>(std::uint32_t{1} << input_bits);
    const float g = static_cast<float>(std::uint32_t{1} << c.pcan_gain_bits) *
                    setup_math::powf(x_as_float + c.pcan_offset, -c.pcan_strength);
    if (g > 32767.0f) return 32767;
    return static_cast<std::int16_t>(g + 0.5f);
}
}  // namespace pcan_detail

constexpr Pcan make_pcan(const FrontendConfig& c) {
    Pcan p{};
    if (!c.pcan_enabled) return p;
    const int input_bits = c.noise_smoothing_bits - correction_bits(c);
    p.snr_shift = c.pcan_gain_bits - correction_bits(c) - pcan_snr_bits;
    if (c.pcan_gain_bits < 0 || c.pcan_gain_bits > 31 || input_bits < 0 || input_bits > 31 ||
        p.snr_shift < 0 || !(c.pcan_offset > 0.0f))
        fail("mote: audio front end: PCAN needs 0 <= gain bits < 32, gain bits >= 12 + correction "
             "bits, noise smoothing bits >= correction bits and a positive offset");
    p.gain_lut[0] = pcan_detail::gain(c, input_bits, 0);
    p.gain_lut[1] = pcan_detail::gain(c, input_bits, 1);
    for (int interval = 2; interval <= pcan_gain_intervals; ++interval) {
        const std::uint32_t x0 = std::uint32_t{1} << (interval - 1);
        const std::uint32_t x1 = x0 + (x0 >> 1);
        const std::uint32_t x2 = interval == pcan_gain_intervals ? x0 + (x0 - 1) : 2 * x0;
        const std::int16_t y0 = pcan_detail::gain(c, input_bits, x0);
        const std::int32_t diff1 = pcan_detail::gain(c, input_bits, x1) - y0;
        const std::int32_t diff2 = pcan_detail::gain(c, input_bits, x2) - y0;
        const std::int32_t a1 = 4 * diff1 - diff2;
        const std::int32_t a2 = diff2 - a1;
        const auto at = static_cast<std::size_t>(4 * interval - 6);
        p.gain_lut[at] = y0;
        p.gain_lut[at + 1] = static_cast<std::int16_t>(a1);
        p.gain_lut[at + 2] = static_cast<std::int16_t>(a2);
    }
    return p;
}

// TFLM's WideDynamicFunction: the gain for a noise estimate.
constexpr std::int16_t pcan_gain(const std::array<std::int16_t, pcan_lut_size>& lut, std::uint32_t x) {
    if (x <= 2) return lut[x];
    const int interval = static_cast<int>(std::bit_width(x));
    const std::int16_t* q = lut.data() + (4 * interval - 6);
    const auto frac = static_cast<std::int16_t>(
        (interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3FF);
    std::int32_t result = (std::int32_t{q[2]} * frac) >> 5;
    result += static_cast<std::int32_t>(static_cast<std::uint32_t>(q[1]) << 5);
    result *= frac;
    result = (result + (1 << 14)) >> 15;
    result += q[0];
    return static_cast<std::int16_t>(result);
}

constexpr std::uint32_t pcan_shrink(std::uint32_t x) {
    if (x < (2u << pcan_snr_bits)) return (x * x) >> (2 + 2 * pcan_snr_bits - pcan_output_bits);
    return (x >> (pcan_snr_bits - pcan_output_bits)) - (1u << pcan_output_bits);
}

// One channel: its signal normalised by the gain of its (already updated) noise estimate.
constexpr std::uint32_t pcan_apply(const Pcan& p, std::uint32_t signal, std::uint32_t noise_estimate) {
    const auto gain = static_cast<std::uint32_t>(pcan_gain(p.gain_lut, noise_estimate));
    return pcan_shrink(static_cast<std::uint32_t>((std::uint64_t{signal} * gain) >> p.snr_shift));
}

}  // namespace mote::audio
