#pragma once
// A model: the compiled step list, its compile-time facts, arena plan and state layout, and run().
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mote/core/shape.hpp"
#include "mote/core/type_list.hpp"
#include "mote/layers/layer.hpp"
#include "mote/model/dataflow.hpp"
#include "mote/model/graph.hpp"
#include "mote/model/plan.hpp"
#include "mote/model/state.hpp"

namespace mote {

// Where a model's inputs live: in the caller's buffers (Net::Arena, run(arena, inputs...)) or
// in the arena (Net::ArenaWithInputs, written at input_buffer<I>(arena)), which needs less RAM
// in all: the input's bytes are reused once it is read.
enum class InputPlace { caller, arena };

struct LayerInfo {
    const char* name;
    Shape output;
    std::uint64_t macs;
    std::size_t weight_bytes;  // flash
    std::size_t live_bytes;    // arena bytes in use while this layer runs
    std::size_t state_bytes;   // bytes it keeps between runs (Net::State)
    bool alias;                // free at run time (a view of its input)
    const char* kernel;        // the code path it runs on this build ("view" for an alias)
};

// What Net::run_observed calls around each step: begin(i) before layer i runs, end(i) after it
// (layer i of layer_info(); an alias layer runs nothing). E.g. per-layer instruction counts on a
// device (examples/baremetal/stream_demo.cpp).
template <class O>
concept LayerObserver = requires(O& o, std::size_t layer) {
    o.begin(layer);
    o.end(layer);
};

namespace detail {
struct NoObserver {
    static void begin(std::size_t) {}
    static void end(std::size_t) {}
};
}  // namespace detail

// Net::output of a model with several outputs: name them with Net::output_at<I>.
struct SeveralOutputs;

namespace detail {

inline constexpr std::size_t max_join_inputs = 8;

struct StepRow {
    int out;
    bool alias;
    bool in_place;
    std::size_t input_count;
    std::array<int, max_join_inputs> ins;
    std::size_t out_bytes;
    std::size_t scratch_bytes;
};

template <class S>
constexpr StepRow row_of() {
    using L = typename S::layer;
    static_assert(S::ins.size() <= max_join_inputs, "mote: a join takes at most 8 inputs");
    StepRow r{S::out, L::alias, L::in_place, S::ins.size(), {}, L::output::bytes, L::scratch_bytes};
    for (std::size_t k = 0; k < S::ins.size(); ++k) r.ins[k] = S::ins[k];
    return r;
}

// Input K of a bound layer: its `input` tensor, or element K of its input list (joins).
template <class In, std::size_t K>
struct layer_input {
    using type = In;
};
template <class... T, std::size_t K>
struct layer_input<type_list<T...>, K> {
    using type = type_at_t<K, type_list<T...>>;
};

// Appended when a model's output would be one of its inputs (a model that only reshapes): the
// result must live in the arena, so it is copied there.
struct CopyToArena {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        using output = In;
        static constexpr const char* name = "Copy";
        static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) {
            std::memcpy(out, in, In::bytes);
        }
    };
};

template <class V>
struct only_value;
template <class V>
struct only_value<Values<V>> {
    using type = V;
};

template <class S, int InputCount>
struct with_output_in_arena {
    using type = S;
};
template <class S, int InputCount>
    requires(only_value<typename S::current>::type::buffer < InputCount)
struct with_output_in_arena<S, InputCount> {
    using type = typename apply<CopyToArena, S>::type;
};

template <class InputSpec, class... Layers>
struct compile_sequential {
    using start = initial_state<InputSpec>;
    using folded = typename with_output_in_arena<
        typename apply_all<typename start::type, Layers...>::type,
        static_cast<int>(start::tensors::size)>::type;
    using input_tensors = typename start::tensors;
    using steps = typename folded::steps;
    static constexpr int buffer_count = folded::next_buffer;
    using output_values = type_list<typename only_value<typename folded::current>::type>;
};

template <class Values>
struct tensors_of;
template <class... V>
struct tensors_of<type_list<V...>> {
    using type = type_list<typename V::tensor...>;
};

// What run() returns: the output pointer, or a tuple of them (subgraph-output order).
template <class Tensors>
struct result_of;
template <class T>
struct result_of<type_list<T>> {
    using type = const typename T::value_type*;
};
template <class T0, class T1, class... T>
struct result_of<type_list<T0, T1, T...>> {
    using type = std::tuple<const typename T0::value_type*, const typename T1::value_type*,
                            const typename T::value_type*...>;
};

