#pragma once
// What a keyword model reads from the front end: the newest `Rows` feature frames as its int8
// input (micro_feature_to_int8), oldest first, ready every `Stride` new frames. A streaming
// model (microWakeWord v2: input [1, 3, 40], the older frames kept in its own state) takes
// Rows = Stride = 3; a windowed one (TFLM's old micro_speech: 49 frames) slides by Stride.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/audio/model_input.hpp"

namespace mote::audio {

template <std::size_t Rows, std::size_t Channels, std::size_t Stride = Rows>
class FeatureWindow {
    static_assert(Rows > 0 && Channels > 0 && Stride > 0 && Stride <= Rows,
                  "mote: FeatureWindow needs 0 < Stride <= Rows and at least one channel");

public:
    static constexpr std::size_t rows = Rows, channels = Channels, stride = Stride;

    // Appends one frame; true when the window is full and Stride frames have arrived since it
    // was last ready (the model runs then).
    constexpr bool push(std::span<const std::uint16_t, Channels> frame) {
        if (filled_ == Rows) {
            std::copy(values_.begin() + Channels, values_.end(), values_.begin());
            --filled_;
        }
        micro_features_to_int8(frame, std::span<std::int8_t>(values_.data() + filled_ * Channels, Channels));
        ++filled_;
        if (++since_ready_ < Stride || filled_ < Rows) return false;
        since_ready_ = 0;
        return true;
    }

    // Rows × Channels int8 values, oldest frame first; whole once push() has returned true.
    constexpr const std::int8_t* data() const { return values_.data(); }

    constexpr void reset() {
        filled_ = 0;
        since_ready_ = 0;
    }

private:
    std::array<std::int8_t, Rows * Channels> values_{};
    std::size_t filled_ = 0;
    std::size_t since_ready_ = 0;
};

}  // namespace mote::audio
