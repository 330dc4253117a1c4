#pragma once
// Memory-mapped System Control Space registers used by the board support (ARMv7-M / v8-M).
#include <cstdint>

namespace mote::board::scs {

inline volatile std::uint32_t& reg(std::uintptr_t address) {
    return *reinterpret_cast<volatile std::uint32_t*>(address);
}
inline volatile std::uint32_t& ICSR() { return reg(0xE000'ED04); }
inline volatile std::uint32_t& CCR() { return reg(0xE000'ED14); }
inline volatile std::uint32_t& SHCSR() { return reg(0xE000'ED24); }
inline volatile std::uint32_t& CFSR() { return reg(0xE000'ED28); }
inline volatile std::uint32_t& HFSR() { return reg(0xE000'ED2C); }
inline volatile std::uint32_t& MMFAR() { return reg(0xE000'ED34); }
inline volatile std::uint32_t& BFAR() { return reg(0xE000'ED38); }
inline volatile std::uint32_t& CPACR() { return reg(0xE000'ED88); }
inline volatile std::uint32_t& MPU_CTRL() { return reg(0xE000'ED94); }
inline volatile std::uint32_t& MPU_RNR() { return reg(0xE000'ED98); }
inline volatile std::uint32_t& MPU_RBAR() { return reg(0xE000'ED9C); }
inline volatile std::uint32_t& MPU_RASR() { return reg(0xE000'EDA0); }   // v7-M
inline volatile std::uint32_t& SYST_CSR() { return reg(0xE000'E010); }
inline volatile std::uint32_t& SYST_RVR() { return reg(0xE000'E014); }
inline volatile std::uint32_t& SYST_CVR() { return reg(0xE000'E018); }

inline constexpr std::uint32_t ICSR_PENDSTSET = 1u << 26;
inline constexpr std::uint32_t ICSR_PENDSTCLR = 1u << 25;
inline constexpr std::uint32_t CCR_DIV_0_TRP = 1u << 4;
inline constexpr std::uint32_t CCR_STKOFHFNMIGN = 1u << 10;   // v8-M
inline constexpr std::uint32_t SHCSR_FAULTS = (1u << 16) | (1u << 17) | (1u << 18);

inline void dsb() { asm volatile("dsb" ::: "memory"); }
inline void isb() { asm volatile("isb" ::: "memory"); }
inline std::uintptr_t sp() {
    std::uintptr_t v;
    asm volatile("mov %0, sp" : "=r"(v));
    return v;
}

}  // namespace mote::board::scs

#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define MOTE_BOARD_V8M 1
#else
#define MOTE_BOARD_V8M 0
#endif

// Linker-script symbols (mote-sections.ld).
extern "C" {
extern std::uint32_t __mote_stack_bottom[], __mote_stack_top[];
extern std::uint32_t __mote_data_start[], __mote_data_end[], __mote_data_load[];
extern std::uint32_t __mote_bss_start[], __mote_bss_end[];
extern std::uint32_t __mote_guard_size[];
extern void (*__mote_init_array_start[])();
extern void (*__mote_init_array_end[])();
}

namespace mote::board {
inline constexpr std::uint32_t stack_paint = 0xA5A5'A5A5u;
}
