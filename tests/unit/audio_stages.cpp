// The audio front end (include/mote/audio) stage by stage against its formulas: the set-up
// tables against double-precision evaluations with the host's libm (window, FFT twiddles,
// filterbank edges and weights, noise-reduction constants, PCAN gains, log LUT), and the
// run-time stages against their definitions (FFT scaling vs a double DFT, energy, integer
// square root, noise reduction, PCAN, log scale, the int8 model input), the fused forms the
// front end runs (the window into the FFT input, the split energies, the fast square root)
// against those stages, then streaming. The host runs the portable arithmetic only; the DSP
// arithmetic is compared with it on the device (tests/target/audio_frontend.cpp).
// tests/unit/audio_reference.cpp holds the comparisons with TFLM's own tables and features.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>
#include <vector>

#include "mote/audio.hpp"

namespace {

using namespace mote::audio;
namespace presets = mote::audio::presets;
constexpr double pi = 3.14159265358979323846;

std::uint32_t lcg(std::uint32_t& x) {
    x = x * 1664525u + 1013904223u;
    return x;
}

double mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }

}  // namespace

TEST_CASE("audio: presets and the sizes derived from them", "[audio]") {
    STATIC_REQUIRE(window_samples(presets::microwakeword) == 480);
    STATIC_REQUIRE(step_samples(presets::microwakeword) == 160);
    STATIC_REQUIRE(step_samples(presets::micro_speech) == 320);
    STATIC_REQUIRE(fft_size(presets::microwakeword) == 512);
    STATIC_REQUIRE(correction_bits(presets::microwakeword) == 3);
    STATIC_REQUIRE(presets::micro_speech_pre2296.setup_math == SetupMath::double_precision_pre2296);
    STATIC_REQUIRE(presets::micro_speech.setup_math == SetupMath::single_precision);
    STATIC_REQUIRE(filterbank_bins<presets::microwakeword> == 241 - 5);
    using F = Frontend<presets::microwakeword>;
    STATIC_REQUIRE(F::channels == 40 && F::window_samples == 480 && F::step_samples == 160);
    STATIC_REQUIRE(table_bytes<presets::microwakeword> ==
                   sizeof(window_table<presets::microwakeword>) + sizeof(fft_tables<512>) +
                       sizeof(filterbank_table<presets::microwakeword>) +
                       sizeof(noise_reduction_table<presets::microwakeword>) +
                       sizeof(pcan_table<presets::microwakeword>) + sizeof(log_lut));
}

TEST_CASE("audio: window coefficients are the Q12 Hann window", "[audio][window]") {
    for (const auto math : {SetupMath::single_precision, SetupMath::double_precision_pre2296}) {
        const auto w = make_window<480>(math);
        for (std::size_t i = 0; i < w.size(); ++i) {
            const double x = 2.0 * pi * (static_cast<double>(i) + 0.5) / 480.0;
            const double exact = 4096.0 * (0.5 - 0.5 * std::cos(x));
            INFO("coefficient " << i << " = " << w[i] << ", formula " << exact);
            REQUIRE(std::fabs(w[i] - exact) <= 0.5 + 1e-3);  // rounded, up to float's rounding
            REQUIRE(std::abs(w[i] - w[w.size() - 1 - i]) <= 1);
        }
        REQUIRE(w[239] == 4096);
    }
    // The two set-up maths round one of the 480 coefficients differently.
    const auto a = make_window<480>(SetupMath::single_precision);
    const auto b = make_window<480>(SetupMath::double_precision_pre2296);
    int differ = 0;
    for (std::size_t i = 0; i < a.size(); ++i) differ += a[i] != b[i];
    REQUIRE(differ == 1);
    // TFLM's window_test: 25 samples (25 ms at 1 kHz).
    constexpr std::array<std::int16_t, 25> tflm = {16,   144,  391,  743,  1176, 1664, 2177, 2681, 3145,
                                                   3541, 3843, 4032, 4096, 4032, 3843, 3541, 3145, 2681,
                                                   2177, 1664, 1176, 743,  391,  144,  16};
    STATIC_REQUIRE(make_window<25>(SetupMath::single_precision) == tflm);
    STATIC_REQUIRE(make_window<25>(SetupMath::double_precision_pre2296) == tflm);
}

