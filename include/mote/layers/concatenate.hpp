#pragma once
// Concatenation along channels: a join of two or more tensors with equal height and width.
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/type_list.hpp"
#include "mote/kernels/reference/concat.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace detail {

template <class InList, int Index>
struct ConcatBound {
    static_assert(sizeof(InList) == 0,
                  "mote: Concatenate joins two or more tensors: use it after a Branch or Inputs<...>");
};

template <class A0, class... An, int Index>
struct ConcatBound<type_list<A0, An...>, Index> : LayerFacts {
    using input = type_list<A0, An...>;
    static constexpr const char* name = "Concatenate";
    static constexpr int count = 1 + static_cast<int>(sizeof...(An));
    static_assert((diagnostic::ShapeMismatch<Index, Shape{An::shape.h, An::shape.w, A0::shape.c},
                                             A0::shape>::ok && ...));
    static_assert((std::is_same_v<typename A0::value_type, typename An::value_type> && ...),
                  "mote: Concatenate inputs must share one element type");
    static_assert(((A0::quant == An::quant) && ...),
                  "mote: int8 Concatenate inputs must share one quantization");
    using T = typename A0::value_type;
    static constexpr int channels[] = {A0::shape.c, An::shape.c...};
    using output = Tensor<Shape{A0::shape.h, A0::shape.w, (A0::shape.c + ... + An::shape.c)}, T,
                          A0::scale_bits, A0::quant.zero_point>;

    // run(in0, in1, ..., out, scratch)
    template <class... Args>
        requires(sizeof...(Args) == sizeof...(An) + 3)
    static void run(Args... args) {
        const auto all = std::tuple<Args...>{args...};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            const T* const inputs[] = {std::get<I>(all)...};
            reference::concat_channels(inputs, channels, count, A0::shape.h * A0::shape.w,
                                       std::get<sizeof...(I)>(all));
        }(std::make_index_sequence<sizeof...(An) + 1>{});
    }
};

}  // namespace detail

struct Concatenate {
    template <class In, int Index>
    using bind = detail::ConcatBound<In, Index>;
};

}  // namespace mote
