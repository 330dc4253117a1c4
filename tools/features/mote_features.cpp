// mote-features: TFLite Micro microfrontend features of a PCM or WAV file, with mote's front end.
//
//   mote-features --preset microwakeword|micro_speech|micro_speech_pre2296 [--int8] IN OUT
//
// IN is raw int16 little-endian mono PCM at 16 kHz, or a WAV file (16-bit PCM mono 16 kHz),
// recognised by its RIFF header or a .wav name. OUT gets every frame back to back: 40 uint16
// little-endian values each, or with --int8 the model input bytes (mote::audio::
// micro_feature_to_int8). Errors: one line on stderr, exit status 1. Built and cached by the
// tools/mote-features script, and as a CMake target for the tests (tests/audio).
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mote/audio.hpp"
#include "mote/audio/host/wav.hpp"

namespace {

using namespace mote::audio;

constexpr const char* usage =
    "usage: mote-features --preset microwakeword|micro_speech|micro_speech_pre2296 [--int8] IN OUT\n"
    "  IN   raw int16 little-endian mono PCM (.pcm/.raw) or a WAV file (16-bit PCM, mono, 16 kHz)\n"
    "  OUT  the feature frames back to back: uint16 little-endian, or int8 with --int8\n";

int error(const std::string& why) {
    std::fprintf(stderr, "mote-features: error: %s\n", why.c_str());
    return 1;
}

bool read_all(const std::string& path, std::vector<std::uint8_t>& out) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    std::uint8_t buf[65536];
    for (std::size_t got; (got = std::fread(buf, 1, sizeof buf, f)) > 0;)
        out.insert(out.end(), buf, buf + got);
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    return ok;
}

bool ends_with_wav(std::string_view path) {
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos) return false;
    std::string ext(path.substr(dot + 1));
    for (char& ch : ext) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    return ext == "wav" || ext == "wave";
}

bool read_pcm(const std::string& path, const std::vector<std::uint8_t>& bytes, std::uint32_t rate_hz,
              std::vector<std::int16_t>& pcm, std::string& why) {
    if (host::has_riff_header(bytes) || ends_with_wav(path)) {
        host::WavSamples wav = host::read_wav(bytes, rate_hz);
        why = wav.error;
        pcm = std::move(wav.samples);
        return why.empty();
    }
    if (bytes.size() % 2 != 0) {
        why = "raw PCM must be whole int16 samples (" + std::to_string(bytes.size()) + " bytes)";
        return false;
    }
    pcm.resize(bytes.size() / 2);
    for (std::size_t i = 0; i < pcm.size(); ++i)
        pcm[i] = static_cast<std::int16_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
    return true;
}

template <const FrontendConfig& C>
int run(const std::string& in, const std::vector<std::uint8_t>& bytes, const std::string& out_path,
        bool int8) {
    std::vector<std::int16_t> pcm;
    std::string why;
    if (!read_pcm(in, bytes, static_cast<std::uint32_t>(C.sample_rate_hz), pcm, why))
        return error(in + ": " + why);
    static Frontend<C> frontend;
    std::vector<std::uint8_t> out;
    frontend.feed(pcm, [&](typename Frontend<C>::Frame frame) {
        for (const std::uint16_t f : frame) {
            if (int8) {
                out.push_back(static_cast<std::uint8_t>(micro_feature_to_int8(f)));
            } else {
                out.push_back(static_cast<std::uint8_t>(f & 0xFF));
                out.push_back(static_cast<std::uint8_t>(f >> 8));
            }
        }
    });
    std::FILE* f = std::fopen(out_path.c_str(), "wb");
    if (f == nullptr) return error("cannot write " + out_path);
    bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
    ok = std::fclose(f) == 0 && ok;
    return ok ? 0 : error("cannot write " + out_path);
}

}  // namespace

int main(int argc, char** argv) {
    std::string preset;
    bool int8 = false;
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (a == "--int8") {
            int8 = true;
        } else if (a == "--preset" || a.starts_with("--preset=")) {
            if (a == "--preset" && i + 1 == argc) return error("--preset needs a value");
            preset = a == "--preset" ? argv[++i] : std::string(a.substr(9));
        } else if (a.size() > 1 && a[0] == '-') {
            return error("unknown option " + std::string(a) + " (see --help)");
        } else {
            files.emplace_back(a);
        }
    }
    if (preset.empty())
        return error("--preset is required: microwakeword, micro_speech or micro_speech_pre2296");
    if (preset != "microwakeword" && preset != "micro_speech" && preset != "micro_speech_pre2296")
        return error("unknown preset '" + preset +
                     "': microwakeword, micro_speech or micro_speech_pre2296");
    if (files.size() != 2) return error("give one input and one output file (see --help)");

    std::vector<std::uint8_t> bytes;
    if (!read_all(files[0], bytes)) return error("cannot read " + files[0]);
    if (preset == "microwakeword") return run<presets::microwakeword>(files[0], bytes, files[1], int8);
    if (preset == "micro_speech") return run<presets::micro_speech>(files[0], bytes, files[1], int8);
    return run<presets::micro_speech_pre2296>(files[0], bytes, files[1], int8);
}
