#pragma once
// Memory-mapped System Control Space registers used by the board support (ARMv6-M, v7-M, v8-M;
// the configurable-fault and MPU registers exist on Mainline cores only: see core:: below).
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

// ---- what the core has: the one place board code learns it, from the compiler's macros ----
// v8-M (M23/M33/M55): the MSPLIM/PSPLIM stack-limit registers. A macro, as inline assembly
// depends on it.
#if defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__) || defined(__ARM_ARCH_8M_BASE__)
#define MOTE_BOARD_V8M 1
#else
#define MOTE_BOARD_V8M 0
#endif

namespace mote::board::core {
// v7-M and v8-M Mainline (M3/M4/M7/M33/M55): full Thumb-2, configurable faults (SHCSR enables,
// CFSR/HFSR/MMFAR/BFAR), CCR.DIV_0_TRP. Otherwise v6-M or v8-M Baseline (M0/M0+/M23): HardFault
// only, 16-bit Thumb plus a few 32-bit instructions, no divide trap; no VTOR on the Cortex-M0.
inline constexpr bool mainline = __ARM_ARCH_ISA_THUMB >= 2;
inline constexpr bool stack_limit = MOTE_BOARD_V8M;
// The stack guard: MSPLIM where the core has it, else an MPU region on v7-M. v6-M has none (the
// Cortex-M0 has no MPU; the M0+'s is optional): an overflow runs below RAM unguarded.
inline constexpr bool mpu_guard = mainline && !stack_limit;
}  // namespace mote::board::core

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
