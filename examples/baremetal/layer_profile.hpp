#pragma once
// Per-layer instructions of one inference on the device (Net::run_observed): a table of each
// layer's kernel, MACs and instructions, and one `mote-bench-layer:` line per layer for bench/run.
// SysTick quantises each count to a tick (40 instructions on mps2) and reading it costs a few
// instructions per layer, so the rows add up to slightly more than a plain run.
#include <array>
#include <cstddef>
#include <cstdint>

#include "mote_board.hpp"

namespace demo {

template <class Net>
struct LayerProfile {
    std::array<std::uint64_t, Net::layer_count> instructions{};
    std::uint64_t start = 0;
    void begin(std::size_t) { start = mote::board::instructions(); }
    void end(std::size_t layer) { instructions[layer] = mote::board::instructions() - start; }
};

template <class Net>
void print_profile(const LayerProfile<Net>& p) {
    using mote::board::print;
    static constexpr auto rows = Net::layer_info();  // in flash, not on the stack
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        const std::uint64_t n = p.instructions[i];
        print("layer ", i < 10 ? " " : "", i, "  ", r.name, " (", r.kernel, "): ", n, " instructions");
        if (r.macs != 0)
            print(", ", r.macs, " MACs, ", n / r.macs, ".", n * 10 / r.macs % 10, n * 100 / r.macs % 10,
                  " per MAC");
        print("\n");
    }
    for (std::size_t i = 0; i < rows.size(); ++i)
        print("mote-bench-layer: ", i, " ", rows[i].name, " ", rows[i].macs, " ", p.instructions[i], " ",
              rows[i].kernel, "\n");
}

}  // namespace demo
