#pragma once
// Type-level compilation of a model into a flat list of steps over numbered buffers.
//
// Buffers 0..inputs−1 are the model inputs (caller-owned). Every layer that computes gets a new
// buffer for its output; an alias layer (Reshape, Flatten) re-labels its input buffer. A Branch
// feeds the current tensor to each path in turn and hands the paths' outputs, in path order, to
// its join layer.
#include <array>
#include <cstddef>
#include <type_traits>

#include "mote/core/type_list.hpp"
#include "mote/layers/input.hpp"

namespace mote {

template <class... Layers>
struct Sequential;
template <class Join, class... Paths>
struct Branch;
struct Identity {};

namespace detail {

template <int Buffer, class Tensor>
struct Value {
    static constexpr int buffer = Buffer;
    using tensor = Tensor;
};
template <class... V>
struct Values {};

template <class Bound, int Out, int... Ins>
struct Step {
    using layer = Bound;
    static constexpr int out = Out;
    static constexpr std::array<int, sizeof...(Ins)> ins{Ins...};
};

// The compilation so far: the next free buffer id, the steps, and the current value(s).
template <int NextBuffer, class Steps, class Current>
struct Fold {
    static constexpr int next_buffer = NextBuffer;
    using steps = Steps;
    using current = Current;
};

template <class Layer, class S>
struct apply;

template <class Vs>
struct input_of;
template <>
struct input_of<Values<>> {
    using type = type_list<>;
};
template <class V>
struct input_of<Values<V>> {
    using type = typename V::tensor;
};
template <class V0, class V1, class... V>
struct input_of<Values<V0, V1, V...>> {
    using type = type_list<typename V0::tensor, typename V1::tensor, typename V::tensor...>;
};

template <class Bound, int NB, class Steps, class Vs>
struct append_step;
template <class Bound, int NB, class... Steps, class V0, class... V>
struct append_step<Bound, NB, type_list<Steps...>, Values<V0, V...>> {
    static constexpr int out = Bound::alias ? V0::buffer : NB;
    using type = Fold<Bound::alias ? NB : NB + 1,
                       type_list<Steps..., Step<Bound, out, V0::buffer, V::buffer...>>,
                       Values<Value<out, typename Bound::output>>>;
};

// --- one plain layer (the primary template); combinators specialize below -----------------
// The layer is bound twice: with its step index, which is what its checks name in a
// diagnostic, and index-free (-1) for the step itself, so that a layer bound to the same input
// is one type in every model it appears in (a model, its heads and tails) and its folded
// constants and code exist once. (A layer may answer an indexed bind with its checks alone.)
template <class Layer, class S>
struct apply {
    using in = typename input_of<typename S::current>::type;
    static_assert(sizeof(typename Layer::template bind<in, static_cast<int>(S::steps::size)>) > 0);
    using bound = typename Layer::template bind<in, -1>;
    using type = typename append_step<bound, S::next_buffer, typename S::steps,
                                      typename S::current>::type;
};

template <class S>
struct apply<Identity, S> {
    using type = S;
};

// --- Sequential: left fold ---------------------------------------------------------------
template <class S, class... Layers>
struct apply_all {
    using type = S;
};
template <class S, class L, class... Rest>
struct apply_all<S, L, Rest...> {
    using type = typename apply_all<typename apply<L, S>::type, Rest...>::type;
};

template <class... Layers, class S>
struct apply<Sequential<Layers...>, S> {
    using type = typename apply_all<S, Layers...>::type;
};

// --- Branch: every path from the same input, then the join ------------------------------
template <class S, class Input, class Outputs, class... Paths>
struct run_paths {
    using type = Fold<S::next_buffer, typename S::steps, Outputs>;
};
template <class S, class Input, class... Outs, class P, class... Rest>
struct run_paths<S, Input, Values<Outs...>, P, Rest...> {
    using after = typename apply<P, Fold<S::next_buffer, typename S::steps, Input>>::type;
    template <class Vs>
    struct single;
    template <class V>
    struct single<Values<V>> {
        using type = V;
    };
    using out = typename single<typename after::current>::type;
    using type = typename run_paths<after, Input, Values<Outs..., out>, Rest...>::type;
};

template <class Join, class... Paths, class S>
struct apply<Branch<Join, Paths...>, S> {
    static_assert(sizeof...(Paths) >= 2, "mote: a Branch needs at least two paths");
    using joined_inputs = typename run_paths<S, typename S::current, Values<>, Paths...>::type;
    using type = typename apply<Join, joined_inputs>::type;
};

// --- the model's inputs ------------------------------------------------------------------
template <class In>
struct initial_state;
template <Shape Sh, const auto& Q, class T>
struct initial_state<Input<Sh, Q, T>> {
    using type = Fold<1, type_list<>, Values<Value<0, typename Input<Sh, Q, T>::tensor>>>;
    using tensors = type_list<typename Input<Sh, Q, T>::tensor>;
};
template <class... In>
struct initial_state<Inputs<In...>> {
    template <std::size_t... I>
    static auto values(std::index_sequence<I...>)
        -> Values<Value<static_cast<int>(I), typename In::tensor>...>;
    using type = Fold<static_cast<int>(sizeof...(In)), type_list<>,
                       decltype(values(std::index_sequence_for<In...>{}))>;
    using tensors = type_list<typename In::tensor...>;
};

template <class T>
inline constexpr bool is_model_input = false;
template <Shape Sh, const auto& Q, class T>
inline constexpr bool is_model_input<Input<Sh, Q, T>> = true;
template <class... In>
inline constexpr bool is_model_input<Inputs<In...>> = true;

}  // namespace detail
}  // namespace mote
