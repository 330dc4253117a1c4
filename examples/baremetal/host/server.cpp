// Server throughput of a converted model on one core of this machine: the whole model, and the
// tail a server runs for a split device (mote::tail<Net, K>) on the head's output.
//
//   <model>_server IN.bin [OUT.bin] [--quick]
//
// K is the cut after which the head has done about half of the model's MACs (chosen at compile
// time from the model type). Before timing, the whole model's output must equal tail(head(x))
// byte for byte (and OUT.bin, the reference output, when given); after timing, the last
// outputs must still be those. Otherwise it exits 1. Each figure is the median inferences per
// second over batches of about 50 ms for about 1 s (--quick: 10 ms batches for 0.1 s), on one
// thread. Prints `mote-bench: <key> <value>` lines for bench/run (cut, macs, tail_macs,
// whole_per_s, tail_per_s).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <vector>

#include "mote/split/cut.hpp"
#include MOTE_DEMO_HEADER

namespace {

using Net = MOTE_DEMO_NS::Model;

// The interior cut whose head MACs are nearest half of the model's (the smaller cut on a tie).
template <class Model>
constexpr std::size_t half_macs_cut() {
    constexpr auto cuts = mote::cut_table<Model>();
    const auto off_half = [](std::uint64_t head_macs) {  // |2 head_macs - macs|, unsigned
        const std::uint64_t twice = 2 * head_macs;
        return twice > Model::macs ? twice - Model::macs : Model::macs - twice;
    };
    std::size_t best = 1;
    for (std::size_t k = 2; k < mote::unit_count<Model>; ++k)
        if (off_half(cuts[k].device_macs) < off_half(cuts[best].device_macs)) best = k;
    return best;
}

constexpr std::size_t cut = half_macs_cut<Net>();
using Head = mote::head<Net, cut>;
using Tail = mote::tail<Net, cut>;
using In = typename Net::template input<0>;
using Out = typename Net::output;
using Cut = typename Tail::template input<0>;
static_assert(std::is_same_v<typename Tail::output, Out>);
#if defined(__AVX2__)
constexpr const char* vector_extension = " with AVX2";
#else
constexpr const char* vector_extension = "";
#endif

alignas(16) typename In::value_type input[In::elements];
alignas(16) typename Out::value_type expected[Out::elements];
alignas(16) typename Cut::value_type cut_input[Cut::elements];  // what a device would send
typename Net::Arena whole_arena;
typename Head::Arena head_arena;
typename Tail::Arena tail_arena;

bool read_file(const char* path, void* data, std::size_t bytes) {
    std::FILE* f = std::fopen(path, "rb");
    const std::size_t n = f != nullptr ? std::fread(data, 1, bytes, f) : 0;
    if (f != nullptr) std::fclose(f);
    if (n == bytes) return true;
    std::fprintf(stderr, "%s: need %zu bytes\n", path, bytes);
    return false;
}

struct Pace {
    double batch_seconds;
    double total_seconds;
};

// Median inferences per second of run() over batches of about pace.batch_seconds, for about
// pace.total_seconds (at least 3 batches). Sizing the batch warms the caches up.
template <class Run>
double median_per_second(Run run, Pace pace) {
    using clock = std::chrono::steady_clock;
    const auto seconds_since = [](clock::time_point t0) {
        return std::chrono::duration<double>(clock::now() - t0).count();
    };
    long batch = 1;
    for (;;) {
        const auto t0 = clock::now();
        for (long i = 0; i < batch; ++i) run();
        if (seconds_since(t0) >= pace.batch_seconds) break;
        batch *= 2;
    }
    std::vector<double> rates;
    const auto start = clock::now();
    while (rates.size() < 3 || seconds_since(start) < pace.total_seconds) {
        const auto t0 = clock::now();
        for (long i = 0; i < batch; ++i) run();
        rates.push_back(static_cast<double>(batch) / seconds_since(t0));
    }
    std::sort(rates.begin(), rates.end());
    return rates[rates.size() / 2];
}

bool same_output(const typename Out::value_type* a, const typename Out::value_type* b) {
    return std::memcmp(a, b, Out::bytes) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<const char*> files;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0)
            quick = true;
        else
            files.push_back(argv[i]);
    }
    if (files.empty() || files.size() > 2) {
        std::fprintf(stderr, "usage: %s IN.bin [OUT.bin] [--quick]\n", argv[0]);
        return 2;
    }
    if (!read_file(files[0], input, In::bytes)) return 2;
    if (files.size() == 2 && !read_file(files[1], expected, Out::bytes)) return 2;

    const auto* whole = Net::run(whole_arena, input);
    std::memcpy(cut_input, Head::run(head_arena, input), Cut::bytes);
    const auto* split = Tail::run(tail_arena, cut_input);
    if (!same_output(whole, split)) {
        std::fprintf(stderr, "cut %zu: tail(head(x)) differs from the whole model\n", cut);
        return 1;
    }
    if (files.size() == 2 && !same_output(whole, expected)) {
        std::fprintf(stderr, "%s: the whole model's output differs\n", files[1]);
        return 1;
    }
    std::memcpy(expected, whole, Out::bytes);

    const Pace pace = quick ? Pace{0.01, 0.1} : Pace{0.05, 1.0};
    const double whole_per_s = median_per_second([] { Net::run(whole_arena, input); }, pace);
    const double tail_per_s = median_per_second([] { Tail::run(tail_arena, cut_input); }, pace);
    // The arenas (static) are read back here, so the timed runs cannot be optimized away.
    if (!same_output(Net::run(whole_arena, input), expected) ||
        !same_output(Tail::run(tail_arena, cut_input), expected)) {
        std::fprintf(stderr, "the outputs changed while timing\n");
        return 1;
    }
    std::printf("model        %s, cut %zu of %zu units, %s kernels%s\n", MOTE_DEMO_NAME, cut,
                mote::unit_count<Net>, mote::config::isa_name(mote::config::isa), vector_extension);
    std::printf("mote-bench: cut %zu\n", cut);
    std::printf("mote-bench: macs %llu\n", static_cast<unsigned long long>(Net::macs));
    std::printf("mote-bench: tail_macs %llu\n", static_cast<unsigned long long>(Tail::macs));
    std::printf("mote-bench: whole_per_s %.1f\n", whole_per_s);
    std::printf("mote-bench: tail_per_s %.1f\n", tail_per_s);
    return 0;
}
