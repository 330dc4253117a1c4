#pragma once
// Filterbank stage (TFLM filterbank.c, filterbank_util.c): the energy of each FFT bin, summed
// with triangular mel weights into channels, then square-rooted.
//
// Set-up: channels + 1 mel bands of equal width between the band edges (mel = 1127·ln(1 + f/700));
// band b takes the bins whose mel value is above band b − 1's centre and at most band b's centre,
// starting at bin ⌊1.5 + lower/hz_per_bin⌋ (so never at DC). A bin of band b
// has weight w = (centre_b − mel)/(centre_b − centre_{b−1}) (Q12, rounded) and unweight 1 − w
// (rounded on its own). Output channel c sums the weights of band c + 1 and the unweights of
// band c: two overlapping triangles per bin. Band 0's weights and the last band's unweights go
// nowhere. TFLM pads each band to blocks of 4 zero-weighted bins for its accumulate loop; the
// sums are the same without, so only the bins [start, end) are stored, in bin order.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "mote/audio/config.hpp"
#include "mote/audio/fft.hpp"
#include "mote/audio/setup_math.hpp"
#include "mote/core/diagnostics.hpp"

namespace mote::audio {

template <std::size_t Channels, std::size_t Bins>
struct FilterbankTables {
    // Band b (0..Channels) covers bins [band_start[b], band_start[b + 1]); band_start[0] is
    // TFLM's start_index, band_start[Channels + 1] its end_index.
    std::array<std::uint16_t, Channels + 2> band_start{};
    std::array<std::int16_t, Bins> weights{};  // Q12, for bins band_start[0] + j
    std::array<std::int16_t, Bins> unweights{};
};

namespace filterbank_detail {

template <SetupMath Math>
constexpr float freq_to_mel(float hz) {
    if constexpr (Math == SetupMath::single_precision)
        return 1127.0f * setup_math::log1pf(hz / 700.0f);
    else
        return static_cast<float>(1127.0 * setup_math::log1p(static_cast<double>(hz) / 700.0));
}

template <std::size_t Channels>
struct Bands {
    std::array<float, Channels + 1> centre_mel{};
    std::array<std::uint16_t, Channels + 2> start{};
    float mel_low = 0.0f;
    float hz_per_bin = 0.0f;
};

template <const FrontendConfig& C>
constexpr auto make_bands() {
    constexpr std::size_t channels = channel_count(C);
    constexpr SetupMath math = C.setup_math;
    constexpr int spectrum_size = static_cast<int>(fft_size(C) / 2 + 1);
    Bands<channels> b{};
    b.mel_low = freq_to_mel<math>(C.lower_band_hz);
    const float mel_span = freq_to_mel<math>(C.upper_band_hz) - b.mel_low;
    const float mel_spacing = mel_span / static_cast<float>(channels + 1);
    for (std::size_t i = 0; i <= channels; ++i)
        b.centre_mel[i] = b.mel_low + mel_spacing * static_cast<float>(i + 1);
    int start = 0;
    if constexpr (math == SetupMath::single_precision) {
        b.hz_per_bin = 0.5f * static_cast<float>(C.sample_rate_hz) /
                       (static_cast<float>(spectrum_size) - 1.0f);
        start = static_cast<int>(1.5f + C.lower_band_hz / b.hz_per_bin);
    } else {
        b.hz_per_bin = static_cast<float>(
            0.5 * C.sample_rate_hz / static_cast<double>(static_cast<float>(spectrum_size) - 1.0f));
        start = static_cast<int>(1.5 + static_cast<double>(C.lower_band_hz / b.hz_per_bin));
    }
    int bin = start;
    for (std::size_t band = 0; band <= channels; ++band) {
        b.start[band] = static_cast<std::uint16_t>(bin);
        while (freq_to_mel<math>(static_cast<float>(bin) * b.hz_per_bin) <= b.centre_mel[band]) ++bin;
    }
    if (bin >= spectrum_size) fail("mote: audio front end: the filterbank reaches past the FFT's bins");
    b.start[channels + 1] = static_cast<std::uint16_t>(bin);
    return b;
}

template <const FrontendConfig& C>
inline constexpr auto bands = make_bands<C>();

}  // namespace filterbank_detail

// Bins the filterbank reads: [start, end).
template <const FrontendConfig& C>
inline constexpr std::size_t filterbank_bins =
    filterbank_detail::bands<C>.start.back() - filterbank_detail::bands<C>.start.front();

template <const FrontendConfig& C>
using FilterbankTablesFor = FilterbankTables<channel_count(C), filterbank_bins<C>>;

template <const FrontendConfig& C>
constexpr FilterbankTablesFor<C> make_filterbank() {
    namespace sm = setup_math;
    constexpr const auto& b = filterbank_detail::bands<C>;
    constexpr SetupMath math = C.setup_math;
    FilterbankTablesFor<C> t{};
    t.band_start = b.start;
    for (std::size_t band = 0; band + 1 < b.start.size(); ++band) {
        const float centre = b.centre_mel[band];
        const float below = band == 0 ? b.mel_low : b.centre_mel[band - 1];
        for (std::size_t bin = b.start[band]; bin < b.start[band + 1]; ++bin) {
            const float mel = filterbank_detail::freq_to_mel<math>(static_cast<float>(bin) *
                                                                   b.hz_per_bin);
            const float w = (centre - mel) / (centre - below);
            const std::size_t j = bin - b.start.front();
            const float scaled = w * float{1 << filterbank_bits};
            if constexpr (math == SetupMath::single_precision) {
                t.weights[j] = static_cast<std::int16_t>(sm::floor(scaled + 0.5f));
                t.unweights[j] = static_cast<std::int16_t>(
                    sm::floor((1.0f - w) * float{1 << filterbank_bits} + 0.5f));
            } else {
                t.weights[j] = static_cast<std::int16_t>(sm::floor(static_cast<double>(scaled) + 0.5));
                t.unweights[j] = static_cast<std::int16_t>(
                    sm::floor((1.0 - static_cast<double>(w)) * (1 << filterbank_bits) + 0.5));
            }
        }
    }
    return t;
}

// |X|² as TFLM stores it, in an int32: 2^31 (both parts −32768) wraps to −2^31, which the
// accumulation then widens sign-extended, as TFLM does.
constexpr std::int32_t bin_energy(Complex16 x) { return PortableComplex16Ops::energy(x); }

// Channel sums (uint64, wrapping): sums[c] = Σ weight·energy over band c + 1 plus
// Σ unweight·energy over band c. `energy(bin)` gives bin_energy of each bin in [start, end).
template <std::size_t Channels, std::size_t Bins, class Energy>
constexpr void filterbank_accumulate(const FilterbankTables<Channels, Bins>& t, Energy&& energy,
                                     std::span<std::uint64_t, Channels> sums) {
    std::uint64_t carried = 0;  // the previous band's unweighted sum
    for (std::size_t band = 0; band <= Channels; ++band) {
        std::uint64_t weighted = carried;
        std::uint64_t unweighted = 0;
        for (std::size_t bin = t.band_start[band]; bin < t.band_start[band + 1]; ++bin) {
            // The signed 64-bit products equal TFLM's uint64 ones modulo 2^64 (one SMLAL each).
            const std::int64_t e = std::int32_t{energy(bin)};
            const std::size_t j = bin - t.band_start[0];
            weighted += static_cast<std::uint64_t>(t.weights[j] * e);
            unweighted += static_cast<std::uint64_t>(t.unweights[j] * e);
        }
        if (band > 0) sums[band - 1] = weighted;
        carried = unweighted;
    }
}

// TFLM's integer square root, rounded to nearest (no rounding up past the largest half-width
// value). A 64-bit input whose upper half is zero takes the 32-bit routine, whose result is
// 16 bits: TFLM's shortcut, kept because it decides the last bit near 2^32.
template <class U>
constexpr U rounded_sqrt(U num) {
    constexpr int width = std::numeric_limits<U>::digits;
    constexpr U half_max = (U{1} << (width / 2)) - 1;
    if (num == 0) return 0;
    const int top = (width - static_cast<int>(std::bit_width(num))) | 1;
    U bit = U{1} << (width - 1 - top);
    U res = 0;
    for (int iterations = (width - 1 - top) / 2 + 1; iterations > 0; --iterations) {
        if (num >= res + bit) {
            num -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    if (num > res && res != half_max) ++res;
    return res;
}

namespace filterbank_detail {
// ⌊√n⌋ for 0 < n < 2^32: integer Newton steps down from 2^⌈bit_width/2⌉ >= √n, which stop at
// ⌊√n⌋ (x + n/x <= 2x <= 2^17: no overflow).
constexpr std::uint32_t floor_sqrt(std::uint32_t n) {
    std::uint32_t x = std::uint32_t{1} << ((std::bit_width(n) + 1) / 2);
    for (;;) {
        const std::uint32_t next = (x + n / x) >> 1;
        if (next >= x) return x;
        x = next;
    }
}
}  // namespace filterbank_detail

// rounded_sqrt (TFLM's routine for the width the sum needs), computed faster: ⌊√⌋ by Newton on
// the top 31 bits or fewer, then the remaining bit pairs one at a time as the bit-by-bit
// routine takes them (root r, remainder <= 2r), so the remainder decides the rounding as there.
// Below 2^60 the root stays under 2^30 and the remainder, times 4, within 32 bits; the rare
// larger sums (a wrapped energy) take rounded_sqrt itself.
constexpr std::uint32_t filterbank_sqrt(std::uint64_t sum) {
    if (sum == 0) return 0;
    const int width = static_cast<int>(std::bit_width(sum));
    if (width > 60) return static_cast<std::uint32_t>(rounded_sqrt(sum));
    const int low_bits = width > 31 ? (width - 30) & ~1 : 0;  // leaves <= 31 bits, an even count
    const auto top = static_cast<std::uint32_t>(sum >> low_bits);
    std::uint32_t root = filterbank_detail::floor_sqrt(top);
    std::uint32_t remainder = top - root * root;
    for (int bit = low_bits - 2; bit >= 0; bit -= 2) {
        remainder = remainder << 2 | static_cast<std::uint32_t>(sum >> bit & 3);
        const std::uint32_t trial = root << 2 | 1;  // (2r + 1)² − (2r)²
        root <<= 1;
        if (remainder >= trial) {
            remainder -= trial;
            root |= 1;
        }
    }
    // rounded_sqrt<uint32_t> caps its result at 0xFFFF (sums below 2^32 only).
    if (remainder > root && (width > 32 || root != 0xFFFF)) ++root;
    return root;
}

}  // namespace mote::audio
