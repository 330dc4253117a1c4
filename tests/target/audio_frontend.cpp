// The audio front end on the device: every reference stem of TFLite Micro's microfrontend
// (MOTE_SHARED_DIR/models/frontend) for its preset, uint16 features and int8 model input byte for
// byte, with the PCM fed whole, in 160-sample (10 ms) chunks and in 7-sample chunks.
//
//   -append "<frontend dir>/ STEM..."   reads <dir>/STEM.pcm, .features.u16, .features.i8;
//                                        the preset comes from the stem's prefix (mww_,
//                                        microspeech_, microspeech_pre2296_)
//   no arguments                         the stages on the build's arithmetic
//                                        (mote::audio::Complex16Ops: the DSP extension's on
//                                        M4/M7) against the portable ones, on random data
//
// For mww_wav_yes fed in 160-sample chunks it also reports the instructions of one frame (median
// and max over the frames), the front end's state bytes and its tables' flash. Exit status: 0
// when everything matches, 1 on a mismatch, 2 on a bad file or argument.
// The host runs the portable stages only (tests/unit/audio_*.cpp).
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "mote/audio.hpp"
#include "mote_board.hpp"
#include "ref_path.hpp"

namespace {

namespace audio = mote::audio;
using mote::board::print;

constexpr std::size_t max_samples = 16000;  // the stems are 1 s at 16 kHz
constexpr std::size_t max_values = 98 * 40;  // frames · channels of 1 s at a 10 ms step
alignas(4) std::byte pcm_bytes[max_samples * 2 + 1];  // one spare byte: a longer file is an error
alignas(4) std::byte want_u16[max_values * 2 + 1];
std::byte want_i8[max_values + 1];

bool starts_with(const char* s, const char* prefix) {
    return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

using target_test::join;

// Reads dir + stem + suffix whole; its size in bytes, or -1 after printing why not.
long load(const char* dir, const char* stem, const char* suffix, std::span<std::byte> out) {
    char path[512];
    if (!join(path, dir, stem, suffix)) {
        print("ERROR: path too long: ", dir, stem, suffix, "\n");
        return -1;
    }
    const long n = mote::board::read_file(path, out.first(out.size() - 1));
    if (n < 0) print("ERROR: ", path, ": cannot read (or longer than the firmware takes)\n");
    return n;
}

std::uint16_t u16_at(std::size_t i) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(want_u16[2 * i]) |
                                      std::to_integer<unsigned>(want_u16[2 * i + 1]) << 8);
}

struct FrameCost {
    std::array<std::uint32_t, max_values / 40> instructions{};
    std::size_t frames = 0;
};

// Feeds `pcm` in chunks of `chunk` samples (all of it at once for 0) to a reset front end and
// compares every frame with the reference; returns the mismatching values (a missing or extra
// frame counts as all of its values). With `cost`, records the instructions of every feed call
// that completes one frame, less those of the comparison.
template <const audio::FrontendConfig& C>
std::size_t check(audio::Frontend<C>& frontend, std::span<const std::int16_t> pcm, std::size_t chunk,
                  std::size_t want_frames, FrameCost* cost) {
    using F = audio::Frontend<C>;
    frontend.reset();
    std::size_t frame = 0;
    std::size_t bad = 0;
    std::uint64_t compare_instructions = 0;
    const auto on_frame = [&](typename F::Frame features) {
        const std::uint64_t start = cost ? mote::board::instructions() : 0;
        if (frame < want_frames) {
            std::array<std::int8_t, F::channels> input{};
            audio::micro_features_to_int8(features, input);
            for (std::size_t c = 0; c < F::channels; ++c) {
                const std::size_t i = frame * F::channels + c;
                if (features[c] != u16_at(i) || input[c] != std::to_integer<std::int8_t>(want_i8[i])) {
                    if (bad < 4)
                        print("  chunk ", chunk, ": frame ", frame, " channel ", c, ": got ",
                              features[c], " / ", input[c], ", want ", u16_at(i), " / ",
                              std::to_integer<std::int8_t>(want_i8[i]), "\n");
                    ++bad;
                }
            }
        } else {
            bad += F::channels;
        }
        ++frame;
        if (cost) compare_instructions += mote::board::instructions() - start;
    };
    const std::size_t step = chunk == 0 ? pcm.size() : chunk;
    for (std::size_t at = 0; at < pcm.size(); at += step) {
        compare_instructions = 0;
        const std::uint64_t start = cost ? mote::board::instructions() : 0;
        const std::size_t frames = frontend.feed(pcm.subspan(at, std::min(step, pcm.size() - at)), on_frame);
        if (cost && frames == 1 && cost->frames < cost->instructions.size())
            cost->instructions[cost->frames++] =
                static_cast<std::uint32_t>(mote::board::instructions() - start - compare_instructions);
    }
    if (frame < want_frames) {
        print("  chunk ", chunk, ": ", frame, " frames, want ", want_frames, "\n");
        bad += (want_frames - frame) * F::channels;
    }
    return bad;
}

