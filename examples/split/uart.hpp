#pragma once
// Polled driver for the CMSDK APB UART0 of the MPS2 boards (QEMU mps2-an386: 0x40004000, wired
// to QEMU's first -serial chardev): DATA +0, STATE +4 (bit 0 TX full, bit 1 RX full), CTRL +8
// (bit 0 TX enable, bit 1 RX enable), BAUDDIV +16 (>= 16). The device talks to its "radio
// modem" through it, as a microcontroller would over a real UART.
#include <cstdint>

namespace split_example::uart {

inline volatile std::uint32_t* reg(std::uintptr_t offset) {
    return reinterpret_cast<volatile std::uint32_t*>(0x4000'4000u + offset);
}

inline void init() {
    *reg(16) = 217;            // 25 MHz / 217 ≈ 115200 baud (QEMU does not pace the line)
    *reg(8) = 0x1u | 0x2u;     // TX and RX enabled, no interrupts
}

inline void put(std::uint8_t b) {
    while (*reg(4) & 0x1u) {
    }
    *reg(0) = b;
}

inline bool ready() { return (*reg(4) & 0x2u) != 0; }

inline std::uint8_t get() {
    while (!ready()) {
    }
    return static_cast<std::uint8_t>(*reg(0));
}

}  // namespace split_example::uart
