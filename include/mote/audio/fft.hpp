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
// Products round half up in Q15; sums wrap to int16 as kissfft's short arithmetic does.
// Twiddles are ⌊½ + 32767·cos/sin(phase)⌋ of kissfft's double phases, computed by the compiler.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/audio/setup_math.hpp"

namespace mote::audio {

struct Complex16 {
    std::int16_t r;
    std::int16_t i;
    friend constexpr bool operator==(const Complex16&, const Complex16&) = default;
};

namespace fft_detail {

constexpr std::int16_t wrap16(std::int32_t v) { return static_cast<std::int16_t>(v); }

// kissfft's sround: Q15 product rounded half up, truncated to int16.
constexpr std::int16_t round_q15(std::int32_t x) { return wrap16((x + (1 << 14)) >> 15); }

constexpr Complex16 add(Complex16 a, Complex16 b) { return {wrap16(a.r + b.r), wrap16(a.i + b.i)}; }
constexpr Complex16 sub(Complex16 a, Complex16 b) { return {wrap16(a.r - b.r), wrap16(a.i - b.i)}; }
// |a.r·b.r − a.i·b.i| <= 32768·32767·2 < 2^31: no int32 overflow (twiddles are within ±32767).
constexpr Complex16 mul(Complex16 a, Complex16 b) {
    return {round_q15(std::int32_t{a.r} * b.r - std::int32_t{a.i} * b.i),
            round_q15(std::int32_t{a.r} * b.i + std::int32_t{a.i} * b.r)};
}
// C_FIXDIV(c, radix).
constexpr Complex16 scale_down(Complex16 c, std::int32_t radix) {
    const std::int32_t factor = 32767 / radix;
    return {round_q15(c.r * factor), round_q15(c.i * factor)};
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

// The complex FFT in place on a buffer loaded with fft_load.
template <std::size_t N>
constexpr void fft_transform(std::span<Complex16, N / 2> buffer) {
    using namespace fft_detail;
    constexpr const auto& t = fft_tables<N>;
    for (std::size_t s = t.stages.size(); s-- > 0;) {  // innermost stage first
        const Stage st = t.stages[s];
        const std::size_t m = st.length;
        for (std::size_t group = 0; group < st.stride; ++group) {
            Complex16* f = buffer.data() + group * st.radix * m;
            for (std::size_t k = 0; k < m; ++k) {
                const std::size_t tw = k * st.stride;
                if (st.radix == 2) {
                    const Complex16 a = scale_down(f[k], 2);
                    const Complex16 b = mul(scale_down(f[k + m], 2), t.twiddles[tw]);
                    f[k + m] = sub(a, b);
                    f[k] = add(a, b);
                    continue;
                }
                Complex16 a0 = scale_down(f[k], 4);
                const Complex16 s0 = mul(scale_down(f[k + m], 4), t.twiddles[tw]);
                const Complex16 s1 = mul(scale_down(f[k + 2 * m], 4), t.twiddles[2 * tw]);
                const Complex16 s2 = mul(scale_down(f[k + 3 * m], 4), t.twiddles[3 * tw]);
                const Complex16 s5 = sub(a0, s1);
                a0 = add(a0, s1);
                const Complex16 s3 = add(s0, s2);
                const Complex16 s4 = sub(s0, s2);
                f[k + 2 * m] = sub(a0, s3);
                f[k] = add(a0, s3);
                f[k + m] = {wrap16(s5.r + s4.i), wrap16(s5.i - s4.r)};
                f[k + 3 * m] = {wrap16(s5.r - s4.i), wrap16(s5.i + s4.r)};
            }
        }
    }
}

// Bin k (0..N/2) of the real FFT from the transformed buffer: kiss_fftr's split of the packed
// complex result, each bin on its own. Bins k and N/2 − k share one pair; the pair at k = N/4
// is written twice by kiss_fftr, and its second (mirrored) form stands.
template <std::size_t N>
constexpr Complex16 real_fft_bin(std::span<const Complex16, N / 2> z, std::size_t k) {
    using namespace fft_detail;
    constexpr std::size_t n = N / 2;
    if (k == 0 || k == n) {
        const Complex16 dc = scale_down(z[0], 2);
        return {wrap16(k == 0 ? dc.r + dc.i : dc.r - dc.i), 0};
    }
    const bool mirrored = k >= n / 2;
    const std::size_t pair = mirrored ? n - k : k;
    const Complex16 fpk = scale_down(z[pair], 2);
    const Complex16 fpnk = scale_down({z[n - pair].r, wrap16(-z[n - pair].i)}, 2);
    const Complex16 f1k = add(fpk, fpnk);
    const Complex16 tw = mul(sub(fpk, fpnk), fft_tables<N>.super_twiddles[pair - 1]);
    if (!mirrored) return {wrap16((f1k.r + tw.r) >> 1), wrap16((f1k.i + tw.i) >> 1)};
    return {wrap16((f1k.r - tw.r) >> 1), wrap16((tw.i - f1k.i) >> 1)};
}

// The whole real FFT, for callers that want every bin: `buffer` is the N/2-point work area.
template <std::size_t N>
constexpr void real_fft(std::span<const std::int16_t, N> in, std::span<Complex16, N / 2> buffer,
                        std::span<Complex16, N / 2 + 1> bins) {
    for (std::size_t n = 0; n < N; ++n) fft_load<N>(buffer, n, in[n]);
    fft_transform<N>(buffer);
    for (std::size_t k = 0; k <= N / 2; ++k) bins[k] = real_fft_bin<N>(buffer, k);
}

}  // namespace mote::audio
