#pragma once
// An element-wise function of one int8 value as the table of its 256 results (index q + 128),
// built at compile time from the reference kernel's scalar function: bit-exact by construction,
// one table load per element at run time instead of the fixed-point evaluation, for 256
// entries of flash per layer.
#include <array>
#include <cstddef>
#include <cstdint>

namespace mote::kernels {

template <class T>
using Int8Table = std::array<T, 256>;

template <class T, class F>
constexpr Int8Table<T> int8_table(F value_of) {
    Int8Table<T> t{};
    for (int q = -128; q <= 127; ++q) t[static_cast<std::size_t>(q + 128)] = value_of(static_cast<std::int8_t>(q));
    return t;
}

template <class T>
inline void lookup(const Int8Table<T>& table, const std::int8_t* in, T* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = table[static_cast<std::size_t>(in[i] + 128)];
}

}  // namespace mote::kernels
