#pragma once
// Small helpers for the bare-metal examples: fixed-point printing of a float (no printf) and
// the firmware's own flash/RAM use from the linker script's symbols (cmake/baremetal).
#include <cstddef>
#include <cstdint>

#include "mote_board.hpp"

extern "C" {
extern char __mote_data_start[], __mote_data_end[], __mote_bss_end[];
extern char __mote_data_load[], __mote_stack_bottom[], __mote_stack_top[];
}

namespace demo {

// A float as text with `decimals` digits after the point (print(..., Fixed{x, 3}, ...)).
class Fixed {
public:
    Fixed(float value, int decimals = 3) {
        std::size_t n = 0;
        if (value < 0.0f) {
            text_[n++] = '-';
            value = -value;
        }
        std::uint32_t scale = 1;
        for (int i = 0; i < decimals; ++i) scale *= 10u;
        const float scaled = value * static_cast<float>(scale) + 0.5f;
        if (!(scaled < 4.0e9f)) {   // too large (or NaN) for the 32-bit formatter
            for (const char* p = "(out of range)"; *p != '\0'; ++p) text_[n++] = *p;
            text_[n] = '\0';
            return;
        }
        const auto fixed = static_cast<std::uint32_t>(scaled);
        n = put(n, fixed / scale);
        if (decimals > 0) {
            text_[n++] = '.';
            std::uint32_t frac = fixed % scale;
            for (std::uint32_t d = scale / 10u; d > 0; d /= 10u) {
                text_[n++] = static_cast<char>('0' + frac / d);
                frac %= d;
            }
        }
        text_[n] = '\0';
    }
    operator const char*() const { return text_; }

private:
    std::size_t put(std::size_t n, std::uint32_t v) {
        char digits[10];
        int k = 0;
        do {
            digits[k++] = static_cast<char>('0' + v % 10u);
            v /= 10u;
        } while (v != 0);
        while (k > 0) text_[n++] = digits[--k];
        return n;
    }
    char text_[24] = {};
};

struct Memory {
    std::uintptr_t flash;        // image: everything up to the end of the .data load image
    std::uintptr_t ram_static;   // .data + .bss
    std::uintptr_t stack;        // reserved stack
};

inline Memory memory() {
    const auto a = [](const char* p) { return reinterpret_cast<std::uintptr_t>(p); };
    // Flash starts at address 0 on every supported board (vectors first).
    return {a(__mote_data_load) + (a(__mote_data_end) - a(__mote_data_start)),
            a(__mote_bss_end) - a(__mote_data_start), a(__mote_stack_top) - a(__mote_stack_bottom)};
}

}  // namespace demo

