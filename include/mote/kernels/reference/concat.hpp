#pragma once
// CONCATENATION along channels, batch 1, NHWC (TFLite Micro reference). int8 inputs and the
// output must share one quantization (TFLM requires it), so this is a pure copy.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/quant/checks.hpp"

namespace mote::reference {

struct ConcatParams {
    const char* error = nullptr;
};

constexpr ConcatParams make_concat_params(QuantParams in1, QuantParams in2, QuantParams out) {
    ConcatParams p{};
    if (!quant::valid_int8_quant(in1) || !quant::valid_int8_quant(in2) || !quant::valid_int8_quant(out))
        p.error = "mote: Concatenate: invalid int8 quantization parameters";
    else if (!(in1 == out) || !(in2 == out))
        p.error = "mote: Concatenate: int8 inputs and output must share one quantization";
    return p;
}

// `count` inputs of channels[k] channels each, `pixels` = h · w; out has Σ channels[k].
template <class T>
constexpr void concat_channels(const T* const* inputs, const int* channels, int count, int pixels,
                               T* out) {
    for (int px = 0; px < pixels; ++px) {
        for (int k = 0; k < count; ++k) {
            const T* src = inputs[k] + px * channels[k];
            for (int c = 0; c < channels[k]; ++c) *out++ = src[c];
        }
    }
}

template <class T>
constexpr void concat_channels(const T* a, int ca, const T* b, int cb, int pixels, T* out) {
    for (int px = 0; px < pixels; ++px) {
        for (int c = 0; c < ca; ++c) *out++ = a[px * ca + c];
        for (int c = 0; c < cb; ++c) *out++ = b[px * cb + c];
    }
}

}  // namespace mote::reference
