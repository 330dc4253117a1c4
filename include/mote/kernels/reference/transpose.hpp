#pragma once
// TRANSPOSE of a rank-3 tensor (TFLite Micro reference, batch 1): output axis k is input axis
// perm[k]. Moves elements only.
#include "mote/core/shape.hpp"

namespace mote {

// For each output axis, the input axis it takes (TFLite's perm, over height, width, channels):
// Permutation{Axis::width, Axis::height, Axis::channels} swaps height and width.
struct Permutation {
    Axis h = Axis::height, w = Axis::width, c = Axis::channels;
};

}  // namespace mote

namespace mote::reference {

constexpr bool is_permutation(Permutation p) {
    return p.h != p.w && p.h != p.c && p.w != p.c;
}

constexpr Shape transposed_shape(Shape in, Permutation p) {
    const int dims[3] = {in.h, in.w, in.c};  // indexed by Axis
    return {dims[static_cast<int>(p.h)], dims[static_cast<int>(p.w)], dims[static_cast<int>(p.c)]};
}

template <class T>
constexpr void transpose(Permutation p, const T* in, Shape in_shape, T* out) {
    const int strides[3] = {in_shape.w * in_shape.c, in_shape.c, 1};  // input, indexed by Axis
    const int sh = strides[static_cast<int>(p.h)];
    const int sw = strides[static_cast<int>(p.w)];
    const int sc = strides[static_cast<int>(p.c)];
    const Shape o = transposed_shape(in_shape, p);
    for (int y = 0; y < o.h; ++y)
        for (int x = 0; x < o.w; ++x)
            for (int k = 0; k < o.c; ++k) *out++ = in[y * sh + x * sw + k * sc];
}

}  // namespace mote::reference
