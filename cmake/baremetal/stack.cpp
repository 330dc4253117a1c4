// Stack use from the pattern painted at reset (startup.cpp).
#include <cstdint>

#include "cortex_m.hpp"
#include "mote_board.hpp"

namespace mote::board {

std::size_t stack_size() {
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(__mote_stack_top) -
                                    reinterpret_cast<std::uintptr_t>(__mote_stack_bottom));
}

std::size_t stack_peak() {
    const std::uint32_t* p = __mote_stack_bottom;
    while (p < __mote_stack_top && *p == stack_paint) ++p;
    return static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(__mote_stack_top) -
                                    reinterpret_cast<std::uintptr_t>(p));
}

[[gnu::optimize("no-tree-loop-distribute-patterns")]] void stack_repaint() {
    auto* end = reinterpret_cast<std::uint32_t*>(scs::sp() - 64);
    for (std::uint32_t* p = __mote_stack_bottom; p < end; ++p) *p = stack_paint;
}

}  // namespace mote::board

extern "C" std::size_t mote_board_stack_peak() { return mote::board::stack_peak(); }
