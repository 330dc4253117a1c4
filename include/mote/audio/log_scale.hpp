#pragma once
// Log scale stage (TFLM log_scale.c, log_lut.c): each channel value, shifted left by the
// correction bits, becomes round(ln(v)·2^scale_shift) in fixed point, saturated to uint16
// (values 0 and 1 give 0).
//
// ln is computed as log2 · ln 2: the integer part of log2 is the leading one's position, the
// fraction (the 16 bits below it) is corrected by a 128-segment LUT of
// 2^16·(log2(1 + t) − t) interpolated linearly, and ln 2 is 45426/2^16.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "mote/audio/setup_math.hpp"

namespace mote::audio {

inline constexpr int log_scale_bits = 16;  // TFLM kLogScaleLog2
inline constexpr int log_segments_bits = 7;  // kLogSegmentsLog2: 128 segments
inline constexpr std::uint32_t log_ln2_q16 = 45426;  // kLogCoeff: round(ln 2 · 2^16)

// 129 knots of 2^16·(log2(1 + i/128) − i/128), rounded to nearest (TFLM's kLogLut; its 130th
// entry is padding and never read).
inline constexpr std::array<std::uint16_t, (1 << log_segments_bits) + 1> log_lut = [] {
    std::array<std::uint16_t, (1 << log_segments_bits) + 1> t{};
    constexpr double segments = 1 << log_segments_bits;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const double x = static_cast<double>(i) / segments;
        const double v = (setup_math::log1p(x) / 0.69314718055994530942 - x) * (1 << log_scale_bits);
        t[i] = static_cast<std::uint16_t>(setup_math::floor(v + 0.5));
    }
    return t;
}();

namespace log_detail {
// The fractional part of log2(x) in Q16, for x with its leading one at bit `log2x`.
constexpr std::uint32_t log2_fraction(std::uint32_t x, int log2x) {
    auto frac = static_cast<std::int32_t>(std::int64_t{x} - (std::int64_t{1} << log2x));
    if (log2x < log_scale_bits)
        frac <<= log_scale_bits - log2x;
    else
        frac >>= log2x - log_scale_bits;
    const auto segment = static_cast<std::uint32_t>(frac) >> (log_scale_bits - log_segments_bits);
    const std::int32_t c0 = log_lut[segment];
    const std::int32_t c1 = log_lut[segment + 1];
    const auto segment_base = static_cast<std::int32_t>(segment
                                                        << (log_scale_bits - log_segments_bits));
    const std::int32_t rel = ((c1 - c0) * (frac - segment_base)) >> log_scale_bits;
    return static_cast<std::uint32_t>(frac + c0 + rel);
}
}  // namespace log_detail

// round(ln(x) · 2^scale_shift) for x >= 2 (TFLM's Log).
constexpr std::uint32_t scaled_log(std::uint32_t x, int scale_shift) {
    const int integer = static_cast<int>(std::bit_width(x)) - 1;
    const std::uint32_t log2 = (static_cast<std::uint32_t>(integer) << log_scale_bits) +
                               log_detail::log2_fraction(x, integer);
    constexpr std::uint32_t round = 1u << (log_scale_bits - 1);
    const auto ln = static_cast<std::uint32_t>((std::uint64_t{log_ln2_q16} * log2 + round) >>
                                               log_scale_bits);
    return ((ln << scale_shift) + round) >> log_scale_bits;
}

// One channel's feature: value · 2^correction_bits (a right shift when negative; wrapping in
// uint32 as TFLM's does), its scaled log when enabled, saturated to uint16.
constexpr std::uint16_t log_scale(std::uint32_t value, int correction_bits, bool enabled,
                                  int scale_shift) {
    if (enabled) {
        value = correction_bits < 0 ? value >> -correction_bits : value << correction_bits;
        value = value > 1 ? scaled_log(value, scale_shift) : 0;
    }
    return static_cast<std::uint16_t>(value < 0xFFFF ? value : 0xFFFF);
}

}  // namespace mote::audio
