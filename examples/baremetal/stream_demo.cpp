// A streaming model on the target, frame after frame: each inference reads the next input frame
// and the state the previous ones left (ring buffers of a wake-word model, an LSTM's h and c).
// A model without state runs each frame on its own (e.g. one input of a larger model).
//
//   -append "FRAMES.in.bin [WANT.out.bin]"   frames back to back (raw, NHWC), read through
//                                            semihosting; WANT: TFLite Micro's outputs for the
//                                            same stream on one interpreter, compared byte for byte
//
// Built per model (examples/baremetal/CMakeLists.txt) with MOTE_DEMO_HEADER, MOTE_DEMO_NS and
// MOTE_DEMO_NAME. Prints each frame's output and instructions, then the state, arena, stack and
// memory, and where the instructions of the first frame go, layer by layer (one more run, on a
// reset state); the `mote-bench:` lines are what bench/run collects.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "demo_print.hpp"
#include "layer_profile.hpp"
#include "mote_board.hpp"
#include MOTE_DEMO_HEADER

namespace {

using Net = MOTE_DEMO_NS::Model;
using In = typename Net::template input<0>;
using Out = typename Net::output;
static_assert(Net::input_count == 1 && Net::output_count == 1, "stream_demo feeds one input, reads one output");

// At most 32 frames, at most 32 KiB of them.
constexpr std::size_t max_frames = std::clamp<std::size_t>(32768 / In::bytes, 1, 32);
alignas(16) std::byte frames[max_frames * In::bytes + 1];
alignas(16) std::byte want[max_frames * Out::bytes + 1];
typename Net::Arena arena;
typename Net::State state;   // stateful models only

template <class N, class... Observer>
const typename Out::value_type* infer(const std::byte* frame, Observer&... observer) {
    const auto* in = reinterpret_cast<const typename In::value_type*>(frame);
    if constexpr (N::stateful) {
        if constexpr (sizeof...(Observer) == 0) return N::run(arena, state, in);
        else return N::run_observed(observer..., arena, state, in);
    } else {
        if constexpr (sizeof...(Observer) == 0) return N::run(arena, in);
        else return N::run_observed(observer..., arena, in);
    }
}

}  // namespace

int main() {
    using mote::board::print;
    static char storage[512];
    const char* argv[4];
    const int argc = mote::board::arguments(storage, argv);
    if (argc < 2) {
        print("usage: -append \"FRAMES.in.bin [WANT.out.bin]\"\n");
        return 2;
    }
    const long n = mote::board::read_file(argv[1], std::span<std::byte>(frames, sizeof frames));
    if (n <= 0 || static_cast<std::size_t>(n) % In::bytes != 0) {
        print("ERROR: ", argv[1], ": read ", n, " B; frames of ", In::bytes, " B, at most ",
              max_frames, "\n");
        return 2;
    }
    const std::size_t count = static_cast<std::size_t>(n) / In::bytes;
    const long w = argc >= 3 ? mote::board::read_file(argv[2], std::span<std::byte>(want, sizeof want)) : -1;
    const bool compare = argc >= 3 && w == static_cast<long>(count * Out::bytes);
    if (argc >= 3 && !compare) {
        print("ERROR: ", argv[2], ": read ", w, " B, want ", count * Out::bytes, " B\n");
        return 2;
    }

    print("model        ", MOTE_DEMO_NAME, " on ", MOTE_BOARD_NAME, ", ", count, " frames of ",
          In::bytes, " B\n");
    mote::board::stack_repaint();
    std::uint64_t total = 0, first = 0;
    std::size_t differ = 0;
    for (std::size_t f = 0; f < count; ++f) {
        const auto start = mote::board::instructions();
        const auto* out = infer<Net>(frames + f * In::bytes);
        const auto instructions = mote::board::instructions() - start;
        total += instructions;
        if (f == 0) first = instructions;
        bool same = true;
        if (compare) same = std::memcmp(out, want + f * Out::bytes, Out::bytes) == 0;
        differ += same ? 0 : 1;
        print("frame ", f, ": output");
        for (std::size_t i = 0; i < Out::elements && i < 8; ++i) print(" ", static_cast<long>(out[i]));
        print(Out::elements > 8 ? " ..." : "", "  ", instructions, " instructions",
              compare ? (same ? "" : "  DIFFERS from TFLite Micro") : "", "\n");
    }
    const auto stack = mote::board::stack_peak();
    const std::uint64_t later = count > 1 ? (total - first) / (count - 1) : first;
    print("instructions ", first, " for the first frame, ", later, " per later frame (mean)\n");
    print("state        ", Net::state_bytes, " B kept between frames (Net::State)\n");
    print("arena        ", Net::arena_bytes, " B scratch (planned at compile time) + input ",
          In::bytes, " B; with the input in the arena (Net::ArenaWithInputs) ",
          Net::arena_with_inputs_bytes, " B\n");
    print("stack peak   ", stack, " B\n");
    const auto mem = demo::memory();
    print("flash        ", mem.flash, " B image (weights ", Net::weight_bytes, " B)\n");
    if (compare)
        print("reference    ", differ == 0 ? "all frames match TFLite Micro byte for byte"
                                           : "FRAMES DIFFER from the reference", "\n");
    mote::board::report("instructions", first);
    mote::board::report("frame_instructions", later);
    mote::board::report("stack_peak", stack);
    mote::board::report("macs", Net::macs);
    mote::board::report("arena_bytes", Net::arena_bytes);
    mote::board::report("state_bytes", Net::state_bytes);
    mote::board::report("input_bytes", In::bytes);
    mote::board::report("arena_with_inputs_bytes", Net::arena_with_inputs_bytes);
    static demo::LayerProfile<Net> profile;
    Net::reset(state);
    infer<Net>(frames, profile);
    demo::print_profile<Net>(profile);
    return differ == 0 ? 0 : 1;
}