void report_cost(FrameCost& cost, std::size_t state_bytes, std::size_t table_bytes) {
    const std::span<std::uint32_t> n(cost.instructions.data(), cost.frames);
    std::sort(n.begin(), n.end());
    const std::uint32_t median = n.empty() ? 0 : n[n.size() / 2];
    const std::uint32_t max = n.empty() ? 0 : n.back();
    print(MOTE_BOARD_NAME, ": microwakeword front end, mww_wav_yes in 160-sample chunks: ", median,
          " instructions per 10 ms frame (median of ", n.size(), "), max ", max, "; state ",
          state_bytes, " B, tables ", table_bytes, " B of flash\n");
    mote::board::report("frontend_frame_instructions", median);
    mote::board::report("frontend_frame_instructions_max", max);
    mote::board::report("frontend_state_bytes", state_bytes);
    mote::board::report("frontend_table_bytes", table_bytes);
}

// One stem through preset C: returns 0 when every byte matches, 1 on a mismatch, 2 on a bad file.
template <const audio::FrontendConfig& C>
int run_stem(const char* dir, const char* stem) {
    using F = audio::Frontend<C>;
    const long pcm_size = load(dir, stem, ".pcm", pcm_bytes);
    const long u16_size = load(dir, stem, ".features.u16", want_u16);
    const long i8_size = load(dir, stem, ".features.i8", want_i8);
    if (pcm_size < 0 || u16_size < 0 || i8_size < 0) return 2;
    const auto frames = static_cast<std::size_t>(i8_size) / F::channels;
    if (pcm_size % 2 != 0 || static_cast<std::size_t>(i8_size) != frames * F::channels ||
        u16_size != 2 * i8_size) {
        print("ERROR: ", stem, ": sizes ", pcm_size, " / ", u16_size, " / ", i8_size,
              " B are not whole samples and frames\n");
        return 2;
    }
    const std::span<const std::int16_t> pcm(reinterpret_cast<const std::int16_t*>(pcm_bytes),
                                            static_cast<std::size_t>(pcm_size) / 2);
    const bool measured = &C == &audio::presets::microwakeword && std::strcmp(stem, "mww_wav_yes") == 0;
    F frontend;  // on the stack: one preset's state at a time
    FrameCost cost;
    std::size_t bad = 0;
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{160}, std::size_t{7}})
        bad += check<C>(frontend, pcm, chunk, frames, measured && chunk == 160 ? &cost : nullptr);
    if (measured) report_cost(cost, sizeof(F), audio::table_bytes<C>);
    if (bad != 0) {
        print("FAIL ", stem, ": ", bad, " values differ\n");
        return 1;
    }
    print("ok   ", stem, " (", frames, " frames, whole and in chunks of 160 and 7)\n");
    return 0;
}

