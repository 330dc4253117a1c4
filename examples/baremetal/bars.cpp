// The hand-written bars model (examples/models/bars.hpp) on the target: needs no shared data,
// so it runs from a fresh clone. Classifies a vertical and a horizontal bar and prints what one
// inference costs. Exits non-zero if either image is misclassified.
#include <cstdint>

#include "bars.hpp"
#include "demo_print.hpp"
#include "mote_board.hpp"

namespace {
bars::Model::Arena arena;
}

int main() {
    using Net = bars::Model;
    using mote::board::print;
    print("model        bars (hand-written, examples/models/bars.hpp) on ", MOTE_BOARD_NAME, "\n");
    int wrong = 0;
    std::uint64_t instructions = 0;
    mote::board::stack_repaint();
    for (int want = 0; want < 2; ++want) {
        std::int8_t image[64];
        bars::draw_bar(image, want == 0, 3 + want);
        const auto start = mote::board::instructions();
        const std::int8_t* p = Net::run(arena, image);
        instructions = mote::board::instructions() - start;
        const int got = p[1] > p[0] ? 1 : 0;
        print("class        ", bars::class_names[want], " -> ", bars::class_names[got],
              " (p = ", demo::Fixed((p[got] + 128) / 256.0f, 3), ")\n");
        wrong += got != want;
    }
    const auto stack = mote::board::stack_peak();
    print("instructions ", instructions, " per inference (", Net::macs, " MACs, ",
          demo::Fixed(static_cast<float>(Net::macs) / static_cast<float>(instructions), 3),
          " MACs/instruction)\n");
    print("arena        ", Net::arena_bytes, " B (planned at compile time)\n");
    print("stack peak   ", stack, " B\n");
    const auto mem = demo::memory();
    print("flash        ", mem.flash, " B image (weights ", Net::weight_bytes, " B)\n");
    print("RAM          ", mem.ram_static, " B static + ", mem.stack, " B reserved stack\n");
    mote::board::report("instructions", instructions);
    mote::board::report("stack_peak", stack);
    return wrong;
}
