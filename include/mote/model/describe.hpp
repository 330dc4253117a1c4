#pragma once
// A Keras-like summary of a model, rendered without heap or iostream: the sink receives text
// chunks (a line at a time), e.g. a UART writer on a device or std::fputs on a host.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "mote/core/config.hpp"
#include "mote/core/shape.hpp"
#include "mote/model/model.hpp"

namespace mote {
namespace detail {

struct Line {
    char text[128];
    std::size_t length = 0;

    void put(char c) {
        if (length + 1 < sizeof(text)) text[length++] = c;
        text[length] = '\0';
    }
    void put(const char* s) {
        while (*s) put(*s++);
    }
    void put_uint(std::uint64_t v) {
        char digits[24];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0) put(digits[--n]);
    }
    void pad_to(std::size_t column) {
        while (length < column) put(' ');
    }
    // Right-aligned in a field ending at `column`.
    void put_uint_right(std::uint64_t v, std::size_t column) {
        std::size_t width = 1;
        for (std::uint64_t t = v; t >= 10; t /= 10) ++width;
        pad_to(column > width ? column - width : 0);
        put_uint(v);
    }
    void put_shape(Shape s) {
        put_uint(static_cast<std::uint64_t>(s.h));
        put('x');
        put_uint(static_cast<std::uint64_t>(s.w));
        put('x');
        put_uint(static_cast<std::uint64_t>(s.c));
    }
};

}  // namespace detail

// A layer holding more than 5 % of the model's MACs that runs a reference kernel on a build
// with optimized kernels: describe() marks it; tests/golden and tests/target fail on it.
template <class Net, class Row>
constexpr bool costly_reference_layer(const Row& row) {
    return !config::reference_kernels && row.macs * 20 > Net::macs &&
           std::string_view(row.kernel) == "reference";
}

namespace detail {
// "RAM, <where the inputs are>[<inputs> + ]arena <A> + state <S> = <total> B"; inputs outside
// the arena are counted, those inside are part of it (inputs = 0).
template <class Sink>
void describe_ram(Sink& sink, const char* where, std::size_t inputs, std::size_t arena,
                  std::size_t state) {
    Line l;
    l.put("RAM, ");
    l.put(where);
    if (inputs != 0) {
        l.put_uint(inputs);
        l.put(" + ");
    }
    l.put("arena ");
    l.put_uint(arena);
    l.put(" + state ");
    l.put_uint(state);
    l.put(" = ");
    l.put_uint(inputs + arena + state);
    l.put(" B\n");
    sink(l.text);
}

template <std::size_t I, class Sink>
void describe_output(Sink& sink, Shape shape) {
    detail::Line l;
    l.put("output ");
    l.put_uint(I);
    l.pad_to(22);
    l.put_shape(shape);
    l.put('\n');
    sink(l.text);
}
}  // namespace detail

template <class Net, class Sink>
void describe(Sink&& sink) {
    detail::Line head;
    head.put("  #  layer            output             MACs   weights B   arena B  kernel\n");
    sink(head.text);
    static constexpr auto rows = Net::layer_info();  // in flash, not on the stack
    for (std::size_t i = 0; i < rows.size(); ++i) {
        detail::Line l;
        l.put_uint_right(i, 3);
        l.put("  ");
        l.put(rows[i].name);
        l.pad_to(22);
        l.put_shape(rows[i].output);
        l.put_uint_right(rows[i].macs, 44);
        l.put_uint_right(rows[i].weight_bytes, 54);
        l.put_uint_right(rows[i].live_bytes, 64);
        l.put("  ");
        l.put(rows[i].kernel);
        if (costly_reference_layer<Net>(rows[i])) l.put(" (slow: > 5 % of MACs)");
        if (rows[i].state_bytes != 0) {
            l.put("   state ");
            l.put_uint(rows[i].state_bytes);
        }
        l.put('\n');
        sink(l.text);
    }
    detail::Line total;
    total.put("total");
    total.pad_to(22);
    if constexpr (Net::output_count == 1) total.put_shape(Net::output::shape);
    else total.put("(outputs below)");
    total.put_uint_right(Net::macs, 44);
    total.put_uint_right(Net::weight_bytes, 54);
    total.put_uint_right(Net::arena_bytes, 64);
    total.put('\n');
    sink(total.text);
    if constexpr (Net::output_count > 1) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((detail::describe_output<I>(sink, Net::template output_at<I>::shape)), ...);
        }(std::make_index_sequence<Net::output_count>{});
    }
    detail::describe_ram(sink, "inputs in the caller's buffers: ", Net::input_bytes, Net::arena_bytes,
                         Net::state_bytes);
    detail::describe_ram(sink, "inputs in the arena (ArenaWithInputs): ", 0,
                         Net::arena_with_inputs_bytes, Net::state_bytes);
    detail::Line kernels;
    kernels.put("kernels: ");
    kernels.put(config::isa_name(config::isa));
    if (config::wide_weights) kernels.put(", int16 GEMM weights");
    kernels.put(" (this build)\n");
    sink(kernels.text);
    if constexpr (Net::stateful) {
        detail::Line st;
        st.put("state ");
        st.put_uint(Net::state_bytes);
        st.put(" B kept between runs (Net::State)\n");
        sink(st.text);
    }
}

// The arena plan step by step: for each layer, the buffers live while it runs and where they lie
// (offset+bytes), for one placement of the inputs. Buffers: in<k> a model input, v<n> the value
// a layer made (n counts the model's buffers), scratch the layer's own.
template <class Net, class Sink>
void describe_plan(Sink&& sink, InputPlace inputs = InputPlace::arena) {
    const bool in_arena = inputs == InputPlace::arena;
    const auto& items = in_arena ? Net::items_with_inputs : Net::items;
    const auto& placement = in_arena ? Net::placement_with_inputs : Net::placement;
    detail::Line head;
    head.put(in_arena ? "arena plan, inputs in the arena: " : "arena plan, inputs in the caller's buffers: ");
    head.put_uint(placement.bytes);
    head.put(" B\n");
    sink(head.text);
    static constexpr auto rows = Net::layer_info();
    constexpr auto model_inputs = static_cast<std::size_t>(Net::input_count);
    constexpr auto buffers = static_cast<std::size_t>(Net::buffer_count);
    for (std::size_t step = 0; step < rows.size(); ++step) {
        const int t = static_cast<int>(step);
        detail::Line l;
        l.put_uint_right(step, 3);
        l.put("  ");
        l.put(rows[step].name);
        l.pad_to(22);
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& it = items[i];
            if (it.size == 0 || t < it.first || it.last < t) continue;
            if (l.length > 100) {   // continue on a new line
                l.put('\n');
                sink(l.text);
                l = detail::Line{};
                l.pad_to(22);
            }
            if (i < model_inputs) {
                l.put("in");
                l.put_uint(i);
            } else if (i < buffers) {
                l.put('v');
                l.put_uint(i);
            } else {
                l.put("scratch");
            }
            l.put('@');
            l.put_uint(placement.offset[i]);
            l.put('+');
            l.put_uint(it.size);
            l.put(' ');
        }
        l.put('\n');
        sink(l.text);
    }
}

}  // namespace mote
