#pragma once
// int16 fixed-point real FFT, bit for bit as kissfft v130 with FIXED_POINT 16 computes it (the
// kiss_fftr that TFLM's microfrontend calls, TFLM's patch changes no arithmetic).
//
// A real N-point transform is a complex N/2-point FFT of the samples taken in (even, odd) pairs,
// then kiss_fftr's split into bins 0..N/2. The complex FFT is decimation in time with kissfft's
// factorisation of N/2 (radix 4 while it divides, then 2; outermost stage first) and its
// scaling: every butterfly first divides each input by its radix as C_FIXDIV does,
// x·⌊32767/radix⌋ rounded in Q15 (×8191/32768 for 4, ×16383/32768 for 2: never exactly
// 1/radix), so no stage overflows; the complex result is ≈ DFT/(N/2), the real bins ≈ DFT/N.
// Products round half up in Q15; sums wrap to int16 as kissfft's short arithmetic does: the
// arithmetic is Complex16Ops (complex16.hpp; the DSP extension's on cores that have it, the
// same bits). Each stage is compiled for its own lengths. Twiddles are ⌊½ + 32767·cos/sin(phase)⌋
// of kissfft's double phases, computed by the compiler.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "mote/audio/complex16.hpp"
#include "mote/audio/setup_math.hpp"
#include "mote/core/config.hpp"
#if defined(MOTE_ISA_DSP)
#include "mote/audio/arch/dsp/complex16.hpp"
#endif

