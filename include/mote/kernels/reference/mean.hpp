#pragma once
// MEAN over height and width with keep_dims (NHWC batch 1 → 1×1×C), TFLite Micro reference.
//
// int8: per channel, S = Σq − zp_in·n (int32) is requantized with the multiplier for s_in/s_out
// into which 1/n has been folded by integer division (quant::fold_mean_count), + zp_out,
// clamped to [−128, 127]. See mote/quant/mean_multiplier.hpp for why this rounds twice.
// float: float32 sum in row-major (h, w) order divided by h·w (as a float).
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"
#include "mote/quant/mean_multiplier.hpp"
#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"

namespace mote::reference {

struct MeanParams {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    std::int32_t count = 1;        // n = h · w
    quant::Multiplier output{};    // s_in / s_out with 1/n folded in
    const char* error = nullptr;
};

constexpr MeanParams make_mean_params(QuantParams in, QuantParams out, int h, int w) {
    MeanParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Mean: invalid int8 quantization parameters";
        return p;
    }
    if (h <= 0 || w <= 0 || static_cast<long long>(h) * w > (1LL << 23)) {
        p.error = "mote: Mean: reduced extent must be positive and at most 2^23 elements";
        return p;
    }
    const quant::Multiplier base = quant::quantize_multiplier(
        static_cast<double>(in.scale) / static_cast<double>(out.scale));
    p.count = h * w;
    p.output = quant::fold_mean_count(base, p.count);
    p.input_zero_point = in.zero_point;
    p.output_zero_point = out.zero_point;
    return p;
}

inline constexpr int mean_channel_block = 16;

constexpr void mean_hw(const MeanParams& p, const std::int8_t* in, std::int8_t* out, int h, int w,
                       int c) {
    const int n = h * w;
    for (int c0 = 0; c0 < c; c0 += mean_channel_block) {
        const int cb = c - c0 < mean_channel_block ? c - c0 : mean_channel_block;
        std::int32_t acc[mean_channel_block] = {};
        for (int i = 0; i < n; ++i) {
            const std::int8_t* src = in + i * c + c0;
            for (int k = 0; k < cb; ++k) acc[k] += src[k];
        }
        for (int k = 0; k < cb; ++k) {
            const std::int32_t shifted = acc[k] - p.input_zero_point * p.count;
            std::int32_t v = quant::requantize(shifted, p.output) + p.output_zero_point;
            v = v < -128 ? -128 : (v > 127 ? 127 : v);
            out[c0 + k] = static_cast<std::int8_t>(v);
        }
    }
}

constexpr void mean_hw(const float* in, float* out, int h, int w, int c) {
    const int n = h * w;
    for (int c0 = 0; c0 < c; c0 += mean_channel_block) {
        const int cb = c - c0 < mean_channel_block ? c - c0 : mean_channel_block;
        float acc[mean_channel_block] = {};
        for (int i = 0; i < n; ++i) {
            const float* src = in + i * c + c0;
            for (int k = 0; k < cb; ++k) acc[k] += src[k];
        }
        for (int k = 0; k < cb; ++k) out[c0 + k] = acc[k] / static_cast<float>(n);
    }
}

}  // namespace mote::reference
