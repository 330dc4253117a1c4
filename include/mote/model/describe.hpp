#pragma once
// A Keras-like summary of a model, rendered without heap or iostream: the sink receives text
// chunks (a line at a time), e.g. a UART writer on a device or std::fputs on a host.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "mote/core/config.hpp"
#include "mote/core/shape.hpp"

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
    detail::Line note;
    note.put("arena ");
    note.put_uint(Net::arena_bytes);
    note.put(" B planned at compile time; input ");
    note.put_uint(Net::input_bytes);
    note.put(" B is the caller's buffer\n");
    sink(note.text);
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

}  // namespace mote