TEST_CASE("audio: windowing, the peak and the FFT input shift", "[audio][window]") {
    STATIC_REQUIRE(windowed(-32768, 4096) == -32768);
    STATIC_REQUIRE(windowed(32767, 4096) == 32767);
    STATIC_REQUIRE(windowed(-3, 2048) == -2);  // an arithmetic shift: floor, not truncation
    // TFLM keeps |v| in int16: −32768 stays negative and never becomes the peak.
    constexpr std::array<std::int16_t, 4> samples{-32768, 100, -200, 50};
    constexpr std::array<std::int16_t, 4> coefficients{4096, 4096, 4096, 2048};
    STATIC_REQUIRE(window_peak(samples, coefficients) == 200);
    STATIC_REQUIRE(fft_input_shift(0) == 15);
    STATIC_REQUIRE(fft_input_shift(1) == 14);
    STATIC_REQUIRE(fft_input_shift(200) == 7);
    STATIC_REQUIRE(fft_input_shift(32767) == 0);
    STATIC_REQUIRE(scaled_up(200, 7) == 25600);
    STATIC_REQUIRE(scaled_up(-200, 7) == -25600);
    STATIC_REQUIRE(scaled_up(-1, 15) == -32768);  // the low 16 bits of the shifted uint16
}

namespace {
// load_windowed against its definition: every sample windowed and placed with fft_load, shifted
// up by the fft_input_shift of window_peak, zeros past the window.
template <std::size_t N, std::size_t Size>
void check_load_windowed(std::uint32_t& s) {
    std::array<std::int16_t, Size> samples{};
    std::array<std::int16_t, Size> coefficients{};
    for (int round = 0; round < 200; ++round) {
        const auto loudness = static_cast<int>(lcg(s) % 16);
        for (auto& v : samples) v = static_cast<std::int16_t>(static_cast<std::int16_t>(lcg(s) >> 16) >> loudness);
        for (auto& c : coefficients) c = static_cast<std::int16_t>(lcg(s) % 4097);
        if (round % 3 == 0) {  // −32768 at 4096: never the peak
            samples[lcg(s) % Size] = -32768;
            for (auto& c : coefficients) c = 4096;
        }
        std::array<Complex16, N / 2> got{};
        std::array<Complex16, N / 2> want{};
        const int shift = load_windowed<N>(samples, coefficients, std::span(got));
        REQUIRE(shift == fft_input_shift(window_peak(samples, coefficients)));
        for (std::size_t n = 0; n < N; ++n)
            fft_load<N>(want, n, n < Size ? scaled_up(windowed(samples[n], coefficients[n]), shift) : 0);
        REQUIRE(got == want);
    }
}
}  // namespace