// ---- the build's stage arithmetic against the portable one ------------------------------------
using Fast = audio::Complex16Ops;
using Portable = audio::PortableComplex16Ops;

std::uint32_t rng = 0x2545F491u;
std::uint32_t next() {
    rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
    return rng;
}
// Mostly uniform int16, often an extreme (−32768, −32767, 32767, 0, ±1) or a small value.
std::int16_t random16() {
    constexpr std::int16_t extremes[] = {-32768, -32767, 32767, 0, 1, -1};
    const std::uint32_t r = next();
    if (r % 8 == 0) return extremes[(r >> 8) % 6];
    if (r % 8 == 1) return static_cast<std::int16_t>(static_cast<std::int16_t>(r >> 16) >> 8);
    return static_cast<std::int16_t>(r >> 16);
}
audio::Complex16 random_complex() { return {random16(), random16()}; }

template <class Ops>
audio::Complex16 as_complex(typename Ops::value v) {
    audio::Complex16 c{};
    Ops::store(&c, v);
    return c;
}

struct Tally {
    const char* what;
    std::size_t cases = 0;
    std::size_t bad = 0;
    void check(bool same) {
        ++cases;
        if (!same && bad++ < 4) print("  ", what, ": case ", cases - 1, " differs\n");
    }
};

// Each primitive on random operands: the fast set's result, stored, equals the portable one.
std::size_t check_primitives(int rounds) {
    Tally t{"primitives"};
    for (int i = 0; i < rounds; ++i) {
        const audio::Complex16 a = random_complex(), b = random_complex();
        audio::Complex16 twiddle = random_complex();
        if (twiddle.r == -32768) twiddle.r = -32767;  // twiddles are within ±32767
        if (twiddle.i == -32768) twiddle.i = -32767;
        const auto fa = Fast::load(&a), fb = Fast::load(&b), ft = Fast::load(&twiddle);
        const auto same = [&](typename Fast::value fast, audio::Complex16 portable) {
            t.check(as_complex<Fast>(fast) == portable);
        };
        same(Fast::add(fa, fb), Portable::add(a, b));
        same(Fast::sub(fa, fb), Portable::sub(a, b));
        same(Fast::sub_j(fa, fb), Portable::sub_j(a, b));
        same(Fast::add_j(fa, fb), Portable::add_j(a, b));
        same(Fast::conj(fa), Portable::conj(a));
        same(Fast::mul(fa, ft), Portable::mul(a, twiddle));
        same(Fast::fixdiv<2>(fa), Portable::fixdiv<2>(a));
        same(Fast::fixdiv<4>(fa), Portable::fixdiv<4>(a));
        same(Fast::halve_sum(fa, fb), Portable::halve_sum(a, b));
        same(Fast::halve_mirrored(fa, fb), Portable::halve_mirrored(a, b));
        t.check(Fast::energy(fa) == Portable::energy(a));
        const std::int16_t samples[2] = {a.r, a.i};
        const std::int16_t coefficients[2] = {static_cast<std::int16_t>(next() % 4097),
                                              static_cast<std::int16_t>(next() % 4097)};
        same(Fast::windowed_pair(samples, coefficients), Portable::windowed_pair(samples, coefficients));
        t.check(audio::peak_fold(Fast::peak_bits_of(fa)) == audio::peak_fold(Portable::peak_bits_of(a)));
        const int shift = static_cast<int>(next() % 16);
        same(Fast::scaled_up_pair(fa, shift), Portable::scaled_up_pair(a, shift));
    }
    return t.bad;
}

