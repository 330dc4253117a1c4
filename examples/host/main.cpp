// Runs the hand-written bars model on the host: prints its compile-time plan, then classifies
// a vertical and a horizontal bar. Exits non-zero if either is misclassified.
#include <cstdio>

#include "bars.hpp"

static_assert(bars::Model::arena_bytes <= 1024, "the example fits in 1 KiB of arena");

int main() {
    using Net = bars::Model;
    std::printf("bars: %d layers, %llu MACs, %zu B of weights, %zu B of arena\n",
                static_cast<int>(Net::layer_count), static_cast<unsigned long long>(Net::macs),
                Net::weight_bytes, Net::arena_bytes);
    mote::describe<Net>([](const char* text) { std::fputs(text, stdout); });

    static Net::Arena arena;
    int wrong = 0;
    for (int want = 0; want < 2; ++want) {
        std::int8_t image[64];
        bars::draw_bar(image, want == 0, 3 + want);
        const std::int8_t* p = Net::run(arena, image);
        const int got = p[1] > p[0] ? 1 : 0;
        std::printf("%-15s -> %-15s (p = %.3f, %.3f)\n", bars::class_names[want],
                    bars::class_names[got], (p[0] + 128) / 256.0, (p[1] + 128) / 256.0);
        wrong += got != want;
    }
    return wrong;
}
