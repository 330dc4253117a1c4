// Must fault: recursion that runs off the bottom of the stack. The guard (MPU region below the
// stack on v7-M, MSPLIM on v8-M) turns the overflow into a fault that exits non-zero with
// "stack overflow" in the report; ctest expects exactly that.
#include <cstdint>

#include "mote_board.hpp"

namespace {
volatile std::uint32_t depth_limit = 1'000'000;

[[gnu::noinline]] std::uint32_t recurse(std::uint32_t depth) {
    volatile std::uint32_t frame[32];
    frame[depth % 32] = depth;
    if (depth >= depth_limit) return frame[0];
    return recurse(depth + 1) + frame[depth % 32];   // not a tail call
}
}  // namespace

int main() {
    mote::board::print("recursing until the stack guard fires\n");
    const std::uint32_t r = recurse(0);
    mote::board::print("FAIL: returned ", r, " without a fault\n");
    return 0;
}