namespace mote::audio {

namespace fft_detail {

constexpr auto select_ops() {
#if defined(MOTE_ISA_DSP)
    if constexpr (config::isa == config::Isa::dsp) return arch::dsp::Complex16Ops{};
    else
#endif
    return PortableComplex16Ops{};
}

struct Stage {
    std::uint32_t radix;  // 4 or 2
    std::uint32_t length;  // kissfft's m: each butterfly spans radix · length elements
    std::uint32_t stride;  // kissfft's fstride: twiddle step, and the number of butterfly groups
};

constexpr std::size_t stage_count(std::size_t points) {
    const int log2 = std::countr_zero(points);
    return static_cast<std::size_t>(log2 / 2 + log2 % 2);
}

}  // namespace fft_detail

// The complex arithmetic this build uses (the DSP extension's where the core has it); every set
// gives the same bits. The transforms take it as `Ops` so tests can run each set this target can.
using Complex16Ops = decltype(fft_detail::select_ops());

// Set-up data of an N-point real FFT (N a power of two >= 4).
template <std::size_t N>
struct FftTables {
    static constexpr std::size_t points = N / 2;  // the complex FFT's length
    std::array<Complex16, points> twiddles{};  // e^{−2πik/points}, Q15
    std::array<Complex16, points / 2> super_twiddles{};  // kiss_fftr's e^{−πi((k+1)/points + ½)}
    std::array<std::uint16_t, points> slot{};  // input pair j goes to slot[j] (kissfft's order)
    std::array<fft_detail::Stage, fft_detail::stage_count(points)> stages{};  // outermost first
};

template <std::size_t N>
constexpr FftTables<N> make_fft_tables() {
    static_assert(N >= 4 && std::has_single_bit(N),
                  "mote: the real FFT length must be a power of two >= 4");
    static_assert(N / 2 <= 65536, "mote: FFT slot indices are uint16");
    namespace sm = setup_math;
    using T = FftTables<N>;
    T t{};
    constexpr double pi = 3.14159265358979323846;
    for (std::size_t k = 0; k < T::points; ++k) {
        const double phase = -2 * pi * static_cast<double>(k) / static_cast<double>(T::points);
        t.twiddles[k] = {static_cast<std::int16_t>(sm::floor(0.5 + 32767 * sm::cos(phase))),
                         static_cast<std::int16_t>(sm::floor(0.5 + 32767 * sm::sin(phase)))};
    }
    for (std::size_t k = 0; k < T::points / 2; ++k) {
        const double phase = -pi * (static_cast<double>(k + 1) / static_cast<double>(T::points) + 0.5);
        t.super_twiddles[k] = {static_cast<std::int16_t>(sm::floor(0.5 + 32767 * sm::cos(phase))),
                               static_cast<std::int16_t>(sm::floor(0.5 + 32767 * sm::sin(phase)))};
    }
    auto remaining = static_cast<std::uint32_t>(T::points);
    std::uint32_t stride = 1;
    for (auto& s : t.stages) {
        s.radix = remaining % 4 == 0 ? 4 : 2;
        remaining /= s.radix;
        s.length = remaining;
        s.stride = stride;
        stride *= s.radix;
    }
    // kissfft's recursion reads input j into the position whose digits (in the stages' radices,
    // weighted by their lengths) are j's digits weighted by the strides: a mixed-radix reversal.
    for (std::size_t j = 0; j < T::points; ++j) {
        std::size_t position = 0;
        for (const auto& s : t.stages) position += (j / s.stride) % s.radix * s.length;
        t.slot[j] = static_cast<std::uint16_t>(position);
    }
    return t;
}

template <std::size_t N>
inline constexpr FftTables<N> fft_tables = make_fft_tables<N>();

// Real input sample n goes to the real (even n) or imaginary (odd n) part of its pair's slot.
template <std::size_t N>
constexpr void fft_load(std::span<Complex16, N / 2> buffer, std::size_t n, std::int16_t value) {
    Complex16& c = buffer[fft_tables<N>.slot[n / 2]];
    (n % 2 == 0 ? c.r : c.i) = value;
}

namespace fft_detail {

// One stage: kissfft's `stride` groups of radix-R butterflies, each over f[k + r·m] (k < m,
// r < R) with twiddles k·r·stride. The lengths are constants, so each stage compiles to its own
// loop with fixed offsets.
template <class Ops, std::size_t Radix, std::size_t M, std::size_t Stride>
constexpr void fft_stage(Complex16* f, const Complex16* twiddles) {
    constexpr std::size_t m = M;
    for (std::size_t group = 0; group < Stride; ++group, f += Radix * m) {
        for (std::size_t k = 0; k < m; ++k) {
            Complex16* const p = f + k;
            const Complex16* const tw = twiddles + k * Stride;
            if constexpr (Radix == 2) {
                const auto a = Ops::template fixdiv<2>(Ops::load(p));
                const auto b = Ops::mul(Ops::template fixdiv<2>(Ops::load(p + m)), Ops::load(tw));
                Ops::store(p + m, Ops::sub(a, b));
                Ops::store(p, Ops::add(a, b));
            } else {
                const auto a0 = Ops::template fixdiv<4>(Ops::load(p));
                const auto s0 = Ops::mul(Ops::template fixdiv<4>(Ops::load(p + m)), Ops::load(tw));
                const auto s2 = Ops::mul(Ops::template fixdiv<4>(Ops::load(p + 3 * m)),
                                         Ops::load(twiddles + 3 * k * Stride));
                const auto s3 = Ops::add(s0, s2);
                const auto s4 = Ops::sub(s0, s2);
                const auto s1 = Ops::mul(Ops::template fixdiv<4>(Ops::load(p + 2 * m)),
                                         Ops::load(twiddles + 2 * k * Stride));
                const auto s5 = Ops::sub(a0, s1);
                const auto a1 = Ops::add(a0, s1);
                Ops::store(p + 2 * m, Ops::sub(a1, s3));
                Ops::store(p, Ops::add(a1, s3));
                Ops::store(p + m, Ops::sub_j(s5, s4));
                Ops::store(p + 3 * m, Ops::add_j(s5, s4));
            }
        }
    }
}

template <std::size_t N, class Ops, std::size_t... S>
constexpr void fft_stages(Complex16* buffer, std::index_sequence<S...>) {
    constexpr const auto& t = fft_tables<N>;
    constexpr std::size_t last = sizeof...(S) - 1;
    // Innermost stage first.
    (fft_stage<Ops, t.stages[last - S].radix, t.stages[last - S].length, t.stages[last - S].stride>(
         buffer, t.twiddles.data()),
     ...);
}

}  // namespace fft_detail

// The window stage into the FFT's input: samples · coefficients (window.hpp) placed as fft_load
// places them, zero-padded to N, then all shifted up by the peak's fft_input_shift, which it
// returns (the filterbank takes it off again).
template <std::size_t N, class Ops = Complex16Ops, std::size_t Size>
constexpr int load_windowed(const std::array<std::int16_t, Size>& samples,
                            const WindowCoefficients<Size>& coefficients,
                            std::span<Complex16, N / 2> buffer) {
    static_assert(Size <= N, "mote: the window must fit the FFT");
    if constexpr (!std::is_same_v<Ops, PortableComplex16Ops>) {
        if (std::is_constant_evaluated())
            return load_windowed<N, PortableComplex16Ops>(samples, coefficients, buffer);
    }
    constexpr const auto& slot = fft_tables<N>.slot;
    std::uint32_t peak = 0;
    std::size_t pair = 0;
    for (; pair < Size / 2; ++pair) {
        const auto v = Ops::windowed_pair(&samples[2 * pair], &coefficients[2 * pair]);
        peak |= Ops::peak_bits_of(v);
        Ops::store(&buffer[slot[pair]], v);
    }
    if constexpr (Size % 2 != 0) {
        const std::int16_t last = windowed(samples[Size - 1], coefficients[Size - 1]);
        peak |= peak_bits(last);
        buffer[slot[pair++]] = {last, 0};
    }
    for (; pair < N / 2; ++pair) buffer[slot[pair]] = {0, 0};
    const int shift = fft_input_shift(static_cast<std::int16_t>(peak_fold(peak)));
    for (Complex16& c : buffer) Ops::store(&c, Ops::scaled_up_pair(Ops::load(&c), shift));
    return shift;
}

// The complex FFT in place on a buffer loaded with fft_load.
template <std::size_t N, class Ops = Complex16Ops>
constexpr void fft_transform(std::span<Complex16, N / 2> buffer) {
    if constexpr (!std::is_same_v<Ops, PortableComplex16Ops>) {
        if (std::is_constant_evaluated()) return fft_transform<N, PortableComplex16Ops>(buffer);
    }
    fft_detail::fft_stages<N, Ops>(buffer.data(),
                                   std::make_index_sequence<fft_tables<N>.stages.size()>());
}

namespace fft_detail {
// kiss_fftr's split of pair k (1 <= k <= N/4): f1k and tw, from which bins k and N/2 − k follow.
template <std::size_t N, class Ops>
struct SplitPair {
    typename Ops::value f1k, tw;
};
template <std::size_t N, class Ops>
constexpr SplitPair<N, Ops> split_pair(std::span<const Complex16, N / 2> z, std::size_t pair) {
    constexpr std::size_t n = N / 2;
    const auto fpk = Ops::template fixdiv<2>(Ops::load(&z[pair]));
    const auto fpnk = Ops::template fixdiv<2>(Ops::conj(Ops::load(&z[n - pair])));
    return {Ops::add(fpk, fpnk),
            Ops::mul(Ops::sub(fpk, fpnk), Ops::load(&fft_tables<N>.super_twiddles[pair - 1]))};
}

// Bin k of the real FFT (1 <= k < N/2) as an Ops value.
template <std::size_t N, class Ops>
constexpr auto split_bin(std::span<const Complex16, N / 2> z, std::size_t k) {
    constexpr std::size_t n = N / 2;
    if (k < n / 2) {
        const auto s = split_pair<N, Ops>(z, k);
        return Ops::halve_sum(s.f1k, s.tw);
    }
    const auto s = split_pair<N, Ops>(z, n - k);
    return Ops::halve_mirrored(s.f1k, s.tw);
}
}  // namespace fft_detail

// Bin k (0..N/2) of the real FFT from the transformed buffer: kiss_fftr's split of the packed
// complex result, each bin on its own. Bins k and N/2 − k share one pair; the pair at k = N/4
// is written twice by kiss_fftr, and its second (mirrored) form stands.
template <std::size_t N, class Ops = Complex16Ops>
constexpr Complex16 real_fft_bin(std::span<const Complex16, N / 2> z, std::size_t k) {
    using P = PortableComplex16Ops;
    constexpr std::size_t n = N / 2;
    if (k == 0 || k == n) {
        const Complex16 dc = P::fixdiv<2>(z[0]);
        return {P::wrap16(k == 0 ? dc.r + dc.i : dc.r - dc.i), 0};
    }
    if (std::is_constant_evaluated()) return fft_detail::split_bin<N, P>(z, k);
    Complex16 bin{};
    Ops::store(&bin, fft_detail::split_bin<N, Ops>(z, k));
    return bin;
}

// The energies of bins [first, last) (1 <= first <= last <= N/2), |X|² in TFLM's int32 (2^31
// wraps to −2^31), in place of the transformed buffer: afterwards z[k] holds bin k's energy,
// which stored_energy reads. Each pair is split once for both of its bins.
template <std::size_t N, class Ops = Complex16Ops>
constexpr void real_fft_energies(std::span<Complex16, N / 2> z, std::size_t first,
                                 std::size_t last) {
    if constexpr (!std::is_same_v<Ops, PortableComplex16Ops>) {
        if (std::is_constant_evaluated())
            return real_fft_energies<N, PortableComplex16Ops>(z, first, last);
    }
    constexpr std::size_t n = N / 2;
    // Pair k gives bin k (k < n/2) and bin n − k (k > 0); bin n/2 is pair n/2's mirrored form.
    const std::size_t low = std::min(first, n + 1 - last);
    const std::size_t high = std::min(std::max(last - 1, n - first), n / 2);
    for (std::size_t k = low; k <= high; ++k) {
        const auto s = fft_detail::split_pair<N, Ops>(z, k);  // reads z[k] and z[n − k]
        if (k < n / 2 && k >= first && k < last)
            z[k] = std::bit_cast<Complex16>(Ops::energy(Ops::halve_sum(s.f1k, s.tw)));
        if (n - k >= first && n - k < last)
            z[n - k] = std::bit_cast<Complex16>(Ops::energy(Ops::halve_mirrored(s.f1k, s.tw)));
    }
}

// A bin's energy as real_fft_energies stored it.
constexpr std::int32_t stored_energy(Complex16 word) { return std::bit_cast<std::int32_t>(word); }

// The whole real FFT, for callers that want every bin: `buffer` is the N/2-point work area.
template <std::size_t N>
constexpr void real_fft(std::span<const std::int16_t, N> in, std::span<Complex16, N / 2> buffer,
                        std::span<Complex16, N / 2 + 1> bins) {
    for (std::size_t n = 0; n < N; ++n) fft_load<N>(buffer, n, in[n]);
    fft_transform<N>(buffer);
    for (std::size_t k = 0; k <= N / 2; ++k) bins[k] = real_fft_bin<N>(buffer, k);
}

}  // namespace mote::audio
