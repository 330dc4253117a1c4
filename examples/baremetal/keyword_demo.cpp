// Microphone to keyword on the target: PCM from a file (semihosting) in 10 ms chunks → the
// audio front end → int8 features → a streaming microWakeWord model every 3 frames (30 ms).
// Prints each model output and what each 10 ms of audio cost, the front end and the model
// counted apart, then flash and RAM of the whole pipeline.
//
//   -append "AUDIO.pcm [FEATURES.i8]"   int16 LE mono 16 kHz; FEATURES: TFLite Micro's int8
//                                        features of the same audio, compared byte for byte
//
// Built per model (examples/baremetal/CMakeLists.txt) with MOTE_DEMO_HEADER, MOTE_DEMO_NS and
// MOTE_DEMO_NAME; the `mote-bench:` lines are what bench/run collects.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <mote/audio.hpp>

#include "demo_print.hpp"
#include "mote_board.hpp"
#include MOTE_DEMO_HEADER

namespace {

namespace audio = mote::audio;
using Net = MOTE_DEMO_NS::Model;
using Frontend = audio::Frontend<audio::presets::microwakeword>;
using Window = audio::KeywordPipeline<audio::presets::microwakeword, Net>::Window;
constexpr std::size_t chunk = Frontend::step_samples;  // 10 ms
constexpr std::size_t max_samples = 16000 * 2;         // 2 s
constexpr std::size_t max_frames = 1 + (max_samples - Frontend::window_samples) / chunk;

alignas(4) std::int16_t pcm[max_samples + 1];
std::int8_t want[max_frames * Frontend::channels + 1];
Frontend frontend;
Window window;
typename Net::Arena arena;
typename Net::State state;

// Median of n counts (sorts them).
std::uint64_t median(std::uint64_t* v, std::size_t n) {
    std::sort(v, v + n);
    return n == 0 ? 0 : v[n / 2];
}

}  // namespace

int main() {
    using mote::board::print;
    static char storage[512];
    const char* argv[4];
    const int argc = mote::board::arguments(storage, argv);
    if (argc < 2) {
        print("usage: -append \"AUDIO.pcm [FEATURES.i8]\"\n");
        return 2;
    }
    const long n = mote::board::read_file(argv[1], std::as_writable_bytes(std::span(pcm)));
    if (n <= 0 || n % 2 != 0) {
        print("ERROR: ", argv[1], ": read ", n, " B; int16 samples, at most ", max_samples, "\n");
        return 2;
    }
    const std::size_t samples = static_cast<std::size_t>(n) / 2;
    const long w = argc >= 3 ? mote::board::read_file(argv[2], std::as_writable_bytes(std::span(want))) : -1;
    if (argc >= 3 && (w <= 0 || w % static_cast<long>(Frontend::channels) != 0)) {
        print("ERROR: ", argv[2], ": read ", w, " B, want whole frames of ", Frontend::channels, "\n");
        return 2;
    }

    print("pipeline     ", samples, " samples -> microWakeWord front end -> ", MOTE_DEMO_NAME, " on ",
          MOTE_BOARD_NAME, "\n");
    mote::board::stack_repaint();
    static std::uint64_t frontend_cost[max_frames], model_cost[max_frames];
    std::size_t frames = 0, runs = 0, differ = 0;
    for (std::size_t i = 0; i + chunk <= samples; i += chunk) {
        const auto t0 = mote::board::instructions();
        std::array<std::int8_t, Frontend::channels> row{};
        bool ready = false;
        const std::size_t made = frontend.feed(std::span<const std::int16_t>(pcm + i, chunk), [&](Frontend::Frame f) {
            audio::micro_features_to_int8(f, row);
            ready = window.push(f);
        });
        const auto t1 = mote::board::instructions();
        if (made == 0) continue;   // the first 30 ms window is not full yet
        frontend_cost[frames] = t1 - t0;
        if (argc >= 3 && (frames + 1) * Frontend::channels <= static_cast<std::size_t>(w) &&
            std::memcmp(row.data(), want + frames * Frontend::channels, Frontend::channels) != 0)
            ++differ;
        ++frames;
        if (!ready) continue;
        const auto* out = Net::run(arena, state, window.data());
        model_cost[runs] = mote::board::instructions() - t1;
        print("run ", runs, " at ", (i + chunk) / 16, " ms: output ", static_cast<long>(out[0]), "  (",
              frontend_cost[frames - 1], " + ", model_cost[runs], " instructions)\n");
        ++runs;
    }
    const auto stack = mote::board::stack_peak();
    const std::uint64_t fe_max = *std::max_element(frontend_cost, frontend_cost + frames);
    const std::uint64_t fe = median(frontend_cost, frames), model = median(model_cost, runs);
    print("front end    ", fe, " instructions per 10 ms frame (median of ", frames, ", max ", fe_max,
          "); state ", sizeof(Frontend), " B, tables ", audio::table_bytes<audio::presets::microwakeword>,
          " B\n");
    print("model        ", model, " instructions per run (median of ", runs, "), every 30 ms; state ",
          Net::state_bytes, " B, arena ", Net::arena_bytes, " B, weights ", Net::weight_bytes, " B\n");
    print("per 10 ms    ", fe + model / 3, " instructions (", demo::Fixed(static_cast<float>(fe + model / 3) / 640000.0f * 100.0f, 2),
          " % of a 64 MHz core)\n");
    print("stack peak   ", stack, " B\n");
    constexpr std::size_t pipeline_ram = sizeof(Frontend) + sizeof(Window) + Net::state_bytes + Net::arena_bytes;
    print("pipeline RAM ", pipeline_ram, " B (front end ", sizeof(Frontend), ", window ", sizeof(Window),
          ", model state ", Net::state_bytes, ", arena ", Net::arena_bytes, ") + stack\n");
    const auto mem = demo::memory();
    print("flash        ", mem.flash, " B image; this demo's static RAM ", mem.ram_static,
          " B (with its 2 s audio buffer)\n");
    if (argc >= 3)
        print("features     ", differ == 0 && frames * Frontend::channels == static_cast<std::size_t>(w)
                                   ? "all frames match TFLite Micro's microfrontend byte for byte"
                                   : "FEATURES DIFFER from the reference", " (", frames, " frames)\n");
    mote::board::report("frontend_frame_instructions", fe);
    mote::board::report("frontend_frame_instructions_max", fe_max);
    mote::board::report("model_run_instructions", model);
    mote::board::report("frontend_state_bytes", sizeof(Frontend));
    mote::board::report("frontend_table_bytes", audio::table_bytes<audio::presets::microwakeword>);
    mote::board::report("pipeline_ram_bytes", pipeline_ram);
    mote::board::report("stack_peak", stack);
    mote::board::report("state_bytes", Net::state_bytes);
    mote::board::report("arena_bytes", Net::arena_bytes);
    return argc >= 3 && (differ != 0 || frames * Frontend::channels != static_cast<std::size_t>(w)) ? 1 : 0;
}
