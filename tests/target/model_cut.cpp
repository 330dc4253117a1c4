// Split equivalence on the target: for every cut K of a converted model, the head runs on the
// emulated Cortex-M, the tail after it, and tail(head(x)) must equal TFLite Micro's reference
// output byte for byte, for every reference pair given (same arguments as model_golden.cpp).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

#include "mote_board.hpp"
#include MOTE_GOLDEN_HEADER

namespace {

using Net = MOTE_GOLDEN_NS::Model;
using In = typename Net::template input<0>;
using Out = typename Net::output;
constexpr std::size_t cuts = mote::unit_count<Net> - 1;

template <std::size_t... K>
constexpr std::size_t max_head_arena(std::index_sequence<K...>) {
    std::size_t m = 0;
    ((m = mote::head<Net, K + 1>::arena_bytes > m ? mote::head<Net, K + 1>::arena_bytes : m), ...);
    return m;
}
template <std::size_t... K>
constexpr std::size_t max_tail_arena(std::index_sequence<K...>) {
    std::size_t m = 0;
    ((m = mote::tail<Net, K + 1>::arena_bytes > m ? mote::tail<Net, K + 1>::arena_bytes : m), ...);
    return m;
}

// One region for every head's arena, one for every tail's: the cuts run one after another.
alignas(16) std::byte head_region[max_head_arena(std::make_index_sequence<cuts>{})];
alignas(16) std::byte tail_region[max_tail_arena(std::make_index_sequence<cuts>{})];
alignas(16) std::int8_t input[In::bytes];
std::int8_t want[Out::bytes + 1];

template <std::size_t K>
bool cut_matches() {
    using Head = mote::head<Net, K>;
    using Tail = mote::tail<Net, K>;
    auto& head_arena = *reinterpret_cast<typename Head::Arena*>(head_region);
    auto& tail_arena = *reinterpret_cast<typename Tail::Arena*>(tail_region);
    const auto* out = Tail::run(tail_arena, Head::run(head_arena, input));
    if (std::memcmp(out, want, Out::bytes) == 0) return true;
    mote::board::print("  cut ", K, ": tail(head(x)) differs from the reference\n");
    return false;
}

bool load(const char* path, void* data, std::size_t bytes, std::size_t capacity) {
    const long n = mote::board::read_file(
        path, std::span<std::byte>(static_cast<std::byte*>(data), capacity));
    if (n < 0 || static_cast<std::size_t>(n) != bytes) {
        mote::board::print("ERROR: cannot read ", bytes, " B from ", path, "\n");
        return false;
    }
    return true;
}

bool join(char (&out)[512], const char* prefix, const char* name, const char* suffix) {
    std::size_t n = 0;
    for (const char* part : {prefix, name, suffix})
        for (const char* p = part; *p != '\0'; ++p) {
            if (n + 1 >= sizeof out) return false;
            out[n++] = *p;
        }
    out[n] = '\0';
    return true;
}

}  // namespace

int main() {
    using mote::board::print;
    static char storage[2048];
    const char* argv[96];
    const int argc = mote::board::arguments(storage, argv);
    if (argc < 3) return 2;
    int pairs = 0, failed = 0;
    for (int a = 2; a < argc; ++a) {
        char in_path[512], out_path[512];
        if (!join(in_path, argv[1], argv[a], ".in.bin") || !join(out_path, argv[1], argv[a], ".out.bin") ||
            !load(in_path, input, In::bytes, In::bytes) || !load(out_path, want, Out::bytes, sizeof want))
            return 2;
        const bool ok = []<std::size_t... K>(std::index_sequence<K...>) {
            int bad = 0;  // every cut runs, also after a failing one
            ((bad += cut_matches<K + 1>() ? 0 : 1), ...);
            return bad == 0;
        }(std::make_index_sequence<cuts>{});
        ++pairs;
        failed += !ok;
    }
    print(MOTE_BOARD_NAME, ": ", pairs - failed, "/", pairs, " inputs, all ", cuts,
          " cuts: tail(head(x)) bit-exact\n");
    return failed == 0 ? 0 : 1;
}
