#pragma once
// Shapes and window geometry. Batch is always 1; tensors are NHWC.
#include <cstddef>

namespace mote {

struct Shape {
    int h = 1, w = 1, c = 1;
    constexpr int elements() const { return h * w * c; }
    friend constexpr bool operator==(const Shape&, const Shape&) = default;
};

struct Kernel {
    int h = 1, w = 1;
};
struct Stride {
    int h = 1, w = 1;
};
struct Dilation {
    int h = 1, w = 1;
};

enum class Padding { same, valid };
enum class Activation { none, relu, relu6 };

// Explicit constant padding (Pad layer): rows, columns and channels added before/after.
struct Pads {
    int top = 0, bottom = 0, left = 0, right = 0, front = 0, back = 0;
};

// One of the three axes of a Shape (Concatenate's axis, Transpose's permutation), in memory
// order: height is outermost, channels innermost.
enum class Axis { height, width, channels };

// StridedSlice: the first element taken along each axis, and the step between taken elements.
struct Offsets {
    int h = 0, w = 0, c = 0;
};
struct Strides {
    int h = 1, w = 1, c = 1;
};

// Where a sliding window sits over its input; computed once per layer, at compile time.
struct WindowGeometry {
    int in_h, in_w, in_c;
    int out_h, out_w, out_c;
    int kernel_h, kernel_w;
    int stride_h, stride_w;
    int dilation_h, dilation_w;
    int pad_top, pad_left;  // SAME: the smaller half before, the odd pixel after (TFLite)
};

constexpr int window_output_size(Padding p, int in, int kernel, int stride, int dilation) {
    const int effective = (kernel - 1) * dilation + 1;
    return p == Padding::same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}

constexpr int window_pad_before(int in, int out, int kernel, int stride, int dilation) {
    const int effective = (kernel - 1) * dilation + 1;
    const int total = (out - 1) * stride + effective - in;
    return total > 0 ? total / 2 : 0;
}

constexpr WindowGeometry make_window(Shape in, int out_c, Kernel k, Stride s, Dilation d,
                                     Padding p) {
    const int oh = window_output_size(p, in.h, k.h, s.h, d.h);
    const int ow = window_output_size(p, in.w, k.w, s.w, d.w);
    return {in.h, in.w, in.c, oh, ow, out_c, k.h, k.w, s.h, s.w, d.h, d.w,
            window_pad_before(in.h, oh, k.h, s.h, d.h), window_pad_before(in.w, ow, k.w, s.w, d.w)};
}

}  // namespace mote
