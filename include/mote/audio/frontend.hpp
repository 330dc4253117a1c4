#pragma once
// The streaming audio front end: TFLite Micro's microfrontend (window → FFT → filterbank →
// noise reduction → PCAN → log scale), bit for bit, for a configuration fixed at compile time.
//
//   static mote::audio::Frontend<mote::audio::presets::microwakeword> frontend;
//   frontend.feed(pcm, [](std::span<const std::uint16_t, 40> features) { ... });
//
// PCM is int16 mono at the configuration's rate, in chunks of any size: the first frame comes
// once window_samples have arrived, then one every step_samples; leftover samples wait for the
// next call, so any chunking gives the same frames. Frame k covers samples
// [k·step, k·step + window). No heap; the object holds all state and work buffers.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/audio/config.hpp"
#include "mote/audio/fft.hpp"
#include "mote/audio/filterbank.hpp"
#include "mote/audio/log_scale.hpp"
#include "mote/audio/noise_reduction.hpp"
#include "mote/audio/pcan.hpp"
#include "mote/audio/tables.hpp"
#include "mote/audio/window.hpp"

namespace mote::audio {

template <const FrontendConfig& Config>
class Frontend {
    static_assert(validate(Config));
    // Sets up the filterbank here, so band edges it cannot take are reported at the declaration.
    static_assert(filterbank_bins<Config> <= audio::fft_size(Config) / 2);

public:
    static constexpr const FrontendConfig& config = Config;
    static constexpr std::size_t channels = channel_count(Config);
    static constexpr std::size_t window_samples = audio::window_samples(Config);
    static constexpr std::size_t step_samples = audio::step_samples(Config);
    static constexpr std::size_t fft_size = audio::fft_size(Config);

    using Frame = std::span<const std::uint16_t, channels>;

    // Back to the state after set-up: no samples buffered, noise estimates zero.
    constexpr void reset() {
        window_.fill(0);
        filled_ = 0;
        noise_estimate_.fill(0);
    }

    // Appends `pcm` and calls on_frame(Frame) for every frame it completes; returns their count.
    // The frame's storage is reused by the next frame.
    template <class OnFrame>
    constexpr std::size_t feed(std::span<const std::int16_t> pcm, OnFrame&& on_frame) {
        std::size_t frames = 0;
        while (!pcm.empty()) {
            const std::size_t n = std::min(pcm.size(), window_samples - filled_);
            std::copy_n(pcm.data(), n, window_.data() + filled_);
            filled_ += n;
            pcm = pcm.subspan(n);
            if (filled_ < window_samples) break;
            compute_frame();
            on_frame(Frame{frame_});
            ++frames;
            std::copy(window_.data() + step_samples, window_.data() + window_samples, window_.data());
            filled_ -= step_samples;
        }
        return frames;
    }

private:
    constexpr void compute_frame() {
        std::span<Complex16, fft_size / 2> spectrum{spectrum_};
        const int shift = load_windowed<fft_size>(window_, window_table<Config>, spectrum);
        fft_transform<fft_size>(spectrum);

        constexpr const auto& filterbank = filterbank_table<Config>;
        real_fft_energies<fft_size>(spectrum, filterbank.band_start.front(),
                                    filterbank.band_start.back());
        std::array<std::uint64_t, channels> sums{};
        filterbank_accumulate(
            filterbank, [&](std::size_t bin) { return stored_energy(spectrum[bin]); },
            std::span<std::uint64_t, channels>{sums});
        for (std::size_t c = 0; c < channels; ++c) {
            // The window's scaling comes off the amplitudes here.
            std::uint32_t v = filterbank_sqrt(sums[c]) >> shift;
            v = reduce_noise(noise_reduction_table<Config>, c, v, noise_estimate_[c]);
            if constexpr (Config.pcan_enabled)
                v = pcan_apply(pcan_table<Config>, v, noise_estimate_[c]);
            frame_[c] = log_scale(v, correction_bits(Config), Config.log_enabled,
                                  Config.log_scale_shift);
        }
    }

    // Kept between frames: the samples of the window being filled (oldest first) and each
    // channel's noise estimate.
    std::array<std::int16_t, window_samples> window_{};
    std::size_t filled_ = 0;
    std::array<std::uint32_t, channels> noise_estimate_{};
    // Work of one frame: the FFT's buffer (then the bins' energies) and the finished frame.
    std::array<Complex16, fft_size / 2> spectrum_{};
    std::array<std::uint16_t, channels> frame_{};
};

}  // namespace mote::audio
