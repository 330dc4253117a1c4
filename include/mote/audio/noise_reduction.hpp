#pragma once
// Noise reduction stage (TFLM noise_reduction.c, noise_reduction_util.c): a per-channel running
// estimate of the noise floor, subtracted from the signal but never below a floor fraction of it.
//
// Fixed point: smoothing factors and the floor fraction are Q14 (the config's float times 2^14,
// truncated: 0.025 -> 409, 0.06 -> 983, 0.05 -> 819). The estimate carries smoothing_bits
// fraction bits: estimate' = (signal·2^bits·s + estimate·(2^14 − s)) >> 14, with s the even or
// odd channel's factor; output = max((signal·2^bits − min(estimate', signal·2^bits)) >> bits,
// (signal·floor) >> 14). signal·2^bits wraps in uint32 as TFLM's does.
#include <cstddef>
#include <cstdint>

#include "mote/audio/config.hpp"

namespace mote::audio {

inline constexpr int noise_reduction_bits = 14;

struct NoiseReduction {
    int smoothing_bits = 0;
    std::uint32_t even_smoothing = 0;  // Q14
    std::uint32_t odd_smoothing = 0;  // Q14
    std::uint32_t min_signal_remaining = 0;  // Q14
};

constexpr NoiseReduction make_noise_reduction(const FrontendConfig& c) {
    constexpr auto one = static_cast<float>(1 << noise_reduction_bits);
    return {c.noise_smoothing_bits, static_cast<std::uint32_t>(c.noise_even_smoothing * one),
            static_cast<std::uint32_t>(c.noise_odd_smoothing * one),
            static_cast<std::uint32_t>(c.noise_min_signal_remaining * one)};
}

// One channel's output; updates that channel's estimate (zero after reset).
constexpr std::uint32_t reduce_noise(const NoiseReduction& p, std::size_t channel, std::uint32_t signal,
                                     std::uint32_t& estimate) {
    const std::uint32_t smoothing = channel % 2 == 0 ? p.even_smoothing : p.odd_smoothing;
    const std::uint32_t one_minus_smoothing = (1u << noise_reduction_bits) - smoothing;
    const std::uint32_t scaled = signal << p.smoothing_bits;
    estimate = static_cast<std::uint32_t>(
        (std::uint64_t{scaled} * smoothing + std::uint64_t{estimate} * one_minus_smoothing) >>
        noise_reduction_bits);
    const std::uint32_t subtracted = (scaled - (estimate > scaled ? scaled : estimate)) >>
                                     p.smoothing_bits;
    const auto floor = static_cast<std::uint32_t>((std::uint64_t{signal} * p.min_signal_remaining) >>
                                                  noise_reduction_bits);
    return subtracted > floor ? subtracted : floor;
}

}  // namespace mote::audio
