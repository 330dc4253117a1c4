#pragma once
// SVDF int8 (int16 time weights and state), optimized. Bit-exact to reference::svdf:
//  - the feature products are the dense layer's row dots (fully_connected.hpp: with_column,
//    dot_rows) on the feature matrix in P's layout, each sum starting at the folded bias
//    −zp_in·Σ_i wf[f][i] (the reference's Σ wf·(x − zp_in));
//  - the state of a batch row slides one step in a single pass over all its filters, two values
//    per 32-bit word (slide_one): each filter's last slot then holds the next filter's first
//    value, and is overwritten by the new activation, as the reference's per-filter shift
//    leaves it;
//  - the time sums add int16·int16 products (|p| ≤ 2^30) in wrapping 32-bit arithmetic, the
//    reference's sum modulo 2^32;
//  - both requantizations in the merged-rounding form (kernels/requant.hpp, ChannelQ).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "mote/kernels/fully_connected.hpp"
#include "mote/kernels/pack.hpp"
#include "mote/kernels/requant.hpp"
#include "mote/kernels/reference/svdf.hpp"

namespace mote::kernels {

// s[0, n − 1) = s[1, n), front to back (each word is read before it is overwritten). (A libc
// memmove may go byte by byte: newlib-nano's does.)
inline void slide_one(std::int16_t* s, std::size_t n) {
    std::size_t i = 0;
    for (; i + 2 < n; i += 2) {
        std::uint32_t pair;
        std::memcpy(&pair, s + i + 1, sizeof pair);
        std::memcpy(s + i, &pair, sizeof pair);
    }
    for (; i + 1 < n; ++i) s[i] = s[i + 1];
}

struct SvdfFeatureRows {
    std::span<const std::int8_t> values;  // [filters, inputs]; what gemm_weights packs
};

template <const auto& W>
inline constexpr SvdfFeatureRows svdf_feature_rows{W.feature};

template <const auto& W, int Filters, int Inputs, const auto& Params>
constexpr std::array<std::int32_t, Filters> svdf_fold() {
    std::array<std::int32_t, Filters> b{};
    for (int f = 0; f < Filters; ++f) {
        std::int64_t s = 0;
        for (int i = 0; i < Inputs; ++i) s += W.feature[static_cast<std::size_t>(f * Inputs + i)];
        b[static_cast<std::size_t>(f)] = static_cast<std::int32_t>(-Params.input_zero_point * s);
    }
    return b;
}

// Whether every partial feature sum fits int32 (|wf·x| ≤ 2^14 per term, and as much again per
// term for the fold): the kernel's int32 accumulators then hold the reference's exact sums.
constexpr bool svdf_fits_int32(int inputs) {
    return static_cast<std::int64_t>(inputs) * (128 * 128 + 128 * 128) < (std::int64_t{1} << 31);
}

// The optimized kernel's data for an SVDF layer with weights W (SvdfWeights) and parameters
// Params (reference::make_svdf_params): what it keeps in flash and in scratch, and its run.
template <const auto& W, const auto& Dims, const auto& Params, class P = Primitives>
struct SvdfPlan {
    static constexpr int filters = Dims.filters();
    static constexpr const weight_t<P>* feature =
        gemm_weights<P, svdf_feature_rows<W>, filters, Dims.inputs>();
    static constexpr std::array<std::int32_t, filters> fold = svdf_fold<W, filters, Dims.inputs, Params>();
    static constexpr ChannelQ to_state = channel_q(Params.input_to_state.multiplier, Params.input_to_state.exponent);
    static constexpr ChannelQ to_output =
        channel_q(Params.state_to_output.multiplier, Params.state_to_output.exponent);
    static constexpr std::size_t flash_bytes = gemm_weight_bytes<P>(W.feature.size()) +
                                               W.time.size() * sizeof(std::int16_t) +
                                               W.bias.size() * sizeof(std::int32_t) + sizeof(fold) +
                                               sizeof(to_state) + sizeof(to_output);
    static constexpr std::size_t scratch_bytes = fully_connected_scratch_bytes<P>(Dims.inputs);

    static void run(const std::int8_t* input, std::int8_t* output, std::int16_t* state,
                    std::byte* scratch) {
        constexpr int memory = Dims.memory, unit_terms = Dims.rank * memory;
        for (int b = 0; b < Dims.batches; ++b) {
            std::int16_t* s = state + b * filters * memory;
            slide_one(s, static_cast<std::size_t>(filters) * memory);
            with_column<P>(input + b * Dims.inputs, Dims.inputs, scratch,
                           [&](const typename P::col_t* x) { feature_activations(x, s); });
            for (int u = 0; u < Dims.units; ++u) {
                const std::int16_t* wt = W.time.data() + u * unit_terms;
                const std::int16_t* st = s + u * unit_terms;
                std::uint32_t acc = W.bias.empty() ? 0u : static_cast<std::uint32_t>(W.bias[static_cast<std::size_t>(u)]);
                for (int k = 0; k < unit_terms; ++k)
                    acc += static_cast<std::uint32_t>(static_cast<std::int32_t>(wt[k]) * st[k]);
                std::int32_t v = requantize(static_cast<std::int32_t>(acc), to_output) + Params.output_zero_point;
                v = v < -128 ? -128 : (v > 127 ? 127 : v);
                output[b * Dims.units + u] = static_cast<std::int8_t>(v);
            }
        }
    }

private:
    // Each filter's newest state slot: its feature sum requantized to int16 with saturation.
    static void feature_activations(const typename P::col_t* x, std::int16_t* s) {
        alignas(16) std::int32_t acc[detail::out_chunk];
        const weight_t<P>* w = feature;
        for (int f0 = 0; f0 < filters; f0 += detail::out_chunk) {
            const int n = filters - f0 < detail::out_chunk ? filters - f0 : detail::out_chunk;
            w = dot_rows<P>(x, w, Dims.inputs, n, fold.data() + f0, acc);
            for (int j = 0; j < n; ++j) {
                std::int32_t v = requantize(acc[j], to_state);
                v = v < INT16_MIN ? INT16_MIN : (v > INT16_MAX ? INT16_MAX : v);
                s[(f0 + j + 1) * Dims.memory - 1] = static_cast<std::int16_t>(v);
            }
        }
    }
};

}  // namespace mote::kernels
