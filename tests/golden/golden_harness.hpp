#pragma once
// Golden-test harness: runs a converted model on raw input files and compares its outputs with
// the TFLite Micro reference outputs.  Integer outputs must match byte for byte; float32 outputs
// within a relative tolerance given on the command line.  Built with -fno-exceptions -fno-rtti.
//
//   runner CASE [--tol REL] IN WANT [IN WANT ...]
//   runner --fallbacks      fails if a layer holding > 5 % of a model's MACs runs a reference
//                           kernel on this build (mote::costly_reference_layer), naming each
//
// IN holds one or more whole inputs back to back; they run as successive inferences on one fresh
// state (a stream; a stateless model simply runs each), once with the inputs in the caller's
// buffer (Net::Arena) and once written into the arena (Net::ArenaWithInputs).  WANT names the reference output file,
// or for a model with several outputs one file per output joined by commas (out0,out1,...), each
// holding that output of every inference back to back.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <mote/model/describe.hpp>

namespace golden {

inline constexpr std::size_t max_outputs = 8;

struct Entry {
    const char* name;
    std::size_t in_bytes;                   // one inference's inputs
    std::size_t output_count;
    std::size_t out_bytes[max_outputs];     // one inference's bytes of each output
    bool float_out[max_outputs];
    // Outputs frame-major.
    void (*run)(mote::InputPlace inputs, const std::byte* in, std::byte* out, std::size_t frames);
    std::size_t (*report_fallbacks)(const char* name);  // prints them; returns how many
};

template <class Net>
std::size_t report_fallbacks(const char* name) {
    std::size_t n = 0;
    static constexpr auto rows = Net::layer_info();  // in flash, not on the stack
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (mote::costly_reference_layer<Net>(rows[i])) {
            std::printf("kernel fallback: %s layer %zu %s holds %.1f %% of the MACs and runs the "
                        "reference kernel\n", name, i, rows[i].name,
                        100.0 * static_cast<double>(rows[i].macs) / static_cast<double>(Net::macs));
            ++n;
        }
    return n;
}

// One inference with the inputs written into the arena: the bytes run_bytes would read.
template <class Net>
void run_in_arena(typename Net::ArenaWithInputs& arena, const std::byte* in, std::byte* out,
                  auto&... state) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        std::size_t offset = 0;
        ((std::memcpy(Net::template input_buffer<I>(arena), in + offset, Net::template input<I>::bytes),
          offset += Net::template input<I>::bytes),
         ...);
    }(std::make_index_sequence<static_cast<std::size_t>(Net::input_count)>{});
    const auto outputs = Net::run(arena, state...);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        std::size_t offset = 0;
        // One output is a pointer, several a tuple: std::tuple{} makes both a tuple.
        ((std::memcpy(out + offset, std::get<I>(std::tuple{outputs}), Net::template output_at<I>::bytes),
          offset += Net::template output_at<I>::bytes),
         ...);
    }(std::make_index_sequence<Net::output_count>{});
}

template <class Net>
void run(mote::InputPlace inputs, const std::byte* in, std::byte* out, std::size_t frames) {
    static typename Net::Arena arena;
    static typename Net::ArenaWithInputs arena_with_inputs;
    const auto one = [&](std::size_t f, auto&... state) {
        if (inputs == mote::InputPlace::arena)
            run_in_arena<Net>(arena_with_inputs, in + f * Net::input_bytes, out + f * Net::output_bytes,
                              state...);
        else
            Net::run_bytes(arena, state..., in + f * Net::input_bytes, out + f * Net::output_bytes);
    };
    if constexpr (Net::stateful) {
        static typename Net::State state;
        Net::reset(state);
        for (std::size_t f = 0; f < frames; ++f) one(f, state);
    } else {
        for (std::size_t f = 0; f < frames; ++f) one(f);
    }
}