// C: the compiled form (compile_sequential or compile_graph): input_tensors, steps,
// buffer_count, output_values.
template <class C>
struct Model {
    using steps = typename C::steps;
    using input_tensors = typename C::input_tensors;
    using output_values = typename C::output_values;
    using output_tensors = typename tensors_of<output_values>::type;

    static constexpr std::size_t layer_count = steps::size;
    static constexpr int buffer_count = C::buffer_count;
    static constexpr int input_count = static_cast<int>(input_tensors::size);
    static constexpr std::size_t output_count = output_values::size;
    template <std::size_t I>
    using input = type_at_t<I, input_tensors>;
    template <std::size_t I>
    using output_at = type_at_t<I, output_tensors>;
    using output = std::conditional_t<output_count == 1, type_at_t<0, output_tensors>, SeveralOutputs>;
    using result = typename result_of<output_tensors>::type;

    static constexpr std::array<int, output_count> output_buffers =
        []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<int, output_count>{type_at_t<I, output_values>::buffer...};
        }(std::make_index_sequence<output_count>{});
    static_assert([] {
        for (int b : output_buffers)
            if (b < input_count) return false;
        return true;
    }(), "mote: a model output must be computed by a layer, not be one of the model's inputs");

    static constexpr std::array<StepRow, layer_count> rows =
        []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<StepRow, layer_count>{row_of<type_at_t<I, steps>>()...};
        }(std::make_index_sequence<layer_count>{});

    // Items: one per buffer, then one scratch item per step. The model inputs are the first
    // buffers: outside the arena (the caller's), or in it from before step 0 until their last
    // reader, after which their bytes are reused. An in-place layer's output joins the item of
    // an input it may overwrite (plan::Items::home).
    static constexpr std::size_t item_count = static_cast<std::size_t>(buffer_count) + layer_count;
    static constexpr auto items_of = [](InputPlace inputs) {
        plan::Items<item_count> p{};
        auto& it = p.items;
        for (std::size_t s = 0; s < layer_count; ++s) {
            const StepRow& r = rows[s];
            for (std::size_t k = 0; k < r.input_count; ++k) {
                plan::Item& in = it[static_cast<std::size_t>(r.ins[k])];
                in.last = static_cast<int>(s) > in.last ? static_cast<int>(s) : in.last;
            }
            if (!r.alias) {
                plan::Item& out = it[static_cast<std::size_t>(r.out)];
                out.size = r.out_bytes;
                out.first = static_cast<int>(s);
                out.last = out.last > static_cast<int>(s) ? out.last : static_cast<int>(s);
            }
            plan::Item& scratch = it[static_cast<std::size_t>(buffer_count) + s];
            scratch = {r.scratch_bytes, static_cast<int>(s), static_cast<int>(s)};
        }
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((it[I].size = inputs == InputPlace::arena ? type_at_t<I, input_tensors>::bytes : 0), ...);
        }(std::make_index_sequence<input_tensors::size>{});
        for (int b : output_buffers) it[static_cast<std::size_t>(b)].last = static_cast<int>(layer_count);
        for (std::size_t i = 0; i < item_count; ++i) p.home[i] = i;
        for (std::size_t s = 0; s < layer_count; ++s) {
            const StepRow& r = rows[s];
            if (!r.in_place) continue;
            for (std::size_t k = 0; k < r.input_count; ++k)
                if (plan::share_in_place(p, static_cast<std::size_t>(r.ins[k]),
                                         static_cast<std::size_t>(r.out), static_cast<int>(s)))
                    break;
        }
        return p;
    };
    static constexpr plan::Items<item_count> plan_items = items_of(InputPlace::caller);
    static constexpr const std::array<plan::Item, item_count>& items = plan_items.items;
    static constexpr plan::Placement<item_count> alternating_placement =
        plan::place_alternating(items, static_cast<int>(layer_count));
    static constexpr plan::Placement<item_count> greedy_placement = plan::place_greedy(items);
    static constexpr plan::Placement<item_count> placement = plan::with_homes(
        plan::smaller(alternating_placement, greedy_placement), plan_items.home);
    static_assert(plan::disjoint(items, placement), "mote: arena plan overlaps live buffers");

    static constexpr plan::Items<item_count> plan_items_with_inputs = items_of(InputPlace::arena);
    static constexpr const std::array<plan::Item, item_count>& items_with_inputs =
        plan_items_with_inputs.items;
    static constexpr plan::Placement<item_count> alternating_placement_with_inputs =
        plan::place_alternating(items_with_inputs, static_cast<int>(layer_count));
    static constexpr plan::Placement<item_count> greedy_placement_with_inputs =
        plan::place_greedy(items_with_inputs);
    static constexpr plan::Placement<item_count> placement_with_inputs = plan::with_homes(
        plan::smaller(alternating_placement_with_inputs, greedy_placement_with_inputs),
        plan_items_with_inputs.home);
    static_assert(plan::disjoint(items_with_inputs, placement_with_inputs),
                  "mote: arena plan overlaps live buffers");

    static constexpr std::size_t arena_bytes = placement.bytes;
    static constexpr std::size_t arena_with_inputs_bytes = placement_with_inputs.bytes;
    static constexpr std::uint64_t macs = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::uint64_t{0} + ... + type_at_t<I, steps>::layer::macs);
    }(std::make_index_sequence<layer_count>{});
    static constexpr std::size_t weight_bytes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + type_at_t<I, steps>::layer::weight_bytes);
    }(std::make_index_sequence<layer_count>{});
    static constexpr std::size_t input_bytes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + type_at_t<I, input_tensors>::bytes);
    }(std::make_index_sequence<input_tensors::size>{});
    static constexpr std::size_t output_bytes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + type_at_t<I, output_tensors>::bytes);
    }(std::make_index_sequence<output_count>{});

    // --- state: planned apart from the arena, kept between runs ------------------------------
    template <std::size_t I>
    static constexpr std::size_t state_owner() {
        using Key = typename type_at_t<I, steps>::layer::state_key;
        if constexpr (std::is_void_v<Key>) {
            return I;
        } else {
            return []<std::size_t... J>(std::index_sequence<J...>) {
                std::size_t owner = I;
                ((owner = owner == I && std::is_same_v<Key, typename type_at_t<J, steps>::layer::state_key> ? J : owner), ...);
                return owner;
            }(std::make_index_sequence<I>{});
        }
    }
    static constexpr std::array<state::Slot, layer_count> state_slots =
        []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<state::Slot, layer_count>{
                state::Slot{type_at_t<I, steps>::layer::state_bytes, state_owner<I>()}...};
        }(std::make_index_sequence<layer_count>{});
    static_assert(state::shared_sizes_agree(state_slots),
                  "mote: layers sharing a state_key (one resource variable) disagree on its size");
    static constexpr state::Layout<layer_count> state_layout = state::lay_out(state_slots);
    static constexpr std::size_t state_bytes = state_layout.bytes;
    static constexpr bool stateful = state_bytes > 0;

    template <std::size_t I>
    static constexpr void init_state_of(std::byte* s) {
        using L = typename type_at_t<I, steps>::layer;
        if constexpr (L::state_bytes > 0)
            if (state_layout.owner[I]) L::init_state(s + state_layout.offset[I]);
    }
    // The state before the first run, as constexpr data (each owning layer's init_state).
    static constexpr std::array<std::byte, stateful ? state_bytes : 1> initial_state = [] {
        std::array<std::byte, stateful ? state_bytes : 1> s{};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (init_state_of<I>(s.data()), ...);
        }(std::make_index_sequence<layer_count>{});
        return s;
    }();

    // A fresh State holds the initial value; reset() restores it.
    struct State {
        alignas(plan::alignment) std::array<std::byte, stateful ? state_bytes : 1> bytes = initial_state;
    };
    static void reset(State& state) { state.bytes = initial_state; }

    static constexpr std::size_t live_bytes_at(int step) { return plan::live_bytes(items, step); }

    static constexpr std::array<LayerInfo, layer_count> layer_info() {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<LayerInfo, layer_count>{LayerInfo{
                type_at_t<I, steps>::layer::name, type_at_t<I, steps>::layer::output::shape,
                type_at_t<I, steps>::layer::macs, type_at_t<I, steps>::layer::weight_bytes,
                live_bytes_at(static_cast<int>(I)), type_at_t<I, steps>::layer::state_bytes,
                type_at_t<I, steps>::layer::alias,
                type_at_t<I, steps>::layer::alias ? "view" : type_at_t<I, steps>::layer::kernel}...};
        }(std::make_index_sequence<layer_count>{});
    }

    // The arena for inputs in the caller's buffers (run(arena, inputs...)).
    struct Arena {
        alignas(plan::alignment) std::byte bytes[arena_bytes > 0 ? arena_bytes : 1];
    };
    // The arena that also holds the inputs: write input I at input_buffer<I>(arena), then
    // run(arena). Those bytes are reused once the input is read, so write it before every run.
    struct ArenaWithInputs {
        alignas(plan::alignment) std::byte bytes[arena_with_inputs_bytes > 0 ? arena_with_inputs_bytes : 1];
    };
    template <std::size_t I = 0>
    static typename input<I>::value_type* input_buffer(ArenaWithInputs& arena) {
        return reinterpret_cast<typename input<I>::value_type*>(arena.bytes + placement_with_inputs.offset[I]);
    }

    // Runs one inference of a stateless model. `inputs` are the model inputs in order
    // (value_type pointers); the result (one pointer per output) points into the arena and
    // stays valid until the next run.
    template <class... In>
    static result run(Arena& arena, const In*... inputs) {
        static_assert(!stateful,
                      "mote: this model keeps state between runs (Net::State): call "
                      "Net::run(arena, state, inputs...)");
        detail::NoObserver none;
        return run_steps<placement, In...>(none, arena.bytes, nullptr, inputs...);
    }

    // Runs one inference of a stateful model, reading and updating `state`.
    template <class... In>
        requires stateful
    static result run(Arena& arena, State& state, const In*... inputs) {
        detail::NoObserver none;
        return run_steps<placement, In...>(none, arena.bytes, state.bytes.data(), inputs...);
    }

    // The same on inputs written to input_buffer<I>(arena).
    static result run(ArenaWithInputs& arena) {
        static_assert(!stateful,
                      "mote: this model keeps state between runs (Net::State): call "
                      "Net::run(arena, state)");
        detail::NoObserver none;
        return run_in_arena(none, arena, nullptr);
    }
    static result run(ArenaWithInputs& arena, State& state)
        requires stateful
    {
        detail::NoObserver none;
        return run_in_arena(none, arena, state.bytes.data());
    }

    // run(), with observer.begin(i) / observer.end(i) around each layer i.
    template <LayerObserver O, class... In>
    static result run_observed(O& observer, Arena& arena, const In*... inputs) {
        static_assert(!stateful, "mote: this model keeps state: call run_observed(observer, arena, state, ...)");
        return run_steps<placement, In...>(observer, arena.bytes, nullptr, inputs...);
    }
    template <LayerObserver O, class... In>
        requires stateful
    static result run_observed(O& observer, Arena& arena, State& state, const In*... inputs) {
        return run_steps<placement, In...>(observer, arena.bytes, state.bytes.data(), inputs...);
    }
    template <LayerObserver O>
    static result run_observed(O& observer, ArenaWithInputs& arena) {
        static_assert(!stateful, "mote: this model keeps state: call run_observed(observer, arena, state)");
        return run_in_arena(observer, arena, nullptr);
    }
    template <LayerObserver O>
        requires stateful
    static result run_observed(O& observer, ArenaWithInputs& arena, State& state) {
        return run_in_arena(observer, arena, state.bytes.data());
    }

    // Raw bytes in, raw bytes out: the inputs concatenated in model order (NHWC, little-endian),
    // which must be aligned for their element types; the outputs written back to back.
    static void run_bytes(Arena& arena, const std::byte* inputs, std::byte* outputs) {
        static_assert(!stateful, "mote: this model keeps state: call run_bytes(arena, state, in, out)");
        run_bytes_with(arena.bytes, nullptr, inputs, outputs);
    }
    static void run_bytes(Arena& arena, State& state, const std::byte* inputs, std::byte* outputs)
        requires stateful
    {
        run_bytes_with(arena.bytes, state.bytes.data(), inputs, outputs);
    }

