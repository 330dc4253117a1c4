// Placeholder bare-metal example: prints through semihosting and reports what it cost.
// Converted models are wired in here once tools/mote-convert and mote_add_model() land.
#include "mote_board.hpp"

int main() {
    const auto start = mote::board::instructions();
    mote::board::print("hello from mote on ", MOTE_BOARD_NAME, "\n");
    char storage[128];
    const char* argv[8];
    const int argc = mote::board::arguments(storage, argv);
    for (int i = 1; i < argc; ++i) mote::board::print("  argument ", i, ": ", argv[i], "\n");
    const auto spent = mote::board::instructions() - start;
    mote::board::report("instructions", spent);
    mote::board::report("stack_peak", mote::board::stack_peak());
    return 0;
}
