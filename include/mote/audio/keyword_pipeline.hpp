#pragma once
// Microphone to model output in one object: PCM → Frontend<Config> → FeatureWindow → Net, the
// model run every `Stride` feature frames on the object's own arena (and state, for a streaming
// model). The model's input must be whole int8 frames of the front end's channels, e.g.
// microWakeWord's [1, 3, 40] (3 rows, run every 3 frames = 30 ms) or micro_speech's [1, 49, 40].
//
//   static mote::audio::KeywordPipeline<mote::audio::presets::microwakeword, hey_jarvis::Model> kws;
//   kws.feed(pcm, [](const std::uint8_t* probability) { ... });   // any chunk size
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "mote/audio/feature_window.hpp"
#include "mote/audio/frontend.hpp"

namespace mote::audio {

namespace detail {
template <class Net, std::size_t Channels>
inline constexpr std::size_t rows_of_input = Net::template input<0>::elements / Channels;
}  // namespace detail

template <const FrontendConfig& Config, class Net,
          std::size_t Stride = detail::rows_of_input<Net, channel_count(Config)>>
class KeywordPipeline {
    using In = typename Net::template input<0>;
    static constexpr std::size_t channels = channel_count(Config);
    static_assert(Net::input_count == 1 && std::is_same_v<typename In::value_type, std::int8_t>,
                  "mote: KeywordPipeline feeds one int8 model input");
    static_assert(In::elements % channels == 0,
                  "mote: the model's input is not whole frames of the front end's channels");

public:
    using Window = FeatureWindow<detail::rows_of_input<Net, channels>, channels, Stride>;

    // Feeds PCM (int16 mono at the configuration's rate, any chunk size); calls on_output(Net's
    // output pointer, valid until the next run) after each model run; returns the runs.
    template <class OnOutput>
    std::size_t feed(std::span<const std::int16_t> pcm, OnOutput&& on_output) {
        std::size_t runs = 0;
        frontend_.feed(pcm, [&](typename Frontend<Config>::Frame frame) {
            if (!window_.push(frame)) return;
            on_output(run_model(window_.data()));
            ++runs;
        });
        return runs;
    }

    // Back to the start: nothing buffered, noise estimates and model state at their initial values.
    void reset() {
        frontend_.reset();
        window_.reset();
        if constexpr (Net::stateful) Net::reset(state_);
    }

private:
    auto run_model(const std::int8_t* input) {
        if constexpr (Net::stateful) return Net::run(arena_, state_, input);
        else return Net::run(arena_, input);
    }

    Frontend<Config> frontend_;
    Window window_;
    typename Net::Arena arena_;
    typename Net::State state_;
};

}  // namespace mote::audio