TEST_CASE("audio: the window stage fills the FFT input as fft_load does, scaled by the peak",
          "[audio][window]") {
    STATIC_REQUIRE(peak_bits(-32768) == 0);
    STATIC_REQUIRE(peak_bits(-200) == 200);
    STATIC_REQUIRE(peak_fold(0x8000'00C8u) == 200);  // a packed −32768 lane drops out
    std::uint32_t s = 13;
    check_load_windowed<512, 480>(s);
    check_load_windowed<16, 7>(s);  // an odd window: its last sample pairs with a zero
    check_load_windowed<8, 8>(s);
}

TEST_CASE("audio: FFT twiddles, radices and input order are kissfft's", "[audio][fft]") {
    const auto check = [](const auto& t, std::size_t points, std::vector<std::size_t> radices) {
        for (std::size_t k = 0; k < points; ++k) {
            const double phase = -2.0 * pi * static_cast<double>(k) / static_cast<double>(points);
            REQUIRE(t.twiddles[k].r == std::floor(0.5 + 32767 * std::cos(phase)));
            REQUIRE(t.twiddles[k].i == std::floor(0.5 + 32767 * std::sin(phase)));
        }
        for (std::size_t k = 0; k < points / 2; ++k) {
            const double phase = -pi * (static_cast<double>(k + 1) / static_cast<double>(points) + 0.5);
            REQUIRE(t.super_twiddles[k].r == std::floor(0.5 + 32767 * std::cos(phase)));
            REQUIRE(t.super_twiddles[k].i == std::floor(0.5 + 32767 * std::sin(phase)));
        }
        REQUIRE(t.stages.size() == radices.size());
        std::size_t length = points;
        for (std::size_t s = 0; s < radices.size(); ++s) {
            length /= radices[s];
            REQUIRE(t.stages[s].radix == radices[s]);
            REQUIRE(t.stages[s].length == length);
        }
        std::vector<bool> seen(points, false);
        for (const auto slot : t.slot) seen[slot] = true;
        for (const bool s : seen) REQUIRE(s);  // a permutation
    };
    check(fft_tables<512>, 256, {4, 4, 4, 4});
    check(fft_tables<256>, 128, {4, 4, 4, 2});
    // 256 = 4^4: the input order is the base-4 digit reversal.
    for (std::size_t j = 0; j < 256; ++j) {
        const std::size_t reversed = (j & 3) << 6 | ((j >> 2) & 3) << 4 | ((j >> 4) & 3) << 2 |
                                     (j >> 6);
        REQUIRE(fft_tables<512>.slot[j] == reversed);
    }
}

namespace {
// bins ≈ DFT/N: each butterfly divides by its radix, kiss_fftr's split by 2 twice. Each stage
// rounds (≤ 1 LSB each, plus the split's), and C_FIXDIV's ×8191/32768 (×16383/32768) is
// 1/8192 (1/16384) short of 1/4 (1/2) per stage: |error| <= stages + 2 + 6e-4·|DFT/N|.
template <std::size_t N>
void check_against_dft(const std::array<std::int16_t, N>& x) {
    std::array<Complex16, N / 2> buffer{};
    std::array<Complex16, N / 2 + 1> bins{};
    real_fft<N>(x, buffer, bins);
    const auto stages = static_cast<double>(fft_tables<N>.stages.size());
    for (std::size_t k = 0; k <= N / 2; ++k) {
        double re = 0.0;
        double im = 0.0;
        for (std::size_t n = 0; n < N; ++n) {
            const double phase = -2.0 * pi * static_cast<double>(k * n % N) / static_cast<double>(N);
            re += x[n] * std::cos(phase);
            im += x[n] * std::sin(phase);
        }
        re /= static_cast<double>(N);
        im /= static_cast<double>(N);
        const double tolerance = stages + 2.0 + 6e-4 * std::hypot(re, im);
        INFO("bin " << k << ": " << bins[k].r << " + " << bins[k].i << "i, DFT/N " << re << " + " << im
                    << "i");
        REQUIRE(std::fabs(bins[k].r - re) <= tolerance);
        REQUIRE(std::fabs(bins[k].i - im) <= tolerance);
    }
}

template <std::size_t N>
void check_fft_inputs() {
    std::array<std::int16_t, N> x{};
    x[0] = 32767;
    check_against_dft(x);
    x = {};
    x[3] = -16384;
    check_against_dft(x);
    x.fill(8000);
    check_against_dft(x);
    for (std::size_t n = 0; n < N; ++n)
        x[n] = static_cast<std::int16_t>(
            std::lround(16000 * std::sin(2 * pi * 10 * static_cast<double>(n) / N)));
    check_against_dft(x);
    for (std::size_t n = 0; n < N; ++n)
        x[n] = static_cast<std::int16_t>(
            std::lround(32000 * std::cos(2 * pi * 37 * static_cast<double>(n) / N)));
    check_against_dft(x);
    std::uint32_t s = 7;
    for (auto& v : x) v = static_cast<std::int16_t>(lcg(s) >> 16);
    check_against_dft(x);
    for (auto& v : x) v = static_cast<std::int16_t>(static_cast<std::int16_t>(lcg(s) >> 16) >> 6);
    check_against_dft(x);
}
}  // namespace

TEST_CASE("audio: FFT scaling on impulses, DC, sines and noise against a double DFT", "[audio][fft]") {
    check_fft_inputs<512>();
    check_fft_inputs<256>();  // three radix-4 stages and one radix-2
    check_fft_inputs<64>();
    // Exact cases: a full-scale impulse is 64 in every bin (32767 → 8191 → 2048 → 512 → 128 by
    // the four stages, halved twice by the split); DC lands in bin 0 alone.
    std::array<std::int16_t, 512> x{};
    std::array<Complex16, 256> buffer{};
    std::array<Complex16, 257> bins{};
    x[0] = 32767;
    real_fft<512>(x, buffer, bins);
    for (const Complex16 b : bins) REQUIRE(b == Complex16{64, 0});
    x.fill(8000);
    real_fft<512>(x, buffer, bins);
    REQUIRE(bins[0] == Complex16{8000, 0});
    for (std::size_t k = 1; k < bins.size(); ++k) REQUIRE(bins[k] == Complex16{0, 0});
}

TEST_CASE("audio: bin energies split each pair once, in place, as bin_energy of each bin",
          "[audio][fft]") {
    const auto check = [](auto points_tag, std::size_t first, std::size_t last, std::uint32_t& s) {
        constexpr std::size_t N = decltype(points_tag)::value;
        std::array<Complex16, N / 2> z{};
        for (auto& c : z)
            c = {static_cast<std::int16_t>(lcg(s) >> 16), static_cast<std::int16_t>(lcg(s) >> 16)};
        const std::array<Complex16, N / 2> before = z;
        real_fft_energies<N>(std::span(z), first, last);
        for (std::size_t k = 0; k < N / 2; ++k) {
            INFO("N " << N << " bins [" << first << ", " << last << ") bin " << k);
            if (k >= first && k < last)
                REQUIRE(stored_energy(z[k]) == bin_energy(real_fft_bin<N>(before, k)));
            else
                REQUIRE(z[k] == before[k]);
        }
    };
    std::uint32_t s = 17;
    check(std::integral_constant<std::size_t, 512>{}, 5, 241, s);  // microwakeword's bins
    for (int i = 0; i < 200; ++i) {
        const std::size_t first = 1 + lcg(s) % 63;
        check(std::integral_constant<std::size_t, 128>{}, first, first + lcg(s) % (65 - first), s);
    }
    check(std::integral_constant<std::size_t, 64>{}, 1, 32, s);
    check(std::integral_constant<std::size_t, 64>{}, 20, 32, s);  // upper half only
    check(std::integral_constant<std::size_t, 64>{}, 3, 9, s);   // lower half only
}

TEST_CASE("audio: bin energy is |X|² in TFLM's int32", "[audio][filterbank]") {
    STATIC_REQUIRE(bin_energy({3, -4}) == 25);
    STATIC_REQUIRE(bin_energy({-32768, 0}) == (1 << 30));
    STATIC_REQUIRE(bin_energy({32767, 32767}) == 2 * 32767 * 32767);
    // 2^31 wraps.
    STATIC_REQUIRE(bin_energy({-32768, -32768}) == std::numeric_limits<std::int32_t>::min());
}

TEST_CASE("audio: filterbank bands and weights follow the mel scale", "[audio][filterbank]") {
    constexpr const auto& t = filterbank_table<presets::microwakeword>;
    const double mel_low = mel(125.0);
    const double spacing = (mel(7500.0) - mel_low) / 41.0;
    const auto centre = [&](std::size_t band) {
        return mel_low + spacing * static_cast<double>(band + 1);
    };
    REQUIRE(t.band_start.front() == 5);  // ⌊1.5 + 125 / 31.25⌋: DC and bins below the band skipped
    REQUIRE(t.band_start.back() == 241);
    for (std::size_t band = 0; band <= 40; ++band) {
        REQUIRE(t.band_start[band] < t.band_start[band + 1]);  // no empty band in this config
        const double below = band == 0 ? mel_low : centre(band - 1);
        for (std::size_t bin = t.band_start[band]; bin < t.band_start[band + 1]; ++bin) {
            const double m = mel(static_cast<double>(bin) * 31.25);
            INFO("band " << band << " bin " << bin << " mel " << m);
            REQUIRE(m <= centre(band) + 1e-3);  // float set-up: within float rounding of the edge
            if (bin > t.band_start[0]) REQUIRE(m > below - 1e-3);
            const double w = (centre(band) - m) / (centre(band) - below);
            const std::size_t j = bin - t.band_start[0];
            REQUIRE(std::fabs(t.weights[j] - 4096.0 * w) <= 0.5 + 0.05);
            REQUIRE(std::fabs(t.unweights[j] - 4096.0 * (1.0 - w)) <= 0.5 + 0.05);
        }
    }
}

TEST_CASE("audio: the pre-#2296 set-up maths moves 3 filterbank weights, not the band edges",
          "[audio][filterbank]") {
    constexpr const auto& now = filterbank_table<presets::micro_speech>;
    constexpr const auto& old = filterbank_table<presets::micro_speech_pre2296>;
    STATIC_REQUIRE(now.band_start == old.band_start);
    int differ = 0;
    for (std::size_t j = 0; j < now.weights.size(); ++j) {
        const bool moved = now.weights[j] != old.weights[j];
        REQUIRE(moved == (now.unweights[j] != old.unweights[j]));
        if (moved) REQUIRE(std::abs(now.weights[j] - old.weights[j]) == 1);
        differ += moved;
    }
    REQUIRE(differ == 3);
}

TEST_CASE("audio: filterbank sums weights of band c + 1 and unweights of band c, in uint64",
          "[audio][filterbank]") {
    // Bins 1..4: band 0 = {1}, band 1 = {2, 3}, band 2 = {4}; energy of bin k = 1000·k.
    constexpr FilterbankTables<2, 4> t{{1, 2, 4, 5}, {100, 200, 300, 400}, {1000, 2000, 3000, 4000}};
    std::array<std::uint64_t, 2> sums{};
    filterbank_accumulate(
        t, [](std::size_t bin) { return static_cast<std::int32_t>(1000 * bin); }, std::span(sums));
    REQUIRE(sums[0] == 200 * 2000 + 300 * 3000 + 1000 * 1000);
    REQUIRE(sums[1] == 400 * 4000 + 2000 * 2000 + 3000 * 3000);
    // A wrapped energy (−2^31) is widened sign-extended, and the sum wraps: TFLM's arithmetic.
    filterbank_accumulate(
        t, [](std::size_t) { return std::numeric_limits<std::int32_t>::min(); }, std::span(sums));
    const std::uint64_t e = static_cast<std::uint64_t>(
        std::int64_t{std::numeric_limits<std::int32_t>::min()});
    REQUIRE(sums[0] == (200 + 300 + 1000) * e);
    REQUIRE(sums[1] == (400 + 2000 + 3000) * e);
}

TEST_CASE("audio: the filterbank square root rounds to nearest", "[audio][filterbank]") {
    STATIC_REQUIRE(filterbank_sqrt(0) == 0);
    STATIC_REQUIRE(filterbank_sqrt(2) == 1);
    STATIC_REQUIRE(filterbank_sqrt(3) == 2);
    STATIC_REQUIRE(filterbank_sqrt(0xFFFFFFFFu) == 0xFFFF);  // 65535.99998: capped at 16 bits
    STATIC_REQUIRE(filterbank_sqrt(std::uint64_t{1} << 32) == 65536);
    STATIC_REQUIRE(filterbank_sqrt(~std::uint64_t{0}) == 0xFFFFFFFFu);
    const auto is_rounded = [](std::uint64_t n, std::uint64_t r) {
        // |r − √n| < ½  ⇔  (r − ½)² < n < (r + ½)²  ⇔  r² − r < n <= r² + r
        const auto wide = static_cast<unsigned __int128>(r);
        return (r == 0 || wide * wide - wide < n) && n <= wide * wide + wide;
    };
    std::uint32_t s = 3;
    for (int i = 0; i < 100000; ++i) {
        const std::uint32_t lo = lcg(s);
        const std::uint64_t n32 = lo >> (lo % 32);
        const std::uint64_t n64 = (std::uint64_t{lcg(s)} << 32 | lo) >> (lo % 32);
        INFO(n32 << " " << n64);
        if (n32 < 0xFFFF8000u) REQUIRE(is_rounded(n32, filterbank_sqrt(n32)));
        if (n64 < 0xFFFFFFFF80000000u) REQUIRE(is_rounded(n64, filterbank_sqrt(n64)));
    }
}

TEST_CASE("audio: filterbank_sqrt is TFLM's bit-by-bit routine for the sum's width",
          "[audio][filterbank]") {
    const auto tflm = [](std::uint64_t n) {
        return (n >> 32) == 0 ? rounded_sqrt(static_cast<std::uint32_t>(n))
                              : static_cast<std::uint32_t>(rounded_sqrt(n));
    };
    for (std::uint64_t n = 0; n < (1u << 20); ++n) REQUIRE(filterbank_sqrt(n) == tflm(n));
    for (int width = 1; width <= 64; ++width) {
        const std::uint64_t power = width == 64 ? 0 : std::uint64_t{1} << width;
        for (int d = -3; d <= 3; ++d) {
            const std::uint64_t n = power + static_cast<std::uint64_t>(d);
            INFO(n);
            REQUIRE(filterbank_sqrt(n) == tflm(n));
        }
    }
    std::uint32_t s = 19;
    for (int i = 0; i < 200000; ++i) {
        const std::uint64_t root = (std::uint64_t{lcg(s)} << 32 | lcg(s)) >> (32 + lcg(s) % 32);
        const std::uint64_t wide = (std::uint64_t{lcg(s)} << 32 | lcg(s)) >> (lcg(s) % 64);
        for (const std::uint64_t n : {root * root, root * root - 1, root * root + root,
                                      root * root + root + 1, wide}) {
            INFO(n);
            REQUIRE(filterbank_sqrt(n) == tflm(n));
        }
    }
}

TEST_CASE("audio: noise reduction in Q14", "[audio][noise]") {
    constexpr NoiseReduction p = make_noise_reduction(presets::microwakeword);
    STATIC_REQUIRE(p.smoothing_bits == 10);
    STATIC_REQUIRE(p.even_smoothing == 409);  // 0.025·2^14 = 409.6, truncated
    STATIC_REQUIRE(p.odd_smoothing == 983);
    STATIC_REQUIRE(p.min_signal_remaining == 819);
    // First frame of an even channel: estimate = (1000·2^10)·409 >> 14 = 25562;
    // output = max((1024000 − 25562) >> 10, 1000·819 >> 14) = max(975, 49).
    std::uint32_t estimate = 0;
    REQUIRE(reduce_noise(p, 0, 1000, estimate) == 975);
    REQUIRE(estimate == 25562);
    // A steady signal becomes the noise: the output falls to the floor, 5 % of the signal.
    for (int frame = 0; frame < 2000; ++frame) reduce_noise(p, 1, 1000, estimate);
    REQUIRE(reduce_noise(p, 1, 1000, estimate) == (1000u * 819) >> 14);
    REQUIRE(estimate >= (1000u << 10) - 20);
    // Any signal: floor <= output <= signal.
    std::uint32_t s = 11;
    estimate = 0;
    for (int i = 0; i < 100000; ++i) {
        const std::uint32_t signal = lcg(s) >> (10 + lcg(s) % 22);
        const std::uint32_t out = reduce_noise(p, static_cast<std::size_t>(i % 40), signal, estimate);
        REQUIRE(out <= signal);
        REQUIRE(out >= static_cast<std::uint32_t>((std::uint64_t{signal} * 819) >> 14));
    }
}

TEST_CASE("audio: PCAN gains follow 2^21·(e/2^7 + 80)^−0.95 and the shrink is continuous",
          "[audio][pcan]") {
    constexpr Pcan p = make_pcan(presets::microwakeword);
    STATIC_REQUIRE(p.snr_shift == 6);  // 21 − 3 − 12
    const auto gain = [](double e) { return std::pow(2.0, 21) * std::pow(e / 128.0 + 80.0, -0.95); };
    for (std::uint32_t e : {0u, 1u, 2u}) REQUIRE(std::abs(pcan_gain(p.gain_lut, e) - gain(e)) <= 1.0);
    // Knots (the start of each octave) are exact up to rounding; between them a quadratic.
    for (int i = 2; i <= 32; ++i) {
        const std::uint32_t x0 = std::uint32_t{1} << (i - 1);
        REQUIRE(std::abs(pcan_gain(p.gain_lut, x0) - gain(x0)) <= 0.5 + 1e-3);
    }
    // A quadratic through each octave's start, middle and end stays within 2.5 % (plus rounding)
    // of the power law over the whole octave; within 1.5 where the gain is flat (estimates < 2^11).
    std::uint32_t s = 5;
    for (int i = 0; i < 100000; ++i) {
        const std::uint32_t e = lcg(s) >> (lcg(s) % 32);
        INFO("estimate " << e << " gain " << pcan_gain(p.gain_lut, e) << " formula " << gain(e));
        REQUIRE(std::abs(pcan_gain(p.gain_lut, e) - gain(e)) <= 2.0 + 0.025 * gain(e));
        if (e < 2048) REQUIRE(std::abs(pcan_gain(p.gain_lut, e) - gain(e)) <= 1.5);
    }
    // shrink: x²/2^20 below 2^13, x/64 − 64 above (Q6), meeting at 64.
    STATIC_REQUIRE(pcan_shrink(0) == 0);
    STATIC_REQUIRE(pcan_shrink(4096) == 16);
    STATIC_REQUIRE(pcan_shrink(8191) == 63);
    STATIC_REQUIRE(pcan_shrink(8192) == 64);
    STATIC_REQUIRE(pcan_shrink(0xFFFFFFFFu) == (0xFFFFFFFFu >> 6) - 64);
    for (std::uint32_t x = 1; x < 20000; ++x) REQUIRE(pcan_shrink(x) >= pcan_shrink(x - 1));
}

TEST_CASE("audio: log scale is round(64·ln v) from a 128-segment LUT", "[audio][log]") {
    for (std::size_t i = 0; i < log_lut.size(); ++i) {
        const double t = static_cast<double>(i) / 128.0;
        REQUIRE(log_lut[i] == std::lround(65536.0 * (std::log2(1.0 + t) - t)));
    }
    // TFLM's kLogLut values at a few knots.
    REQUIRE(log_lut[1] == 224);
    REQUIRE(log_lut[57] == 5641);
    REQUIRE(log_lut[64] == 5568);
    REQUIRE(log_lut[128] == 0);
    std::uint32_t s = 9;
    for (int i = 0; i < 100000; ++i) {
        const std::uint32_t x = 2 + (lcg(s) >> (lcg(s) % 31));
        INFO(x);
        REQUIRE(std::fabs(scaled_log(x, 6) - 64.0 * std::log(static_cast<double>(x))) <= 1.0);
    }
    STATIC_REQUIRE(log_scale(0, 3, true, 6) == 0);
    STATIC_REQUIRE(log_scale(1, -1, true, 6) == 0);
    STATIC_REQUIRE(log_scale(100, 3, true, 6) == scaled_log(800, 6));
    STATIC_REQUIRE(log_scale(100, -2, true, 6) == scaled_log(25, 6));
    STATIC_REQUIRE(log_scale(70000, 3, false, 6) == 0xFFFF);  // disabled: the value, saturated
    STATIC_REQUIRE(log_scale(1234, 3, false, 6) == 1234);
}

TEST_CASE("audio: int8 model input is round(f·256/666) − 128, clamped", "[audio][model_input]") {
    STATIC_REQUIRE(micro_feature_to_int8(0) == -128);
    STATIC_REQUIRE(micro_feature_to_int8(333) == 0);  // 128.5 rounds up
    STATIC_REQUIRE(micro_feature_to_int8(662) == 126);
    STATIC_REQUIRE(micro_feature_to_int8(663) == 127);
    STATIC_REQUIRE(micro_feature_to_int8(65535) == 127);
    for (int f = 0; f <= 65535; ++f) {
        const double v = std::floor(f * 256.0 / 666.0 + 0.5) - 128.0;
        REQUIRE(micro_feature_to_int8(static_cast<std::uint16_t>(f)) ==
                static_cast<int>(std::clamp(v, -128.0, 127.0)));
    }
}

TEST_CASE("audio: streaming gives the same frames for any chunking, and reset starts over",
          "[audio][frontend]") {
    using F = Frontend<presets::microwakeword>;
    std::vector<std::int16_t> pcm(5000);
    std::uint32_t s = 1;
    for (auto& v : pcm) v = static_cast<std::int16_t>(static_cast<std::int16_t>(lcg(s) >> 16) >> 3);
    static F frontend;
    const auto run = [&](std::size_t chunk) {
        frontend.reset();
        std::vector<std::uint16_t> out;
        std::size_t frames = 0;
        for (std::size_t at = 0; at < pcm.size(); at += chunk) {
            const std::size_t n = std::min(chunk, pcm.size() - at);
            frames += frontend.feed(std::span(pcm).subspan(at, n),
                                    [&](F::Frame f) { out.insert(out.end(), f.begin(), f.end()); });
        }
        REQUIRE(frames == 1 + (pcm.size() - 480) / 160);
        REQUIRE(out.size() == frames * 40);
        return out;
    };
    const std::vector<std::uint16_t> whole = run(pcm.size());
    for (const std::size_t chunk : {1u, 7u, 160u, 333u, 480u, 1000u}) REQUIRE(run(chunk) == whole);
    // No frame until a full window; an empty span does nothing.
    frontend.reset();
    REQUIRE(frontend.feed(std::span(pcm).first(479), [](F::Frame) {}) == 0);
    REQUIRE(frontend.feed(std::span<const std::int16_t>{}, [](F::Frame) {}) == 0);
    REQUIRE(frontend.feed(std::span(pcm).subspan(479, 1), [](F::Frame) {}) == 1);
}
