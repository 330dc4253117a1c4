// Host build of the bare-metal examples (the same converted model, compiled for this machine):
//
//   <model>_host IN.bin [RUNS]     one inference: top class (AD: reconstruction error);
//                                  with RUNS, also the median wall time of RUNS inferences
//   <model>_host IN.bin --count N  N inferences and nothing else (bench/run subtracts the
//                                  callgrind counts of N = 1 and N = 2: one inference)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "labels.hpp"
#include MOTE_DEMO_HEADER

namespace {
using Net = MOTE_DEMO_NS::Model;
using In = typename Net::template input<0>;
using Out = typename Net::output;
alignas(16) std::int8_t input[In::bytes];
typename Net::Arena arena;
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s IN.bin [RUNS | --count N]\n", argv[0]);
        return 2;
    }
    std::FILE* f = std::fopen(argv[1], "rb");
    const std::size_t n = f != nullptr ? std::fread(input, 1, sizeof input, f) : 0;
    if (f != nullptr) std::fclose(f);
    if (n != In::bytes) {
        std::fprintf(stderr, "%s: need %zu bytes of input\n", argv[1], In::bytes);
        return 2;
    }
    if (argc >= 4 && std::strcmp(argv[2], "--count") == 0) {
        const long count = std::strtol(argv[3], nullptr, 10);
        int sink = 0;
        for (long i = 0; i < count; ++i) sink += Net::run(arena, input)[0];
        return sink == 12345678 ? 3 : 0;   // keep the work observable
    }
    const std::int8_t* out = Net::run(arena, input);
    std::printf("model        %s on the host\n", MOTE_DEMO_NAME);
#if MOTE_DEMO_KIND == 4
    double sum = 0.0;
    for (std::size_t i = 0; i < Out::bytes; ++i) {
        const float x = In::quant.scale * static_cast<float>(input[i] - In::quant.zero_point);
        const float y = Out::quant.scale * static_cast<float>(out[i] - Out::quant.zero_point);
        sum += static_cast<double>((y - x) * (y - x));
    }
    std::printf("score        reconstruction error (MSE) %.3f\n",
                sum / static_cast<double>(Out::bytes));
#else
    std::size_t top = 0;
    for (std::size_t i = 1; i < Out::elements; ++i) {
        if (out[i] > out[top]) top = i;
    }
    std::printf("class        %zu \"%s\" (q = %d, p = %.3f)\n", top, demo::labels[top],
                int{out[top]},
                static_cast<double>(Out::quant.scale) * (out[top] - Out::quant.zero_point));
#endif
    if (argc >= 3) {
        const long runs = std::max(1L, std::strtol(argv[2], nullptr, 10));
        std::vector<double> times;
        for (long i = 0; i < runs; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            Net::run(arena, input);
            const auto t1 = std::chrono::steady_clock::now();
            times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        std::sort(times.begin(), times.end());
        std::printf("wall         %.4f ms per inference (median of %ld)\n",
                    times[times.size() / 2], runs);
        std::printf("mote-bench: wall_ms %.6f\n", times[times.size() / 2]);
    }
    return 0;
}
