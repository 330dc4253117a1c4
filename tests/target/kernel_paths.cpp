// This board's kernel paths (tests/static/kernel_paths.hpp): checked when it compiles; the
// firmware says which set it runs.
#include "../static/kernel_paths.hpp"
#include "mote_board.hpp"

int main() {
    mote::board::print("kernel paths: ", mote::config::isa_name(mote::config::isa),
                       mote::config::wide_weights ? " (wide weights)" : "", "\n");
    return 0;
}
