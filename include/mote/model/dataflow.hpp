#pragma once
// Type-level compilation of an explicit dataflow graph (mote::Graph) into the same step list a
// Sequential compiles to. Values are numbered: 0..inputs−1 are the model inputs, and node k's
// output is value inputs + k. A node names the values it reads; Outputs names the model outputs.
#include <cstddef>
#include <utility>

#include "mote/core/type_list.hpp"
#include "mote/model/graph.hpp"

namespace mote {

// One operation of a Graph: Layer applied to the values In... (none for a source such as
// ReadVariable).
template <class Layer, int... In>
struct Node {};

// The model outputs of a Graph, as value indices, in order.
template <int... V>
struct Outputs {};

namespace detail {

template <int NextBuffer, class Steps, class ValueList>
struct GraphFold {
    static constexpr int next_buffer = NextBuffer;
    using steps = Steps;
    using values = ValueList;  // type_list<Value...>, indexed by value number
};

template <class F, class N>
struct add_node;
template <int NB, class... Steps, class... Vals, class L, int... In>
struct add_node<GraphFold<NB, type_list<Steps...>, type_list<Vals...>>, Node<L, In...>> {
    static_assert(((In >= 0 && In < static_cast<int>(sizeof...(Vals))) && ...),
                  "mote: a Graph node reads a value that is not defined before it");
    using vals = type_list<Vals...>;
    using reads = Values<type_at_t<static_cast<std::size_t>(In), vals>...>;
    using in = typename input_of<reads>::type;
    static constexpr int index = static_cast<int>(sizeof...(Steps));
    static_assert(sizeof(typename L::template bind<in, index>) > 0);
    using bound = typename L::template bind<in, -1>;
    static constexpr int out = [] {
        if constexpr (bound::alias) return type_at_t<0, type_list<type_at_t<static_cast<std::size_t>(In), vals>...>>::buffer;
        else return NB;
    }();
    using type = GraphFold<bound::alias ? NB : NB + 1,
                           type_list<Steps..., Step<bound, out, type_at_t<static_cast<std::size_t>(In), vals>::buffer...>>,
                           type_list<Vals..., Value<out, typename bound::output>>>;
};

template <class F, class... Nodes>
struct add_nodes {
    using type = F;
};
template <class F, class N, class... Rest>
struct add_nodes<F, N, Rest...> {
    using type = typename add_nodes<typename add_node<F, N>::type, Rest...>::type;
};

template <class F, class O>
struct pick_outputs;
template <class F, int... V>
struct pick_outputs<F, Outputs<V...>> {
    static_assert(sizeof...(V) >= 1, "mote: a Graph needs at least one output");
    static_assert(((V >= 0 && V < static_cast<int>(F::values::size)) && ...),
                  "mote: a Graph output names a value that does not exist");
    using type = type_list<type_at_t<static_cast<std::size_t>(V), typename F::values>...>;
};

template <class Vs>
struct as_list;
template <class... V>
struct as_list<Values<V...>> {
    using type = type_list<V...>;
};

template <class InputSpec, class Parts>
struct compile_graph;
template <class InputSpec, class... Parts>
struct compile_graph<InputSpec, type_list<Parts...>> {
    static_assert(is_model_input<InputSpec>,
                  "mote: a Graph starts with its Input<...> or Inputs<...>");
    static_assert(sizeof...(Parts) >= 2, "mote: a Graph needs nodes and then Outputs<...>");
    using parts = type_list<Parts...>;
    using start = initial_state<InputSpec>;
    using first = typename start::type;
    template <class Seq>
    struct fold_nodes;
    template <std::size_t... I>
    struct fold_nodes<std::index_sequence<I...>> {
        using type = typename add_nodes<
            GraphFold<first::next_buffer, type_list<>, typename as_list<typename first::current>::type>,
            type_at_t<I, parts>...>::type;
    };
    using folded = typename fold_nodes<std::make_index_sequence<sizeof...(Parts) - 1>>::type;

    using input_tensors = typename start::tensors;
    using steps = typename folded::steps;
    static constexpr int buffer_count = folded::next_buffer;
    using output_values = typename pick_outputs<folded, type_at_t<sizeof...(Parts) - 1, parts>>::type;
};

}  // namespace detail
}  // namespace mote
