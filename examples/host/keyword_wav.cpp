// Audio in, detection out, on the host: a 16 kHz mono 16-bit WAV file through the same
// KeywordPipeline a device runs (front end → int8 features → microWakeWord model), 10 ms of
// audio at a time. Prints the model's output (uint8 probability, 0..255) for every 30 ms run and
// the peak; exit status 0 when the file was read, 1 with a one-line reason when it was not.
//
//   keyword_wav FILE.wav          built per model: keyword_wav_vad, keyword_wav_hey_jarvis
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <vector>

#include <mote/audio.hpp>
#include <mote/audio/host/wav.hpp>
#include MOTE_KWS_HEADER

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FILE.wav\n", argv[0]);
        return 2;
    }
    std::ifstream f(argv[1], std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "%s: error: cannot read %s\n", argv[0], argv[1]);
        return 1;
    }
    const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
    constexpr auto& preset = mote::audio::presets::microwakeword;
    const auto wav = mote::audio::host::read_wav(bytes, static_cast<std::uint32_t>(preset.sample_rate_hz));
    if (!wav.error.empty()) {
        std::fprintf(stderr, "%s: error: %s: %s\n", argv[0], argv[1], wav.error.c_str());
        return 1;
    }
    static mote::audio::KeywordPipeline<preset, MOTE_KWS_NS::Model> kws;
    std::printf("%s: %zu samples (%.2f s) through %s\n", argv[1], wav.samples.size(),
                static_cast<double>(wav.samples.size()) / preset.sample_rate_hz, MOTE_KWS_NAME);
    int runs = 0, peak = 0, peak_at = 0;
    const std::span<const std::int16_t> pcm(wav.samples);
    for (std::size_t i = 0; i < pcm.size(); i += 160) {
        kws.feed(pcm.subspan(i, std::min<std::size_t>(160, pcm.size() - i)), [&](const auto* out) {
            const int p = static_cast<int>(out[0]);
            std::printf("%s%d", runs % 16 == 0 ? (runs ? "\n  " : "  ") : " ", p);
            if (p > peak) peak = p, peak_at = runs;
            ++runs;
        });
    }
    std::printf("\n%d runs (every 30 ms); peak %d/255 (%.2f) at %.2f s\n", runs, peak, peak / 255.0,
                (peak_at + 1) * 0.03);
    return 0;
}
