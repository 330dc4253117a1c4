#pragma once
// Golden-test harness: runs a converted model on raw input files and compares its output with
// the TFLite Micro reference output.  int8 outputs must match byte for byte; float32 outputs
// within a relative tolerance given on the command line.  Built with -fno-exceptions -fno-rtti.
//
//   runner CASE [--tol REL] IN WANT [IN WANT ...]
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace golden {

struct Entry {
    const char* name;
    std::size_t in_bytes;
    std::size_t out_bytes;
    bool float_out;
    void (*run)(const std::byte* in, std::byte* out);
};

template <class Net, std::size_t... I>
constexpr std::size_t input_bytes(std::index_sequence<I...>) {
    return (std::size_t{0} + ... + Net::template input<I>::bytes);
}

template <class Net>
void run(const std::byte* in, std::byte* out) {
    static typename Net::Arena arena;
    Net::run_bytes(arena, in, out);
}

template <class Net>
constexpr Entry entry(const char* name) {
    return {name, input_bytes<Net>(std::make_index_sequence<static_cast<std::size_t>(
                      Net::input_count)>{}),
            Net::output::bytes, std::is_same_v<typename Net::output::value_type, float>,
            &run<Net>};
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

// Returns the number of mismatching elements (printing the first few).
inline std::size_t compare(const Entry& e, const std::vector<std::byte>& got,
                           const std::vector<std::byte>& want, double rel_tol, double& worst) {
    std::size_t bad = 0;
    if (!e.float_out) {
        for (std::size_t i = 0; i < want.size(); ++i) {
            const int g = static_cast<std::int8_t>(got[i]);
            const int w = static_cast<std::int8_t>(want[i]);
            if (g != w) {
                if (bad < 10) std::printf("  mismatch at %zu: got %d, want %d\n", i, g, w);
                ++bad;
            }
        }
        return bad;
    }
    const std::size_t n = want.size() / 4;
    double max_abs = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        max_abs = std::fmax(max_abs, std::fabs(static_cast<double>(load_float(&want[4 * i]))));
    }
    const double tol = rel_tol * (max_abs > 0.0 ? max_abs : 1.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double g = load_float(&got[4 * i]);
        const double w = load_float(&want[4 * i]);
        const double d = std::fabs(g - w);
        if (!(d <= tol)) {
            if (bad < 10) {
                std::printf("  mismatch at %zu: got %.9g, want %.9g (|diff| %.3g > %.3g)\n", i,
                            g, w, d, tol);
            }
            ++bad;
        }
        if (d == d && max_abs > 0.0) worst = std::fmax(worst, d / max_abs);
    }
    return bad;
}

inline int main(const Entry* entries, std::size_t count, int argc, char** argv) {
    if (argc < 2) {
        std::printf("usage: %s CASE [--tol REL] IN WANT [IN WANT ...]\n", argv[0]);
        return 2;
    }
    const Entry* e = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
        if (std::strcmp(entries[i].name, argv[1]) == 0) e = &entries[i];
    }
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
    std::vector<std::byte> in, want, got(e->out_bytes);
    int failures = 0;
    int pairs = 0;
    double worst = 0.0;
    for (; a + 1 < argc; a += 2, ++pairs) {
        const char* in_path = argv[a];
        const char* want_path = argv[a + 1];
        if (!read_file(in_path, in) || !read_file(want_path, want)) {
            std::printf("FAIL %s: cannot read %s or %s\n", e->name, in_path, want_path);
            ++failures;
            continue;
        }
        if (in.size() != e->in_bytes || want.size() != e->out_bytes) {
            std::printf("FAIL %s: %s is %zu bytes (model input %zu), %s is %zu bytes "
                        "(model output %zu)\n",
                        e->name, in_path, in.size(), e->in_bytes, want_path, want.size(),
                        e->out_bytes);
            ++failures;
            continue;
        }
        std::memset(got.data(), 0xA5, got.size());
        e->run(in.data(), got.data());
        const std::size_t bad = compare(*e, got, want, rel_tol, worst);
        if (bad != 0) {
            std::printf("FAIL %s: %s: %zu of %zu output %s differ\n", e->name, want_path, bad,
                        e->float_out ? want.size() / 4 : want.size(),
                        e->float_out ? "floats" : "bytes");
            ++failures;
        }
    }
    if (failures != 0) {
        std::printf("FAIL %s: %d of %d pairs failed\n", e->name, failures, pairs);
        return 1;
    }
    if (e->float_out) {
        std::printf("PASS %s: %d pairs, float32 within %.3g x max|want| (worst %.3g)\n",
                    e->name, pairs, rel_tol, worst);
    } else {
        std::printf("PASS %s: %d pairs, %zu int8 bytes each, bit-exact\n", e->name, pairs,
                    e->out_bytes);
    }
    return 0;
}

}  // namespace golden
