// Reset, vector table and fault reporting for mote firmware.
#include <cstdint>

#include "cortex_m.hpp"
#include "mote_board.hpp"

int main();

namespace {
using namespace mote::board;

// Loops written out by hand: at -Os GCC would turn them into memcpy/memset calls.
#define MOTE_NO_LIBCALLS [[gnu::optimize("no-tree-loop-distribute-patterns")]]

MOTE_NO_LIBCALLS inline void copy_words(std::uint32_t* dst, const std::uint32_t* src,
                                        std::uint32_t* end) {
    while (dst < end) *dst++ = *src++;
}
MOTE_NO_LIBCALLS inline void fill_words(std::uint32_t* dst, std::uint32_t* end, std::uint32_t v) {
    while (dst < end) *dst++ = v;
}

void enable_fpu() {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
    scs::CPACR() |= (0xFu << 20);   // CP10, CP11: full access (FPU and, on v8.1-M, Helium)
    scs::dsb();
    scs::isb();
#endif
}

// Stack guard: an overflow must fault, not scribble on whatever lies below the stack.
void arm_stack_guard() {
#if MOTE_BOARD_V8M
    // v8-M: the stack-limit register makes any push below the bottom a UsageFault (STKOF).
    asm volatile("msr msplim, %0" ::"r"(__mote_stack_bottom));
    asm volatile("msr psplim, %0" ::"r"(__mote_stack_bottom));
#endif
    if constexpr (core::mpu_guard) {
        // v7-M: MPU region 0 = no access, execute never, right below the stack (which starts at
        // ORIGIN(RAM)); PRIVDEFENA keeps the default map everywhere else.
        const auto guard = reinterpret_cast<std::uint32_t>(__mote_guard_size);
        const auto base = reinterpret_cast<std::uint32_t>(__mote_stack_bottom) - guard;
        const std::uint32_t size_field = static_cast<std::uint32_t>(31 - __builtin_clz(guard) - 1);
        scs::MPU_RNR() = 0;
        scs::MPU_RBAR() = base;
        scs::MPU_RASR() = (1u << 28) /*XN*/ | (0u << 24) /*AP: none*/ | (size_field << 1) | 1u;
        scs::MPU_CTRL() = (1u << 2) /*PRIVDEFENA*/ | 1u /*ENABLE*/;
    }
    scs::dsb();
    scs::isb();
}

}  // namespace

extern "C" [[noreturn]] MOTE_NO_LIBCALLS void mote_reset_handler() {
    enable_fpu();
    if constexpr (core::mainline) {
        // Report MemManage/BusFault/UsageFault as themselves; trap integer division by zero.
        scs::SHCSR() |= scs::SHCSR_FAULTS;
        scs::CCR() |= scs::CCR_DIV_0_TRP;
    }
    arm_stack_guard();

    copy_words(__mote_data_start, __mote_data_load, __mote_data_end);
    fill_words(__mote_bss_start, __mote_bss_end, 0);
    // Paint the stack below this frame (64 bytes of margin) for stack_peak().
    fill_words(__mote_stack_bottom, reinterpret_cast<std::uint32_t*>(scs::sp() - 64), stack_paint);

    for (auto* f = __mote_init_array_start; f < __mote_init_array_end; ++f) (*f)();
    mote::board::exit(main());
}

// ---- faults ------------------------------------------------------------------------------
namespace {
const char* exception_name(std::uint32_t n) {
    switch (n) {
        case 2: return "NMI";
        case 3: return "HardFault";
        case 4: return "MemManage";
        case 5: return "BusFault";
        case 6: return "UsageFault";
        case 7: return "SecureFault";
        case 11: return "SVCall";
        case 12: return "DebugMonitor";
        case 14: return "PendSV";
        default: return n >= 16 ? "interrupt" : "exception";
    }
}
}  // namespace

