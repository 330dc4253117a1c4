#pragma once
// A model: the compiled step list, its compile-time facts and arena plan, and run().
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "mote/core/shape.hpp"
#include "mote/core/type_list.hpp"
#include "mote/model/graph.hpp"
#include "mote/model/plan.hpp"

namespace mote {

struct LayerInfo {
    const char* name;
    Shape output;
    std::uint64_t macs;
    std::size_t weight_bytes;  // flash
    std::size_t live_bytes;    // arena bytes in use while this layer runs
    bool alias;                // free at run time (a view of its input)
};

namespace detail {

inline constexpr std::size_t max_join_inputs = 8;

struct StepRow {
    int out;
    bool alias;
    std::size_t input_count;
    std::array<int, max_join_inputs> ins;
    std::size_t out_bytes;
    std::size_t scratch_bytes;
};

template <class S>
constexpr StepRow row_of() {
    using L = typename S::layer;
    static_assert(S::ins.size() <= max_join_inputs, "mote: a join takes at most 8 inputs");
    StepRow r{S::out, L::alias, S::ins.size(), {}, L::output::bytes, L::scratch_bytes};
    for (std::size_t k = 0; k < S::ins.size(); ++k) r.ins[k] = S::ins[k];
    return r;
}

template <class Vs>
struct only_value;
template <class V>
struct only_value<Values<V>> {
    using type = V;
};

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
struct Model {
    using compiled = typename with_output_in_arena<
        typename apply_all<typename initial_state<InputSpec>::type, Layers...>::type,
        static_cast<int>(initial_state<InputSpec>::tensors::size)>::type;
    using steps = typename compiled::steps;
    using input_tensors = typename initial_state<InputSpec>::tensors;

    static constexpr std::size_t layer_count = steps::size;
    static constexpr int buffer_count = compiled::next_buffer;
    static constexpr int input_count = static_cast<int>(input_tensors::size);
    template <std::size_t I>
    using input = type_at_t<I, input_tensors>;
    using output_value = typename only_value<typename compiled::current>::type;
    using output = typename output_value::tensor;
    static constexpr int output_buffer = output_value::buffer;

    static constexpr std::array<StepRow, layer_count> rows =
        []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<StepRow, layer_count>{row_of<type_at_t<I, steps>>()...};
        }(std::make_index_sequence<layer_count>{});

    // Items: one per buffer, then one scratch item per step.
    static constexpr std::size_t item_count = static_cast<std::size_t>(buffer_count) + layer_count;
    static constexpr std::array<plan::Item, item_count> items = [] {
        std::array<plan::Item, item_count> it{};
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
        for (int b = 0; b < input_count; ++b) it[static_cast<std::size_t>(b)].size = 0;
        it[static_cast<std::size_t>(output_buffer)].last = static_cast<int>(layer_count);
        return it;
    }();
    static constexpr plan::Placement<item_count> placement =
        plan::place(items, static_cast<int>(layer_count));

    static constexpr std::size_t arena_bytes = placement.bytes;
    static constexpr std::uint64_t macs = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::uint64_t{0} + ... + type_at_t<I, steps>::layer::macs);
    }(std::make_index_sequence<layer_count>{});
    static constexpr std::size_t weight_bytes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + type_at_t<I, steps>::layer::weight_bytes);
    }(std::make_index_sequence<layer_count>{});
    static constexpr std::size_t input_bytes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::size_t{0} + ... + type_at_t<I, input_tensors>::bytes);
    }(std::make_index_sequence<input_tensors::size>{});

    static constexpr std::size_t live_bytes_at(int step) {
        std::size_t live = 0;
        for (const plan::Item& i : items)
            if (i.size != 0 && i.first <= step && step <= i.last) live += plan::align_up(i.size);
        return live;
    }

    static constexpr std::array<LayerInfo, layer_count> layer_info() {
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<LayerInfo, layer_count>{LayerInfo{
                type_at_t<I, steps>::layer::name, type_at_t<I, steps>::layer::output::shape,
                type_at_t<I, steps>::layer::macs, type_at_t<I, steps>::layer::weight_bytes,
                live_bytes_at(static_cast<int>(I)), type_at_t<I, steps>::layer::alias}...};
        }(std::make_index_sequence<layer_count>{});
    }

    struct Arena {
        alignas(plan::alignment) std::byte bytes[arena_bytes > 0 ? arena_bytes : 1];
    };

    // Runs one inference. `inputs` are the model inputs in order (value_type pointers); the
    // result points into the arena and stays valid until the next run.
    template <class... In>
    static const typename output::value_type* run(Arena& arena, const In*... inputs) {
        static_assert(sizeof...(In) == static_cast<std::size_t>(input_count),
                      "mote: run() takes one pointer per model input");
        check_input_types<In...>(std::make_index_sequence<sizeof...(In)>{});
        const void* const external[] = {static_cast<const void*>(inputs)...};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (execute<I>(arena.bytes, external), ...);
        }(std::make_index_sequence<layer_count>{});
        return reinterpret_cast<const typename output::value_type*>(
            arena.bytes + placement.offset[static_cast<std::size_t>(output_buffer)]);
    }

    // Raw bytes in, raw bytes out: the inputs concatenated in model order (NHWC; int8 one byte
    // per element, float32 little-endian), which must be aligned for their element type.
    static void run_bytes(Arena& arena, const std::byte* inputs, std::byte* output_bytes) {
        const auto* out = [&]<std::size_t... I>(std::index_sequence<I...>) {
            std::size_t offset = 0;
            const void* ptrs[] = {(offset += type_at_t<I, input_tensors>::bytes,
                                   inputs + offset - type_at_t<I, input_tensors>::bytes)...};
            return run(arena, static_cast<const typename type_at_t<I, input_tensors>::value_type*>(
                                  ptrs[I])...);
        }(std::make_index_sequence<input_tensors::size>{});
        std::memcpy(output_bytes, out, output::bytes);
    }

private:
    template <class... In, std::size_t... I>
    static constexpr void check_input_types(std::index_sequence<I...>) {
        static_assert((std::is_same_v<In, typename input<I>::value_type> && ...),
                      "mote: run() input pointer types must match the model's input tensors");
    }

    template <class T>
    static const T* buffer(const std::byte* arena, const void* const* external, int id) {
        if (id < input_count) return static_cast<const T*>(external[id]);
        return reinterpret_cast<const T*>(arena + placement.offset[static_cast<std::size_t>(id)]);
    }

    template <std::size_t I>
    static void execute(std::byte* arena, const void* const* external) {
        using S = type_at_t<I, steps>;
        using L = typename S::layer;
        if constexpr (!L::alias) {
            auto* out = reinterpret_cast<typename L::output::value_type*>(
                arena + placement.offset[static_cast<std::size_t>(S::out)]);
            std::byte* scratch = arena + placement.offset[static_cast<std::size_t>(buffer_count) + I];
            [&]<std::size_t... K>(std::index_sequence<K...>) {
                L::run(buffer<typename layer_input<typename L::input, K>::type::value_type>(
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
    using type = Model<First, Rest...>;
};

}  // namespace detail

// A chain of layers. With an Input (or Inputs) first it is a model; otherwise a path.
template <class... Layers>
struct Sequential : detail::sequential_base<Layers...>::type {};

// Feeds one tensor to every path, then joins the paths' outputs in path order.
template <class Join, class... Paths>
struct Branch {};

}  // namespace mote
