#pragma once
// The int8 model input microWakeWord and TFLM's old micro_speech feed their models from the
// front end's uint16 features (ESPHome MicroWakeWord::generate_features_for_window_, TFLM
// micro_speech GenerateMicroFeatures). The models were trained on f/25.6 (≈ 0..26) with an int8
// input covering [0, 26): (f/25.6/26)·256 − 128, computed in 32-bit integers as
// (f·256 + 333)/666 − 128 (666 = ⌊25.6·26 + ½⌋; 333 rounds half up), clamped to [−128, 127].
#include <cstddef>
#include <cstdint>
#include <span>

namespace mote::audio {

constexpr std::int8_t micro_feature_to_int8(std::uint16_t feature) {
    constexpr std::int32_t divisor = 666;
    const std::int32_t v = (std::int32_t{feature} * 256 + divisor / 2) / divisor - 128;
    return static_cast<std::int8_t>(v < -128 ? -128 : (v > 127 ? 127 : v));
}

// A whole frame (or several back to back); `out` has as many elements as `features`.
constexpr void micro_features_to_int8(std::span<const std::uint16_t> features,
                                      std::span<std::int8_t> out) {
    for (std::size_t i = 0; i < features.size(); ++i) out[i] = micro_feature_to_int8(features[i]);
}

}  // namespace mote::audio
