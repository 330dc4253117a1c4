#pragma once
// Concatenation along one axis: a join of two or more tensors whose other two dimensions agree.
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/type_list.hpp"
#include "mote/kernels/reference/concat.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace detail {

// s with its extent along `axis` replaced by `extent`.
constexpr Shape with_extent(Shape s, Axis axis, int extent) {
    if (axis == Axis::height) s.h = extent;
    else if (axis == Axis::width) s.w = extent;
    else s.c = extent;
    return s;
}
constexpr int extent_of(Shape s, Axis axis) {
    return axis == Axis::height ? s.h : (axis == Axis::width ? s.w : s.c);
}

template <class InList, int Index, Axis A>
struct ConcatBound {
    static_assert(sizeof(InList) == 0,
                  "mote: Concatenate joins two or more tensors: use it after a Branch or Inputs<...>");
};

template <class A0, class... An, int Index, Axis A>
struct ConcatBound<type_list<A0, An...>, Index, A> : LayerFacts {
    using input = type_list<A0, An...>;
    static constexpr const char* name = "Concatenate";
    static constexpr int count = 1 + static_cast<int>(sizeof...(An));
    // Every input matches the first one except along the axis.
    static_assert((diagnostic::ShapeMismatch<Index, with_extent(An::shape, A, extent_of(A0::shape, A)),
                                             A0::shape>::ok && ...));
    static_assert((std::is_same_v<typename A0::value_type, typename An::value_type> && ...),
                  "mote: Concatenate inputs must share one element type");
    static_assert(((A0::quant == An::quant) && ...),
                  "mote: int8 Concatenate inputs must share one quantization");
    using T = typename A0::value_type;
    static constexpr int blocks[] = {reference::concat_block(A0::shape, A),
                                     reference::concat_block(An::shape, A)...};
    static constexpr int joined = (extent_of(A0::shape, A) + ... + extent_of(An::shape, A));
    using output = Tensor<with_extent(A0::shape, A, joined), T, A0::scale_bits, A0::quant.zero_point>;

    // run(in0, in1, ..., out, scratch)
    template <class... Args>
        requires(sizeof...(Args) == sizeof...(An) + 3)
    static void run(Args... args) {
        const auto all = std::tuple<Args...>{args...};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            const T* const inputs[] = {std::get<I>(all)...};
            reference::concat(inputs, blocks, count, reference::concat_outer(A0::shape, A),
                              std::get<sizeof...(I)>(all));
        }(std::make_index_sequence<sizeof...(An) + 1>{});
    }
};

}  // namespace detail

// Along channels by default (TFLite axis −1 or 3 on an NHWC tensor).
template <Axis A = Axis::channels>
struct Concatenate {
    template <class In, int Index>
    using bind = detail::ConcatBound<In, Index, A>;
};

}  // namespace mote
