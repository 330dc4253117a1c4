#pragma once
// Compile-time weight re-layout. We own the weight bytes, so a primitive set that wants another
// order gets it from a constexpr transform into a namespace-scope array (flash), never at run time.
//
// permute4: within each row, every full group of four [w0 w1 w2 w3] becomes [w0 w2 w1 w3], so that
// SXTB16(word) = (w0, w1) and SXTB16(word ROR 8) = (w2, w3) pair with an int16 column (x0, x1),
// (x2, x3) in SMLAD. The row tail (cols % 4) keeps its order.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote/kernels/primitives.hpp"

namespace mote::kernels {

template <const auto& W, int Rows, int Cols>
alignas(4) inline constexpr std::array<std::int8_t, static_cast<std::size_t>(Rows) * Cols> permuted4 = [] {
    std::array<std::int8_t, static_cast<std::size_t>(Rows) * Cols> a{};
    const auto& v = W.values;
    const int full = Cols & ~3;
    for (int r = 0; r < Rows; ++r) {
        const std::size_t base = static_cast<std::size_t>(r) * Cols;
        int i = 0;
        for (; i < full; i += 4) {
            a[base + i] = v[base + i];
            a[base + i + 1] = v[base + i + 2];
            a[base + i + 2] = v[base + i + 1];
            a[base + i + 3] = v[base + i + 3];
        }
        for (; i < Cols; ++i) a[base + i] = v[base + i];
    }
    return a;
}();

// Weights [Rows, Cols] in the order primitive set P wants.
template <class P, const auto& W, int Rows, int Cols>
constexpr const std::int8_t* gemm_weights() {
    if constexpr (P::permute4) return permuted4<W, Rows, Cols>.data();
    else return W.values.data();
}

}  // namespace mote::kernels
