#pragma once
// The audio front end's configuration: the fields of TFLite Micro's microfrontend
// `struct FrontendConfig` plus the sample rate, as one compile-time value. A front end is
// `mote::audio::Frontend<config>` for a namespace-scope `constexpr FrontendConfig config`
// (a reference template parameter: clang 14 rejects float template arguments by value).
// Default member values are TFLM's `*FillConfigWithDefaults` (PCAN off, 25/10 ms, 32 channels);
// TFLM's `filterbank.output_scale_shift` is not here because the library never reads it.
#include <bit>
#include <cstddef>

#include "mote/core/diagnostics.hpp"

namespace mote::audio {

// How the set-up tables are derived (the run-time processing is the same for both).
enum class SetupMath {
    // TFLM since PR #2296 (tflite-micro 6d337dc9f, Oct 2023) and ESPHome's
    // ESPMicroSpeechFeatures: window and filterbank in float (cosf, log1pf, floorf).
    single_precision,
    // TFLM before #2296 (cos, log1p, floor in double), as the old micro_speech example shipped
    // it: 1 of 480 window coefficients and 3 of 316 filterbank weights differ.
    double_precision_pre2296,
};

struct FrontendConfig {
    int sample_rate_hz = 16000;
    int window_size_ms = 25;
    int window_step_ms = 10;
    int channels = 32;
    float lower_band_hz = 125.0f;  // filterbank band edges
    float upper_band_hz = 7500.0f;
    int noise_smoothing_bits = 10;  // noise estimate fraction bits
    float noise_even_smoothing = 0.025f;  // estimate update weight, even / odd channels
    float noise_odd_smoothing = 0.06f;
    float noise_min_signal_remaining = 0.05f;  // never subtract below this part of the signal
    bool pcan_enabled = false;  // per-channel amplitude normalisation
    float pcan_strength = 0.95f;
    float pcan_offset = 80.0f;
    int pcan_gain_bits = 21;
    bool log_enabled = true;
    int log_scale_shift = 6;
    SetupMath setup_math = SetupMath::single_precision;
};

namespace presets {

// microWakeWord (ESPHome `micro_wake_word`, v2 model manifests): 30 ms windows every 10 ms.
inline constexpr FrontendConfig microwakeword{
    .sample_rate_hz = 16000,
    .window_size_ms = 30,
    .window_step_ms = 10,
    .channels = 40,
    .lower_band_hz = 125.0f,
    .upper_band_hz = 7500.0f,
    .noise_smoothing_bits = 10,
    .noise_even_smoothing = 0.025f,
    .noise_odd_smoothing = 0.06f,
    .noise_min_signal_remaining = 0.05f,
    .pcan_enabled = true,
    .pcan_strength = 0.95f,
    .pcan_offset = 80.0f,
    .pcan_gain_bits = 21,
    .log_enabled = true,
    .log_scale_shift = 6,
    .setup_math = SetupMath::single_precision,
};

// TFLM's micro_speech example while it used the microfrontend: 30 ms windows every 20 ms.
inline constexpr FrontendConfig micro_speech = [] {
    FrontendConfig c = microwakeword;
    c.window_step_ms = 20;
    return c;
}();

// micro_speech with the set-up maths before TFLM #2296: reproduces its old golden data.
inline constexpr FrontendConfig micro_speech_pre2296 = [] {
    FrontendConfig c = micro_speech;
    c.setup_math = SetupMath::double_precision_pre2296;
    return c;
}();

}  // namespace presets

// Samples per window and per step (TFLM: ms · rate / 1000, truncated).
constexpr std::size_t window_samples(const FrontendConfig& c) {
    return static_cast<std::size_t>(c.window_size_ms * c.sample_rate_hz / 1000);
}
constexpr std::size_t step_samples(const FrontendConfig& c) {
    return static_cast<std::size_t>(c.window_step_ms * c.sample_rate_hz / 1000);
}
// The real FFT's length: the window rounded up to a power of two (zero-padded).
constexpr std::size_t fft_size(const FrontendConfig& c) { return std::bit_ceil(window_samples(c)); }
constexpr std::size_t channel_count(const FrontendConfig& c) {
    return static_cast<std::size_t>(c.channels);
}

// Fraction bits of the filterbank's square-rooted output beyond an integer amplitude:
// log2(fft_size) − 1 − filterbank_bits/2 (3 for a 512-point FFT). PCAN and the log scale
// correct for them.
inline constexpr int filterbank_bits = 12;  // Q12 weights
constexpr int correction_bits(const FrontendConfig& c) {
    return static_cast<int>(std::bit_width(fft_size(c))) - 1 - filterbank_bits / 2;
}

// Checks what TFLM's set-up assumes; in a constant expression a violation is a compile error
// that quotes the reason (mote::fail).
constexpr bool validate(const FrontendConfig& c) {
    if (c.sample_rate_hz <= 0 || c.window_size_ms <= 0 || c.window_step_ms <= 0)
        fail("mote: audio front end: sample rate, window size and step must be positive");
    if (step_samples(c) == 0 || step_samples(c) > window_samples(c))
        fail("mote: audio front end: the window step must be 1 to window-size samples");
    if (c.channels <= 0) fail("mote: audio front end: channels must be positive");
    if (!(c.lower_band_hz >= 0.0f) || !(c.upper_band_hz > c.lower_band_hz))
        fail("mote: audio front end: band edges must satisfy 0 <= lower < upper");
    if (c.noise_smoothing_bits < 0 || c.noise_smoothing_bits > 31)
        fail("mote: audio front end: noise smoothing bits must be 0..31");
    if (c.log_scale_shift < 0 || c.log_scale_shift > 31)
        fail("mote: audio front end: log scale shift must be 0..31");
    return true;
}

}  // namespace mote::audio
