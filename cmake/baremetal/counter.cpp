// Executed-instruction counter from SysTick (see mote_board.hpp).
#include <cstdint>

#include "cortex_m.hpp"
#include "mote_board.hpp"

namespace {
volatile std::uint32_t wraps = 0;
std::uint32_t period = 0;   // reload + 1; 0 until the counter runs, and for good without SysTick
bool probed = false;
}  // namespace

extern "C" void mote_systick_handler() { wraps = wraps + 1; }

namespace mote::board {

void counter_restart(std::uint32_t reload) {
    reload &= 0x00FF'FFFFu;
    probed = true;
    period = 0;
    scs::SYST_CSR() = 0;
    wraps = 0;
    scs::SYST_RVR() = reload;
    // SysTick is optional on v6-M (the nRF51's Cortex-M0 has none); an absent one reads as zero.
    if (reload == 0 || scs::SYST_RVR() != reload) return;
    period = reload + 1;
    scs::SYST_CVR() = 0;                 // any write clears; counting restarts from the reload
    scs::SYST_CSR() = 0b101;             // ENABLE | CLKSOURCE=core, no interrupt yet
    // The cleared counter holds 0 until its first reload: wait for that (one tick at most),
    // so that counting starts from a full period with no wrap pending.
    while (scs::SYST_CVR() == 0) {
    }
    scs::ICSR() = scs::ICSR_PENDSTCLR;
    scs::SYST_CSR() = 0b111;             // + TICKINT: count wraps
}

bool counter_available() {
    if (!probed) counter_restart();
    return period != 0;
}

std::uint64_t ticks() {
    if (!counter_available()) return 0;
    std::uint32_t primask;
    asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    std::uint32_t value = scs::SYST_CVR();
    std::uint64_t high = wraps;
    if (scs::ICSR() & scs::ICSR_PENDSTSET) {   // wrapped, interrupt not taken yet
        value = scs::SYST_CVR();
        high += 1;
    }
    asm volatile("msr primask, %0" ::"r"(primask) : "memory");
    return high * period + (period - 1 - value);
}

std::uint64_t instructions() {
    // 1e9 / f_clk instructions per tick, as an exact fraction (40/1 on mps2, 125/4 on an547).
    constexpr std::uint64_t g = [] {
        std::uint64_t a = 1'000'000'000ull, b = systick_hz;
        while (b) {
            const std::uint64_t t = a % b;
            a = b;
            b = t;
        }
        return a;
    }();
    constexpr std::uint64_t num = 1'000'000'000ull / g, den = systick_hz / g;
    return ticks() * num / den;
}

}  // namespace mote::board

extern "C" std::uint64_t mote_board_instructions() { return mote::board::instructions(); }
