// Audio in, keyword out, on the real microWakeWord models: for each recording of
// models/frontend, KeywordPipeline (PCM in 10 ms chunks → front end → window → model) must give
// byte for byte the outputs of the same model run on TFLite Micro's reference features
// (`mww_<input>.features.i8`, three frames per run). Prints each recording's outputs.
//
//   keyword_<model> FRONTEND_DIR INPUT...      (INPUT: wav_yes, lcg_seed1, ...)
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include <mote/audio.hpp>
#include MOTE_KWS_HEADER

namespace {

using Net = MOTE_KWS_NS::Model;
using Out = typename Net::output;
constexpr std::size_t frame_bytes = Net::template input<0>::bytes;  // 3 frames of 40

std::vector<char> read(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::printf("usage: %s FRONTEND_DIR INPUT...\n", argv[0]);
        return 2;
    }
    static mote::audio::KeywordPipeline<mote::audio::presets::microwakeword, Net> kws;
    static typename Net::Arena arena;
    static typename Net::State state;
    int failures = 0;
    for (int a = 2; a < argc; ++a) {
        const std::string stem = std::string(argv[1]) + "/mww_" + argv[a];
        const std::vector<char> pcm_bytes = read(stem + ".pcm"), features = read(stem + ".features.i8");
        if (pcm_bytes.empty() || pcm_bytes.size() % 2 != 0 || features.empty()) {
            std::printf("FAIL %s: cannot read %s.pcm / .features.i8\n", argv[a], stem.c_str());
            ++failures;
            continue;
        }
        std::vector<std::int16_t> pcm(pcm_bytes.size() / 2);
        for (std::size_t i = 0; i < pcm.size(); ++i)
            pcm[i] = static_cast<std::int16_t>(static_cast<std::uint8_t>(pcm_bytes[2 * i]) |
                                               static_cast<std::uint8_t>(pcm_bytes[2 * i + 1]) << 8);
        // The model on the reference features, three frames per run.
        std::vector<std::uint8_t> want;
        Net::reset(state);
        for (std::size_t off = 0; off + frame_bytes <= features.size(); off += frame_bytes) {
            const auto* out = Net::run(arena, state, reinterpret_cast<const std::int8_t*>(features.data() + off));
            want.insert(want.end(), reinterpret_cast<const std::uint8_t*>(out),
                        reinterpret_cast<const std::uint8_t*>(out) + Out::bytes);
        }
        // The pipeline on the audio, in 10 ms chunks.
        std::vector<std::uint8_t> got;
        kws.reset();
        for (std::size_t i = 0; i < pcm.size(); i += 160) {
            const std::size_t n = pcm.size() - i < 160 ? pcm.size() - i : 160;
            kws.feed(std::span<const std::int16_t>(pcm).subspan(i, n), [&](const auto* out) {
                got.insert(got.end(), reinterpret_cast<const std::uint8_t*>(out),
                           reinterpret_cast<const std::uint8_t*>(out) + Out::bytes);
            });
        }
        const bool same = got == want;
        failures += same ? 0 : 1;
        std::printf("%s %s: %zu runs from audio, %zu from the reference features; outputs:", same ? "ok  " : "FAIL",
                    argv[a], got.size() / Out::bytes, want.size() / Out::bytes);
        for (std::uint8_t v : got) std::printf(" %d", v);
        std::printf("\n");
    }
    return failures == 0 ? 0 : 1;
}
