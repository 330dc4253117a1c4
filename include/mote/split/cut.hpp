#pragma once
// Cutting a model between two devices. A model's top-level layers are its units (a Branch is
// one unit). head<Net, K> runs units [0, K) and is a model of its own; tail<Net, K> takes the
// cut tensor as its input and runs units [K, n). Because both reuse Net's layer types unchanged,
// tail(head(x)) computes exactly what Net(x) does.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "mote/core/type_list.hpp"
#include "mote/model/model.hpp"

namespace mote {
namespace detail {

template <class Net>
struct units_of;
template <class In, class... Layers>
struct units_of<Sequential<In, Layers...>> {
    using input = In;
    using layers = type_list<Layers...>;
};

template <class In, class List>
struct sequential_from;
template <class In, class... Layers>
struct sequential_from<In, type_list<Layers...>> {
    using type = Sequential<In, Layers...>;
};

// The tail's input: the cut tensor's shape and quantization. Tensor<...>::quant is a static data
// member, so it may be named as a template argument.
template <class T>
struct input_for {
    using type = Input<T::shape, T::quant, typename T::value_type>;
};
template <class T>
    requires FloatTensorType<T>
struct input_for<T> {
    using type = Input<T::shape, float32>;
};

}  // namespace detail

// A Sequential model can be cut between its top-level units; a Graph cannot (yet).
template <class Net>
concept cuttable = requires { typename detail::units_of<Net>::layers; };

template <class Net>
inline constexpr std::size_t unit_count = detail::units_of<Net>::layers::size;

template <class Net, std::size_t K>
    requires(K >= 1 && K <= unit_count<Net>)
using head = typename detail::sequential_from<typename detail::units_of<Net>::input,
                                              slice_t<typename detail::units_of<Net>::layers, 0, K>>::type;

template <class Net, std::size_t K>
    requires(K >= 1 && K < unit_count<Net>)
using tail = typename detail::sequential_from<
    typename detail::input_for<typename head<Net, K>::output>::type,
    slice_t<typename detail::units_of<Net>::layers, K, unit_count<Net>>>::type;

// What each cut costs, for every K in [0, n]: K = 0 sends the raw input, K = n the result.
struct CutInfo {
    std::size_t cut;             // units on the device
    std::uint64_t device_macs;   // head MACs
    std::size_t device_arena;    // head arena bytes (the input buffer is the caller's)
    std::size_t device_weights;  // head weight bytes (flash)
    std::size_t cut_bytes;       // bytes of the tensor that crosses the link
    Shape cut_shape;
    std::uint64_t server_macs;   // tail MACs
};

template <class Net>
constexpr std::array<CutInfo, unit_count<Net> + 1> cut_table() {
    constexpr std::size_t n = unit_count<Net>;
    std::array<CutInfo, n + 1> rows{};
    rows[0] = {0, 0, 0, 0, Net::input_bytes, Net::template input<0>::shape, Net::macs};
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((rows[K + 1] = CutInfo{K + 1, head<Net, K + 1>::macs, head<Net, K + 1>::arena_bytes,
                                head<Net, K + 1>::weight_bytes, head<Net, K + 1>::output::bytes,
                                head<Net, K + 1>::output::shape,
                                Net::macs - head<Net, K + 1>::macs}),
         ...);
    }(std::make_index_sequence<n>{});
    return rows;
}

}  // namespace mote