// Runs on a fresh stack (mote_fault_entry reset MSP): `frame` is where the faulting context was
// stacked, which after a stack overflow may be outside the stack and unreadable.
extern "C" [[noreturn, gnu::used]] void mote_fault_report(const std::uint32_t* frame,
                                                          std::uint32_t ipsr) {
    const std::uint32_t n = ipsr & 0x1FF;
    // Baseline cores have no fault status registers: the report there rests on the frame alone.
    const std::uint32_t cfsr = core::mainline ? scs::CFSR() : 0;
    const std::uint32_t mmfar = core::mainline ? scs::MMFAR() : 0;
    const auto at = reinterpret_cast<std::uintptr_t>(frame);
    const bool frame_ok = at >= reinterpret_cast<std::uintptr_t>(__mote_stack_bottom) &&
                          at + 32 <= reinterpret_cast<std::uintptr_t>(__mote_stack_top);
    const auto bottom = reinterpret_cast<std::uintptr_t>(__mote_stack_bottom);
    const bool mmar_valid = (cfsr & (1u << 7)) != 0;
    const bool overflow = (cfsr & (1u << 4)) /*MSTKERR*/ || (cfsr & (1u << 20)) /*STKOF*/ ||
                          (mmar_valid && mmfar < bottom &&
                           mmfar >= bottom - reinterpret_cast<std::uintptr_t>(__mote_guard_size)) ||
                          at < bottom;
    print("\nmote: FAULT ", exception_name(n), " (exception ", n, ")",
          overflow ? ": stack overflow" : "", "\n");
    if constexpr (core::mainline)
        print("  CFSR ", Hex{cfsr}, " HFSR ", Hex{scs::HFSR()}, " MMFAR ", Hex{mmfar}, " BFAR ",
              Hex{scs::BFAR()}, "\n");
    if (frame_ok)
        print("  PC ", Hex{frame[6]}, " LR ", Hex{frame[5]}, " xPSR ", Hex{frame[7]}, "\n");
    else
        print("  SP ", Hex{static_cast<std::uint32_t>(at)}, " is outside the stack [",
              Hex{static_cast<std::uint32_t>(bottom)}, ", ",
              Hex{reinterpret_cast<std::uint32_t>(__mote_stack_top)}, "): context lost\n");
    exit(static_cast<int>(128 + n));
}

// Every fault and unexpected interrupt lands here. Move to a usable stack first: after an
// overflow the current one is unusable (the handler could not even push). If the stacked frame
// lies inside the stack with room below it, continue just below the frame (so the report does
// not overwrite it); otherwise start again from the top of the stack.
// 16-bit Thumb only (plus MRS/MSR), so that one sequence serves v6-M as well as Mainline (GCC
// hands v6-M inline assembly to the assembler in divided syntax: ask for unified).
extern "C" [[gnu::naked, noreturn]] void mote_fault_entry() {
    asm volatile(
        ".syntax unified\n\t"
        "mov r2, lr\n\t"
        "movs r3, #4\n\t"
        "tst r2, r3\n\t"          // EXC_RETURN bit 2: the frame is on PSP
        "bne 1f\n\t"
        "mrs r0, msp\n\t"
        "b 2f\n"
        "1:\n\t"
        "mrs r0, psp\n"
        "2:\n\t"
        "mrs r1, ipsr\n\t"
        "ldr r3, =__mote_stack_top\n\t"
        "ldr r2, =__mote_stack_bottom + 512\n\t"   // room the report needs
        "cmp r0, r2\n\t"
        "blo 3f\n\t"
        "cmp r0, r3\n\t"
        "bhs 3f\n\t"
        "lsrs r3, r0, #3\n\t"     // just below the frame, 8-byte aligned
        "lsls r3, r3, #3\n"
        "3:\n\t"
        "msr msp, r3\n\t"
        "ldr r2, =mote_fault_report\n\t"
        "bx r2\n\t"
        ".ltorg\n\t");
}

extern "C" void mote_systick_handler();   // counter.cpp

using Vector = void (*)();
extern "C" [[gnu::section(".vectors"), gnu::used]] const Vector mote_vectors[16 + 16] = {
    reinterpret_cast<Vector>(__mote_stack_top),
    mote_reset_handler,
    mote_fault_entry,  // NMI
    mote_fault_entry,  // HardFault
    mote_fault_entry,  // MemManage
    mote_fault_entry,  // BusFault
    mote_fault_entry,  // UsageFault
    mote_fault_entry,  // SecureFault (v8-M) / reserved
    nullptr,
    nullptr,
    nullptr,
    mote_fault_entry,  // SVCall
    mote_fault_entry,  // DebugMonitor
    nullptr,
    mote_fault_entry,  // PendSV
    mote_systick_handler,
    // The first 16 external interrupts: none is enabled, but report one if it fires.
    mote_fault_entry, mote_fault_entry, mote_fault_entry, mote_fault_entry,
    mote_fault_entry, mote_fault_entry, mote_fault_entry, mote_fault_entry,
    mote_fault_entry, mote_fault_entry, mote_fault_entry, mote_fault_entry,
    mote_fault_entry, mote_fault_entry, mote_fault_entry, mote_fault_entry,
};
