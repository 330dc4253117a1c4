// The feature window a keyword model reads (rows oldest first, ready every Stride frames) and
// the pipeline PCM → front end → window → model, against the same steps written out by hand.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <vector>

#include <mote/audio.hpp>
#include <mote/mote.hpp>

namespace {

using namespace mote;

std::array<std::uint16_t, 4> frame_of(int k) {
    // micro_feature_to_int8 maps 666·(v + 128)/256 back to v: frame k's values are k, k+1, ...
    std::array<std::uint16_t, 4> f{};
    for (int c = 0; c < 4; ++c) f[static_cast<std::size_t>(c)] = static_cast<std::uint16_t>((k + c + 128) * 666 / 256);
    return f;
}

}  // namespace

TEST_CASE("FeatureWindow: the newest rows, oldest first, ready every Stride frames", "[audio][pipeline]") {
    audio::FeatureWindow<3, 4, 2> w;
    std::vector<int> ready_at;
    for (int k = 0; k < 9; ++k) {
        const auto f = frame_of(k);
        if (w.push(std::span<const std::uint16_t, 4>(f))) {
            ready_at.push_back(k);
            for (int r = 0; r < 3; ++r)
                for (int c = 0; c < 4; ++c) {
                    INFO("frame " << k << " row " << r << " channel " << c);
                    REQUIRE(w.data()[r * 4 + c] == audio::micro_feature_to_int8(frame_of(k - 2 + r)[static_cast<std::size_t>(c)]));
                }
        }
    }
    REQUIRE(ready_at == std::vector<int>{2, 4, 6, 8});  // full after 3 frames, then every 2
    w.reset();
    const auto f = frame_of(0);
    CHECK_FALSE(w.push(std::span<const std::uint16_t, 4>(f)));
}

namespace pipeline {
using namespace mote;
// A stand-in keyword model on microWakeWord's input, [1, 3, 40] int8: one Dense of 2 units.
inline constexpr QuantParams in_q{0.1f, -128};
inline constexpr auto values = [] {
    std::array<std::int8_t, 2 * 120> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::int8_t>((i * 37) % 200 - 100);
    return a;
}();
inline constexpr std::array<float, 1> scales{0.004f};
inline constexpr QuantizedWeights w{values, scales, {}, {0.5f, 3}};
using Net = Sequential<Input<Shape{1, 3, 40}, in_q>, Dense<2, Activation::none, w>>;
}  // namespace pipeline

TEST_CASE("KeywordPipeline runs the model on every 3 frames as the steps written out do", "[audio][pipeline]") {
    using Frontend = audio::Frontend<audio::presets::microwakeword>;
    static audio::KeywordPipeline<audio::presets::microwakeword, pipeline::Net> kws;
    static Frontend frontend;
    static audio::FeatureWindow<3, 40> window;
    static pipeline::Net::Arena arena;
    std::vector<std::int16_t> pcm(16000);
    std::uint32_t x = 7;
    for (auto& s : pcm) {
        x = x * 1664525u + 1013904223u;
        s = static_cast<std::int16_t>(static_cast<std::int32_t>(x >> 16) >> 3);
    }
    std::vector<std::int8_t> want, got;
    frontend.feed(pcm, [&](Frontend::Frame f) {
        if (!window.push(f)) return;
        const std::int8_t* out = pipeline::Net::run(arena, window.data());
        want.insert(want.end(), out, out + 2);
    });
    std::size_t runs = 0;
    for (std::size_t i = 0; i < pcm.size(); i += 160)   // 10 ms chunks
        runs += kws.feed(std::span<const std::int16_t>(pcm).subspan(i, 160),
                         [&](const std::int8_t* out) { got.insert(got.end(), out, out + 2); });
    REQUIRE(runs == 32);  // 98 frames of 1 s at a 10 ms step, a run every 3
    REQUIRE(got == want);
    kws.reset();
    std::vector<std::int8_t> again;
    kws.feed(pcm, [&](const std::int8_t* out) { again.insert(again.end(), out, out + 2); });
    REQUIRE(again == want);
}
