#pragma once
// STRIDED_SLICE on a rank-3 tensor, batch 1, NHWC, positive strides (TFLite Micro reference
// once its masks and negative indices are resolved; SLICE, SPLIT and SPLIT_V are the stride-1
// cases): output element (y, x, k) is input element
// (begin.h + y·stride.h, begin.w + x·stride.w, begin.c + k·stride.c). Moves elements only.
#include <cstddef>
#include <cstring>

#include "mote/core/shape.hpp"

namespace mote::reference {

// Every index the slice reads lies inside the input.
constexpr bool slice_fits(Shape in, Offsets begin, Strides step, Shape out) {
    const auto fits = [](int size, int first, int stride, int count) {
        return first >= 0 && stride >= 1 && count >= 1 && first + (count - 1) * stride < size;
    };
    return fits(in.h, begin.h, step.h, out.h) && fits(in.w, begin.w, step.w, out.w) &&
           fits(in.c, begin.c, step.c, out.c);
}

// Contiguous runs (unit channel stride; whole pixels with unit column stride too) are copied
// as blocks.
template <class T>
inline void strided_slice(Offsets begin, Strides step, const T* in, Shape in_shape, T* out,
                          Shape out_shape) {
    const int row = in_shape.w * in_shape.c;
    const bool whole_pixels = step.c == 1 && step.w == 1 && out_shape.c == in_shape.c;
    for (int y = 0; y < out_shape.h; ++y) {
        const T* r = in + (begin.h + y * step.h) * row;
        if (whole_pixels) {
            const int n = out_shape.w * out_shape.c;
            std::memcpy(out, r + begin.w * in_shape.c, static_cast<std::size_t>(n) * sizeof(T));
            out += n;
            continue;
        }
        for (int x = 0; x < out_shape.w; ++x) {
            const T* px = r + (begin.w + x * step.w) * in_shape.c + begin.c;
            if (step.c == 1) {
                std::memcpy(out, px, static_cast<std::size_t>(out_shape.c) * sizeof(T));
                out += out_shape.c;
            } else {
                for (int k = 0; k < out_shape.c; ++k) *out++ = px[k * step.c];
            }
        }
    }
}

}  // namespace mote::reference