template <class Net>
constexpr Entry entry(const char* name) {
    static_assert(Net::output_count <= max_outputs);
    Entry e{name, Net::input_bytes, Net::output_count, {}, {}, &run<Net>, &report_fallbacks<Net>};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((e.out_bytes[I] = Net::template output_at<I>::bytes,
          e.float_out[I] = std::is_same_v<typename Net::template output_at<I>::value_type, float>),
         ...);
    }(std::make_index_sequence<Net::output_count>{});
    return e;
}

inline bool read_file(const char* path, std::vector<std::byte>& out) {
    std::FILE* f = std::fopen(path, "rb");
    if (f == nullptr) return false;
    out.clear();
    std::byte buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    const bool ok = std::ferror(f) == 0;
    std::fclose(f);
    return ok;
}

inline float load_float(const std::byte* p) {
    float v = 0.0f;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Mismatching elements of one output of one inference (printing the first few).
inline std::size_t compare(bool float_out, const std::byte* got, const std::byte* want,
                           std::size_t bytes, double rel_tol, double& worst, std::size_t& printed) {
    std::size_t bad = 0;
    if (!float_out) {
        for (std::size_t i = 0; i < bytes; ++i) {
            if (got[i] != want[i]) {
                if (printed++ < 10)
                    std::printf("  mismatch at byte %zu: got 0x%02x, want 0x%02x\n", i,
                                static_cast<unsigned>(got[i]), static_cast<unsigned>(want[i]));
                ++bad;
            }
        }
        return bad;
    }
    const std::size_t n = bytes / 4;
    double max_abs = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        max_abs = std::fmax(max_abs, std::fabs(static_cast<double>(load_float(want + 4 * i))));
    const double tol = rel_tol * (max_abs > 0.0 ? max_abs : 1.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double g = load_float(got + 4 * i);
        const double w = load_float(want + 4 * i);
        const double d = std::fabs(g - w);
        if (!(d <= tol)) {
            if (printed++ < 10)
                std::printf("  mismatch at %zu: got %.9g, want %.9g (|diff| %.3g > %.3g)\n", i, g,
                            w, d, tol);
            ++bad;
        }
        if (d == d && max_abs > 0.0) worst = std::fmax(worst, d / max_abs);
    }
    return bad;
}

// Splits "a,b,c" into at most max_outputs paths (in place).
inline std::size_t split_paths(char* list, const char* (&paths)[max_outputs]) {
    std::size_t n = 0;
    for (char* p = list; n < max_outputs;) {
        paths[n++] = p;
        char* comma = std::strchr(p, ',');
        if (comma == nullptr) break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

// Exit 77 (ctest: skipped) on the reference-kernel build, which has nothing to fall back from.
inline int check_fallbacks(const Entry* entries, std::size_t count) {
    if (mote::config::reference_kernels) {
        std::printf("SKIPPED: the reference-kernel build has no optimized kernels\n");
        return 77;
    }
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i) n += entries[i].report_fallbacks(entries[i].name);
    std::printf("%s: %zu layer(s) on a reference kernel with > 5 %% of their model's MACs, over %zu "
                "model(s) (%s kernels)\n", n == 0 ? "PASS" : "FAIL", n, count,
                mote::config::isa_name(mote::config::isa));
    return n == 0 ? 0 : 1;
}

inline int main(const Entry* entries, std::size_t count, int argc, char** argv) {
    if (argc < 2) {
        std::printf("usage: %s CASE [--tol REL] IN WANT[,WANT...] [IN WANT ...]\n"
                    "       %s --fallbacks\n", argv[0], argv[0]);
        return 2;
    }
    if (std::strcmp(argv[1], "--fallbacks") == 0) return check_fallbacks(entries, count);
    const Entry* e = nullptr;
    for (std::size_t i = 0; i < count; ++i)
        if (std::strcmp(entries[i].name, argv[1]) == 0) e = &entries[i];
    if (e == nullptr) {
        std::printf("FAIL: unknown case %s\n", argv[1]);
        return 1;
    }
    int a = 2;
    double rel_tol = 0.0;
    if (a + 1 < argc && std::strcmp(argv[a], "--tol") == 0) {
        rel_tol = std::strtod(argv[a + 1], nullptr);
        a += 2;
    }
    if (a >= argc || (argc - a) % 2 != 0) {
        std::printf("FAIL: expected IN WANT pairs\n");
        return 2;
    }
    std::size_t frame_bytes = 0;
    for (std::size_t k = 0; k < e->output_count; ++k) frame_bytes += e->out_bytes[k];
    std::vector<std::byte> in, got;
    std::vector<std::byte> want[max_outputs];
    int failures = 0, pairs = 0;
    std::size_t inferences = 0;
    double worst = 0.0;
    for (; a + 1 < argc; a += 2, ++pairs) {
        const char* in_path = argv[a];
        const char* paths[max_outputs] = {};
        const std::size_t files = split_paths(argv[a + 1], paths);
        bool ok = read_file(in_path, in) && files == e->output_count && e->in_bytes != 0 &&
                  in.size() % e->in_bytes == 0 && !in.empty();
        const std::size_t frames = ok ? in.size() / e->in_bytes : 0;
        for (std::size_t k = 0; ok && k < files; ++k)
            ok = read_file(paths[k], want[k]) && want[k].size() == frames * e->out_bytes[k];
        if (!ok) {
            std::printf("FAIL %s: %s and its %zu reference file(s) (%s...) are unreadable or do "
                        "not hold whole inferences (input %zu B, %zu outputs)\n",
                        e->name, in_path, files, paths[0], e->in_bytes, e->output_count);
            ++failures;
            continue;
        }
        for (const mote::InputPlace place : {mote::InputPlace::caller, mote::InputPlace::arena}) {
            const char* where = place == mote::InputPlace::arena ? "inputs in the arena"
                                                                 : "inputs in the caller's buffer";
            got.assign(frames * frame_bytes, std::byte{0xA5});
            e->run(place, in.data(), got.data(), frames);
            if (place == mote::InputPlace::caller) inferences += frames;
            std::size_t bad = 0, printed = 0;
            for (std::size_t f = 0; f < frames; ++f) {
                std::size_t offset = f * frame_bytes;
                for (std::size_t k = 0; k < e->output_count; ++k) {
                    const std::size_t b = compare(e->float_out[k], got.data() + offset,
                                                  want[k].data() + f * e->out_bytes[k],
                                                  e->out_bytes[k], rel_tol, worst, printed);
                    if (b != 0 && printed <= 10)
                        std::printf("  (%s: inference %zu of %zu, output %zu: %s)\n", where,
                                    f + 1, frames, k, paths[k]);
                    bad += b;
                    offset += e->out_bytes[k];
                }
            }
            if (bad != 0) {
                std::printf("FAIL %s: %s, %s: %zu output elements differ over %zu inference(s)\n",
                            e->name, in_path, where, bad, frames);
                ++failures;
            }
        }
    }
    if (failures != 0) {
        std::printf("FAIL %s: %d of %d pairs failed\n", e->name, failures, pairs);
        return 1;
    }
    bool any_float = false;
    for (std::size_t k = 0; k < e->output_count; ++k) any_float = any_float || e->float_out[k];
    if (any_float)
        std::printf("PASS %s: %d pairs (%zu inferences, inputs in the caller's buffer and in the "
                    "arena), float32 within %.3g x max|want| (worst %.3g), other outputs bit-exact\n",
                    e->name, pairs, inferences, rel_tol, worst);
    else
        std::printf("PASS %s: %d pairs (%zu inferences, inputs in the caller's buffer and in the "
                    "arena), %zu output bytes each, bit-exact\n",
                    e->name, pairs, inferences, frame_bytes);
    return 0;
}

}  // namespace golden
