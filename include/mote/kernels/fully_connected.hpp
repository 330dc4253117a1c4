#pragma once
// FullyConnected int8, optimized: the input becomes one column (widened once if the primitive
// set wants int16; on the stack when small, else the layer's scratch), then 2 output units per
// pass with requantization fused into the store. Bit-exact to reference::fully_connected.
#include <cstddef>
#include <cstdint>

#include "mote/kernels/conv2d.hpp"

namespace mote::kernels {

template <class P = Primitives>
constexpr std::size_t fully_connected_column_bytes(int inputs) {
    return sizeof(typename P::col_t) == 1
               ? 0
               : align16(static_cast<std::size_t>(inputs) * sizeof(typename P::col_t));
}

template <class P = Primitives>
constexpr std::size_t fully_connected_scratch_bytes(int inputs) {
    const std::size_t col = fully_connected_column_bytes<P>(inputs);
    return col <= stack_column_bytes ? 0 : col;
}

// acc[j] = bias[j] + Σ c·w_j for n consecutive weight rows of length k in P's order (a row pair
// of a paired layout must start at w): 4 rows per pass where P declares four_row_dot, else 2. Returns w
// past the n rows.
template <class P = Primitives>
inline const weight_t<P>* dot_rows(const typename P::col_t* c, const weight_t<P>* w, int k, int n,
                                   const std::int32_t* bias, std::int32_t* acc) {
    int j = 0;
    if constexpr (P::capabilities.four_row_dot) {
        for (; j + 3 < n; j += 4, w += 4 * k) {
            std::int32_t a[4] = {bias[j], bias[j + 1], bias[j + 2], bias[j + 3]};
            P::dot_1x4(c, w, k, a);
            acc[j] = a[0], acc[j + 1] = a[1], acc[j + 2] = a[2], acc[j + 3] = a[3];
        }
    }
    for (; j + 1 < n; j += 2, w += 2 * k) {
        std::int32_t a[2] = {bias[j], bias[j + 1]};
        P::dot_1x2(c, w, w + k, k, a);
        acc[j] = a[0], acc[j + 1] = a[1];
    }
    if (j < n) acc[j] = P::dot_1x1(c, w, k, bias[j]), w += k;
    return w;
}

namespace detail {
template <class P>
inline void fully_connected_column(int inputs, int outputs, const Requant& q,
                                   const typename P::col_t* c, const weight_t<P>* weights,
                                   std::int8_t* out) {
    alignas(16) std::int32_t acc[out_chunk];
    const weight_t<P>* w = weights;
    for (int o0 = 0; o0 < outputs; o0 += out_chunk) {
        const int n = outputs - o0 < out_chunk ? outputs - o0 : out_chunk;
        w = dot_rows<P>(c, w, inputs, n, q.bias + o0, acc);
        P::requantize_row(acc, q, o0, n, out + o0);
    }
}
}  // namespace detail

// Calls f(column) with `in` as P's column type: read in place, or widened once where P wants
// int16 (on the stack when small, else in scratch of fully_connected_scratch_bytes<P>(inputs)).
template <class P, class F>
inline void with_column(const std::int8_t* in, int inputs, std::byte* scratch, F&& f) {
    using col_t = typename P::col_t;
    if constexpr (sizeof(col_t) == 1) {
        f(reinterpret_cast<const col_t*>(in));
    } else if (fully_connected_column_bytes<P>(inputs) <= stack_column_bytes) {
        alignas(16) col_t col[stack_column_bytes / sizeof(col_t)];
        P::load_col(in, col, inputs);
        f(static_cast<const col_t*>(col));
    } else {
        auto* col = reinterpret_cast<col_t*>(scratch);
        P::load_col(in, col, inputs);
        f(static_cast<const col_t*>(col));
    }
}

// weights: [outputs, inputs] in P's order (kernels/pack.hpp).
template <class P = Primitives>
inline void fully_connected(int inputs, int outputs, const Requant& q, const std::int8_t* in,
                            const weight_t<P>* weights, std::int8_t* out, std::byte* scratch) {
    with_column<P>(in, inputs, scratch, [&](const typename P::col_t* col) {
        detail::fully_connected_column<P>(inputs, outputs, q, col, weights, out);
    });
}

}  // namespace mote::kernels
