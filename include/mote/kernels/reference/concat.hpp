#pragma once
// CONCATENATION along one axis, batch 1, NHWC (TFLite Micro reference). int8 inputs and the
// output must share one quantization (TFLM requires it), so this is a pure copy.
//
// Row-major layout makes every axis the same loop: for each index over the dimensions before
// the axis (`outer` of them), each input in turn copies its contiguous block (its extent along
// the axis times the dimensions after it). Along channels: outer = h·w, block = that input's c.
#include <cstdint>
#include <cstring>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
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

// The number of outer steps and an input's block, for a concatenation along `axis`.
constexpr int concat_outer(Shape s, Axis axis) {
    return axis == Axis::height ? 1 : (axis == Axis::width ? s.h : s.h * s.w);
}
constexpr int concat_block(Shape s, Axis axis) {
    return axis == Axis::height ? s.elements() : (axis == Axis::width ? s.w * s.c : s.c);
}

// `count` inputs of blocks[k] elements per outer step each; out has outer · Σ blocks[k].
template <class T>
inline void concat(const T* const* inputs, const int* blocks, int count, int outer, T* out) {
    for (int o = 0; o < outer; ++o) {
        for (int k = 0; k < count; ++k) {
            std::memcpy(out, inputs[k] + o * blocks[k], static_cast<std::size_t>(blocks[k]) * sizeof(T));
            out += blocks[k];
        }
    }
}

}  // namespace mote::reference
