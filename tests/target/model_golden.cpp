// Golden test on the target: runs a converted model (header generated in the build tree by
// mote_add_model) on every reference pair of TFLite Micro and compares every output byte.
//
//   -append "<ref dir>/<model>_ NAME..."   reads <ref dir>/<model>_NAME.in.bin / .out.bin
//
// Built once per model with MOTE_GOLDEN_HEADER ("kws_dscnn_int8.hpp") and MOTE_GOLDEN_NS
// (kws_dscnn_int8). Exit status: 0 when every pair matches, 1 on any mismatch, 2 on a bad file.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "mote_board.hpp"
#include MOTE_GOLDEN_HEADER

namespace {

using Net = MOTE_GOLDEN_NS::Model;
using In = typename Net::template input<0>;
using Out = typename Net::output;
static_assert(Net::input_count == 1, "the golden firmware feeds one input");
static_assert(std::is_same_v<typename In::value_type, std::int8_t> &&
                  std::is_same_v<typename Out::value_type, std::int8_t>,
              "int8 models only (their outputs are compared byte for byte)");

alignas(16) std::int8_t input[In::bytes];
std::int8_t want[Out::bytes + 1];   // one spare byte: a longer file is an error
typename Net::Arena arena;

// prefix + name + suffix into out (NUL-terminated); false when too long.
bool join(std::span<char> out, const char* prefix, const char* name, const char* suffix) {
    std::size_t n = 0;
    for (const char* part : {prefix, name, suffix}) {
        for (const char* p = part; *p != '\0'; ++p) {
            if (n + 1 >= out.size()) return false;
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return true;
}

// Reads exactly `bytes` bytes; prints why not and returns false otherwise.
bool load(const char* path, void* data, std::size_t bytes, std::size_t capacity) {
    const long n = mote::board::read_file(
        path, std::span<std::byte>(static_cast<std::byte*>(data), capacity));
    if (n < 0 || static_cast<std::size_t>(n) != bytes) {
        mote::board::print("ERROR: ", path, ": ",
                           n < 0 ? "cannot read (or larger than expected)" : "wrong size", " (",
                           n, " B, want ", bytes, " B)\n");
        return false;
    }
    return true;
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
    std::uint64_t instructions = 0;
    for (int a = 2; a < argc; ++a) {
        char in_path[512];
        char out_path[512];
        if (!join(in_path, prefix, argv[a], ".in.bin") ||
            !join(out_path, prefix, argv[a], ".out.bin")) {
            print("ERROR: path too long: ", prefix, argv[a], "\n");
            return 2;
        }
        if (!load(in_path, input, In::bytes, In::bytes) ||
            !load(out_path, want, Out::bytes, sizeof want)) {
            return 2;
        }
        const auto start = mote::board::instructions();
        const std::int8_t* got = Net::run(arena, input);
        instructions = mote::board::instructions() - start;
        std::size_t bad = 0;
        for (std::size_t i = 0; i < Out::bytes; ++i) {
            if (got[i] != want[i]) {
                if (bad < 8) {
                    print("  ", argv[a], ": mismatch at byte ", i, ": got ", int{got[i]},
                          ", want ", int{want[i]}, "\n");
                }
                ++bad;
            }
        }
        ++pairs;
        if (bad != 0) {
            ++failed;
            print("FAIL ", argv[a], ": ", bad, " of ", Out::bytes, " bytes differ\n");
        } else {
            print("ok   ", argv[a], " (", Out::bytes, " bytes)\n");
        }
    }
    print(MOTE_BOARD_NAME, ": ", pairs - failed, "/", pairs, " pairs bit-exact; ", instructions,
          " instructions per inference, arena ", Net::arena_bytes, " B, stack peak ",
          mote::board::stack_peak(), " B\n");
    return failed == 0 ? 0 : 1;
}
