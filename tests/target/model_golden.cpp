// Golden test on the target: runs a converted model (header generated in the build tree by
// mote_add_model) on every reference pair of TFLite Micro and compares every output byte.
//
//   -append "<ref dir>/<model>_ NAME..."   reads <ref dir>/<model>_NAME.in.bin / .out.bin
//
// An .in.bin may hold several whole inputs (a stream): they run as successive inferences on one
// fresh Net::State, and .out.bin holds their outputs back to back. Every pair runs twice: with the
// input in the firmware's buffer (Net::Arena) and copied into the arena (Net::ArenaWithInputs).
// Built once per model with MOTE_GOLDEN_HEADER ("kws_dscnn_int8.hpp") and MOTE_GOLDEN_NS
// (kws_dscnn_int8). Exit status: 0 when every pair matches, 1 on any mismatch or when a layer
// holding > 5 % of the MACs runs a reference kernel (mote::costly_reference_layer: the fallback
// test on the target's kernels), 2 on a bad file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "mote_board.hpp"
#include "ref_path.hpp"
#include MOTE_GOLDEN_HEADER

namespace {

using Net = MOTE_GOLDEN_NS::Model;
using In = typename Net::template input<0>;
using Out = typename Net::output;
static_assert(Net::input_count == 1, "the golden firmware feeds one input");
static_assert(!std::is_same_v<typename In::value_type, float> &&
                  !std::is_same_v<typename Out::value_type, float>,
              "integer models only (their outputs are compared byte for byte)");

// The longest stream the firmware takes: its inputs (at most 32 KiB) and outputs are in RAM at
// once. A stateless model's reference pairs are single inferences.
constexpr std::size_t max_frames = Net::stateful ? std::clamp<std::size_t>(32768 / In::bytes, 1, 32) : 1;
alignas(16) std::byte input[max_frames * In::bytes + 1];   // one spare byte: a longer file is an error
alignas(16) std::byte want[max_frames * Out::bytes + 1];
union Arenas {               // one placement of the inputs runs at a time
    typename Net::Arena caller;
    typename Net::ArenaWithInputs with_inputs;
} arenas;
typename Net::State state;   // used by stateful models only

using target_test::join;

// Reads a whole file of 1 .. max_frames records of `record` bytes; returns the record count, or 0
// after printing why not.
std::size_t load(const char* path, std::byte* data, std::size_t capacity, std::size_t record) {
    const long n = mote::board::read_file(path, std::span<std::byte>(data, capacity));
    if (n <= 0 || static_cast<std::size_t>(n) % record != 0) {
        mote::board::print("ERROR: ", path, ": ",
                           n < 0 ? "cannot read (or longer than the firmware takes)" : "wrong size",
                           " (", n, " B, want whole records of ", record, " B)\n");
        return 0;
    }
    return static_cast<std::size_t>(n) / record;
}

template <class N>
const typename Out::value_type* infer(mote::InputPlace place, const std::byte* in) {
    if (place == mote::InputPlace::arena) {
        std::memcpy(N::input_buffer(arenas.with_inputs), in, In::bytes);
        if constexpr (N::stateful) return N::run(arenas.with_inputs, state);
        else return N::run(arenas.with_inputs);
    }
    const auto* typed = reinterpret_cast<const typename In::value_type*>(in);
    if constexpr (N::stateful) return N::run(arenas.caller, state, typed);
    else return N::run(arenas.caller, typed);
}

}  // namespace

int main() {
    using mote::board::print;
    static char storage[2048];
    const char* argv[96];
    const int argc = mote::board::arguments(storage, argv);
    if (argc < 3) {
        print("usage: -append \"<ref dir>/<model>_ NAME...\" (got ", argc, " arguments)\n");
        return 2;
    }
    const char* prefix = argv[1];
    int pairs = 0;
    int failed = 0;
    std::uint64_t first = 0, last = 0, first_in_arena = 0;
    for (int a = 2; a < argc; ++a) {
        char in_path[512];
        char out_path[512];
        if (!join(in_path, prefix, argv[a], ".in.bin") ||
            !join(out_path, prefix, argv[a], ".out.bin")) {
            print("ERROR: path too long: ", prefix, argv[a], "\n");
            return 2;
        }
        const std::size_t frames = load(in_path, input, sizeof input, In::bytes);
        if (frames == 0 || load(out_path, want, sizeof want, Out::bytes) != frames) {
            print("ERROR: ", argv[a], ": input and reference hold different numbers of inferences\n");
            return 2;
        }
        std::size_t bad = 0;
        for (const mote::InputPlace place : {mote::InputPlace::caller, mote::InputPlace::arena}) {
            for (std::size_t f = 0; f < frames; ++f) {
                if (f == 0) Net::reset(state);
                const auto start = mote::board::instructions();
                const auto* got = infer<Net>(place, input + f * In::bytes);
                const std::uint64_t n = mote::board::instructions() - start;
                if (place == mote::InputPlace::caller) {
                    last = n;
                    if (f == 0) first = n;
                } else if (f == 0) {
                    first_in_arena = n;
                }
                const std::byte* expect = want + f * Out::bytes;
                for (std::size_t i = 0; i < Out::bytes; ++i) {
                    std::byte g{};
                    std::memcpy(&g, reinterpret_cast<const std::byte*>(got) + i, 1);
                    if (g != expect[i]) {
                        if (bad < 8)
                            print("  ", argv[a], place == mote::InputPlace::arena ? " (input in the arena)" : "",
                                  ": inference ", f, ": mismatch at byte ", i, ": got ",
                                  static_cast<int>(g), ", want ", static_cast<int>(expect[i]), "\n");
                        ++bad;
                    }
                }
            }
        }
        ++pairs;
        if (bad != 0) {
            ++failed;
            print("FAIL ", argv[a], ": ", bad, " of 2 x ", frames * Out::bytes, " bytes differ\n");
        } else {
            print("ok   ", argv[a], " (", frames, " x ", Out::bytes, " bytes, input in its buffer and in the arena)\n");
        }
    }
    print(MOTE_BOARD_NAME, ": ", pairs - failed, "/", pairs, " pairs bit-exact; ", first,
          " instructions for a fresh inference, ", last, " for the last one, arena ",
          Net::arena_bytes, " B + input ", In::bytes, " B; input in the arena: ", first_in_arena,
          " instructions, arena ", Net::arena_with_inputs_bytes, " B; state ", Net::state_bytes,
          " B, stack peak ", mote::board::stack_peak(), " B\n");
    int fallbacks = 0;
    static constexpr auto rows = Net::layer_info();  // in flash, not on the stack
    constexpr std::uint64_t total_macs = Net::macs > 0 ? Net::macs : 1;  // a MAC-free model has none
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!mote::costly_reference_layer<Net>(rows[i])) continue;
        print("FAIL kernel fallback: layer ", i, " ", rows[i].name, " holds ",
              rows[i].macs * 100 / total_macs, " % of the MACs and runs the reference kernel\n");
        ++fallbacks;
    }
    return failed == 0 && fallbacks == 0 ? 0 : 1;
}