private:
    template <class... In, std::size_t... I>
    static constexpr void check_input_types(std::index_sequence<I...>) {
        static_assert((std::is_same_v<In, typename input<I>::value_type> && ...),
                      "mote: run() input pointer types must match the model's input tensors");
    }

    template <class O>
    static result run_in_arena(O& observer, ArenaWithInputs& arena, std::byte* state) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return run_steps<placement_with_inputs>(observer, arena.bytes, state,
                                                    input_buffer<I>(arena)...);
        }(std::make_index_sequence<input_tensors::size>{});
    }

    template <const auto& P, class... In, class O>
    static result run_steps(O& observer, std::byte* arena, std::byte* state, const In*... inputs) {
        static_assert(sizeof...(In) == static_cast<std::size_t>(input_count),
                      "mote: run() takes one pointer per model input");
        check_input_types<In...>(std::make_index_sequence<sizeof...(In)>{});
        const void* const external[] = {static_cast<const void*>(inputs)...};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((observer.begin(I), execute<P, I>(arena, state, external), observer.end(I)), ...);
        }(std::make_index_sequence<layer_count>{});
        return [&]<std::size_t... I>(std::index_sequence<I...>) -> result {
            return result{output_pointer<P, I>(arena)...};
        }(std::make_index_sequence<output_count>{});
    }

    static void run_bytes_with(std::byte* arena, std::byte* state, const std::byte* inputs,
                               std::byte* outputs) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::size_t offset = 0;
            const void* ptrs[] = {(offset += type_at_t<I, input_tensors>::bytes,
                                   inputs + offset - type_at_t<I, input_tensors>::bytes)...};
            detail::NoObserver none;
            run_steps<placement>(none, arena, state,
                      static_cast<const typename type_at_t<I, input_tensors>::value_type*>(ptrs[I])...);
        }(std::make_index_sequence<input_tensors::size>{});
        std::size_t offset = 0;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((std::memcpy(outputs + offset, output_pointer<placement, I>(arena), output_at<I>::bytes),
              offset += output_at<I>::bytes),
             ...);
        }(std::make_index_sequence<output_count>{});
    }

    template <const auto& P, std::size_t I>
    static const typename output_at<I>::value_type* output_pointer(const std::byte* arena) {
        return reinterpret_cast<const typename output_at<I>::value_type*>(
            arena + P.offset[static_cast<std::size_t>(output_buffers[I])]);
    }

    template <const auto& P, class T>
    static const T* buffer(const std::byte* arena, const void* const* external, int id) {
        if (id < input_count) return static_cast<const T*>(external[id]);
        return reinterpret_cast<const T*>(arena + P.offset[static_cast<std::size_t>(id)]);
    }

    template <const auto& P, std::size_t I>
    static void execute(std::byte* arena, std::byte* state, const void* const* external) {
        using S = type_at_t<I, steps>;
        using L = typename S::layer;
        if constexpr (!L::alias) {
            auto* out = reinterpret_cast<typename L::output::value_type*>(
                arena + P.offset[static_cast<std::size_t>(S::out)]);
            std::byte* scratch = arena + P.offset[static_cast<std::size_t>(buffer_count) + I];
            [&]<std::size_t... K>(std::index_sequence<K...>) {
                if constexpr (L::state_bytes > 0)
                    L::run(buffer<P, typename layer_input<typename L::input, K>::type::value_type>(
                               arena, external, S::ins[K])...,
                           out, scratch, state + state_layout.offset[I]);
                else
                    L::run(buffer<P, typename layer_input<typename L::input, K>::type::value_type>(
                               arena, external, S::ins[K])...,
                           out, scratch);
            }(std::make_index_sequence<S::ins.size()>{});
        }
    }
};

struct PathTag {};

template <class... Layers>
struct sequential_base {
    using type = PathTag;
};
template <class First, class... Rest>
    requires is_model_input<First>
struct sequential_base<First, Rest...> {
    using type = Model<compile_sequential<First, Rest...>>;
};

}  // namespace detail

// A chain of layers. With an Input (or Inputs) first it is a model; otherwise a path.
template <class... Layers>
struct Sequential : detail::sequential_base<Layers...>::type {};

// Feeds one tensor to every path, then joins the paths' outputs in path order.
template <class Join, class... Paths>
struct Branch {};

// A model as an explicit dataflow graph: Graph<Input<...> or Inputs<...>, Node<...>...,
// Outputs<...>> (model/dataflow.hpp). For what a Sequential of Branches cannot say: several
// outputs, values used far from where they are made, sources such as ReadVariable.
template <class InputSpec, class... Parts>
struct Graph : detail::Model<detail::compile_graph<InputSpec, type_list<Parts...>>> {};

}  // namespace mote
