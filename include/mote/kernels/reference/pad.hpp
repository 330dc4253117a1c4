#pragma once
// PAD with a constant, batch 1, NHWC (TFLite Micro reference): rows, columns and channels are
// added before/after (mote::Pads: top/bottom, left/right, front/back). int8 pads with the
// output zero point (= the input's; TFLM requires equal parameters), float with 0.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/quant/checks.hpp"

namespace mote::reference {

struct PadParams {
    std::int8_t pad_value = 0;
    const char* error = nullptr;
};

constexpr PadParams make_pad_params(QuantParams in, QuantParams out) {
    PadParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out))
        p.error = "mote: Pad: invalid int8 quantization parameters";
    else if (!(in == out))
        p.error = "mote: Pad: int8 output quantization must equal the input's";
    else
        p.pad_value = static_cast<std::int8_t>(out.zero_point);
    return p;
}

constexpr Shape pad_output_shape(Shape in, Pads p) {
    return {in.h + p.top + p.bottom, in.w + p.left + p.right, in.c + p.front + p.back};
}

// Output written row by row, front to back; no element is written twice.
template <class T>
constexpr void pad(const Pads& p, T value, const T* in, T* out, int h, int w, int c) {
    const int oc = c + p.front + p.back;
    const int ow = w + p.left + p.right;
    const int row = ow * oc;
    T* o = out;
    for (int i = 0; i < p.top * row; ++i) *o++ = value;
    for (int y = 0; y < h; ++y) {
        for (int i = 0; i < p.left * oc; ++i) *o++ = value;
        const T* src = in + y * w * c;
        for (int x = 0; x < w; ++x) {
            for (int k = 0; k < p.front; ++k) *o++ = value;
            for (int k = 0; k < c; ++k) *o++ = *src++;
            for (int k = 0; k < p.back; ++k) *o++ = value;
        }
        for (int i = 0; i < p.right * oc; ++i) *o++ = value;
    }
    for (int i = 0; i < p.bottom * row; ++i) *o++ = value;
}

}  // namespace mote::reference