// The stages on random buffers: the window into the FFT's input, the transform (512 points:
// four radix-4 stages; 256: three and a radix-2 one), the split bins and their energies.
template <std::size_t N>
std::size_t check_transforms(int rounds) {
    constexpr std::size_t points = N / 2;
    static std::array<audio::Complex16, points> fast, portable;
    static std::array<std::int16_t, N - N / 8> samples;  // zero-padded, as a 480-sample window
    static audio::WindowCoefficients<N - N / 8> coefficients;
    Tally t{"stages"};
    for (int i = 0; i < rounds; ++i) {
        const int loudness = static_cast<int>(next() % 16);  // exercises every input shift
        for (auto& v : samples) v = static_cast<std::int16_t>(random16() >> loudness);
        for (auto& c : coefficients) c = static_cast<std::int16_t>(next() % 4097);
        if (i % 4 == 0) samples[next() % samples.size()] = -32768, coefficients[0] = 4096;
        const int fast_shift = audio::load_windowed<N, Fast>(samples, coefficients, fast);
        const int portable_shift = audio::load_windowed<N, Portable>(samples, coefficients, portable);
        t.check(fast_shift == portable_shift && fast == portable);
        if (i % 2 == 1)  // wrapping sums: any int16 input
            for (std::size_t k = 0; k < points; ++k) fast[k] = portable[k] = random_complex();
        audio::fft_transform<N, Fast>(fast);
        audio::fft_transform<N, Portable>(portable);
        t.check(fast == portable);
        for (std::size_t k = 0; k <= points; ++k)
            t.check(audio::real_fft_bin<N, Fast>(fast, k) == audio::real_fft_bin<N, Portable>(portable, k));
        const std::size_t first = 1 + next() % (points / 2), last = first + next() % (points - first + 1);
        audio::real_fft_energies<N, Fast>(fast, first, last);
        audio::real_fft_energies<N, Portable>(portable, first, last);
        t.check(fast == portable);
    }
    return t.bad;
}

// The square root against TFLM's routine, on sums of every width.
std::size_t check_sqrt(int rounds) {
    Tally t{"filterbank_sqrt"};
    for (int i = 0; i < rounds; ++i) {
        const std::uint64_t wide = (std::uint64_t{next()} << 32 | next()) >> (next() % 64);
        const std::uint32_t tflm = (wide >> 32) == 0
                                       ? audio::rounded_sqrt(static_cast<std::uint32_t>(wide))
                                       : static_cast<std::uint32_t>(audio::rounded_sqrt(wide));
        t.check(audio::filterbank_sqrt(wide) == tflm);
    }
    return t.bad;
}

int check_stages() {
    const std::size_t bad = check_primitives(4000) + check_transforms<512>(24) +
                            check_transforms<256>(24) + check_sqrt(4000);
    constexpr bool portable = std::is_same_v<Fast, Portable>;
    print(MOTE_BOARD_NAME, ": audio stages, ", portable ? "portable" : mote::config::isa_name(mote::config::isa),
          " arithmetic against the portable one: ", bad == 0 ? "all equal" : "MISMATCH", "\n");
    return bad == 0 ? 0 : 1;
}

}  // namespace

int main() {
    static char storage[2048];
    const char* argv[64];
    const int argc = mote::board::arguments(storage, argv);
    if (argc <= 1) return check_stages();
    if (argc < 3) {
        print("usage: -append \"<frontend dir>/ STEM...\" (got ", argc, " arguments)\n");
        return 2;
    }
    int stems = 0;
    int failed = 0;
    for (int a = 2; a < argc; ++a) {
        const char* stem = argv[a];
        int status = 2;
        if (starts_with(stem, "mww_"))
            status = run_stem<audio::presets::microwakeword>(argv[1], stem);
        else if (starts_with(stem, "microspeech_pre2296_"))
            status = run_stem<audio::presets::micro_speech_pre2296>(argv[1], stem);
        else if (starts_with(stem, "microspeech_"))
            status = run_stem<audio::presets::micro_speech>(argv[1], stem);
        else
            print("ERROR: ", stem, ": no preset for this stem\n");
        if (status == 2) return 2;
        ++stems;
        failed += status;
    }
    print(MOTE_BOARD_NAME, ": ", stems - failed, "/", stems, " stems bit-exact, stack peak ",
          mote::board::stack_peak(), " B\n");
    return failed == 0 ? 0 : 1;
}
