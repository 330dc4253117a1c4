// For every cut K of a converted model: tail<Net, K>(head<Net, K>(x)) equals Net(x) byte for
// byte, on every reference input given on the command line. Built per model with
// MOTE_MODEL_HEADER / MOTE_MODEL_NAMESPACE; no test framework (fast to compile).
#include <cstdio>
#include <cstring>
#include <utility>

#include MOTE_MODEL_HEADER

namespace {

using Net = MOTE_MODEL_NAMESPACE::Model;
using Value = Net::output::value_type;

alignas(16) unsigned char input_bytes[Net::input_bytes];
Value full[Net::output::elements];

template <std::size_t K>
bool cut_matches() {
    using Head = mote::head<Net, K>;
    using Tail = mote::tail<Net, K>;
    static typename Head::Arena head_arena;
    static typename Tail::Arena tail_arena;
    using In = typename Net::template input<0>::value_type;
    const auto* cut = Head::run(head_arena, reinterpret_cast<const In*>(input_bytes));
    const auto* out = Tail::run(tail_arena, cut);
    if (std::memcmp(out, full, sizeof(full)) == 0) return true;
    std::printf("  cut %zu: tail(head(x)) differs from the whole model\n", K);
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::printf("usage: %s INPUT.bin...\n", argv[0]);
        return 2;
    }
    static Net::Arena arena;
    int failures = 0;
    for (int a = 1; a < argc; ++a) {
        std::FILE* f = std::fopen(argv[a], "rb");
        if (f == nullptr || std::fread(input_bytes, 1, sizeof(input_bytes), f) != sizeof(input_bytes)) {
            std::printf("cannot read %zu bytes from %s\n", sizeof(input_bytes), argv[a]);
            return 2;
        }
        std::fclose(f);
        using In = Net::input<0>::value_type;
        std::memcpy(full, Net::run(arena, reinterpret_cast<const In*>(input_bytes)), sizeof(full));
        const bool ok = []<std::size_t... K>(std::index_sequence<K...>) {
            int bad = 0;  // every cut runs, also after a failing one
            ((bad += cut_matches<K + 1>() ? 0 : 1), ...);
            return bad == 0;
        }(std::make_index_sequence<mote::unit_count<Net> - 1>{});
        failures += !ok;
    }
    std::printf("%d input(s), %zu interior cuts each: %s\n", argc - 1, mote::unit_count<Net> - 1,
                failures ? "MISMATCH" : "tail(head(x)) == Net(x) for every cut");
    return failures ? 1 : 0;
}
