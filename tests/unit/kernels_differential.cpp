// Optimized kernels against the reference kernels (the spec), on random shapes chosen to hit
// every tail: odd channel counts, columns that are not multiples of 4/8/16, odd pixel counts,
// padding on every side, strides, dilations, every requantization shift; depthwise with depth
// multipliers 1..8 and windows up to 10×10 on every path (taps, one-channel Conv2D, grouped
// GEMM); pruned pointwise layers on the compact GEMM. Runs every primitive set this build can:
// the portable one and the one selected (x86 SSE2 on the host, AVX2 in a -mavx2 build, which
// runs the SSE2 set too; DSP/Helium on targets).
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include <mote/mote.hpp>

#include "primitive_sets.hpp"

namespace {

using mote_test::PrimitiveSets;

using mote::WindowGeometry;
namespace k = mote::kernels;
namespace ref = mote::reference;

struct Params {
    std::vector<std::int32_t> bias, multiplier;
    std::vector<std::int8_t> exponent;
    std::vector<k::ChannelQ> q;
    std::int32_t in_zp = 0, out_zp = 0;
    mote::quant::ClampRange clamp{};

    ref::RequantView reference() const {
        return {bias.data(), multiplier.data(), exponent.data(), in_zp, out_zp, clamp};
    }
    k::Requant optimized() const {
        const bool right = std::all_of(exponent.begin(), exponent.end(), [](std::int8_t e) { return e < 0; });
        return {bias.data(), q.data(), out_zp, clamp.min, clamp.max, right};
    }
};

std::mt19937& rng() {
    static std::mt19937 g(20240611u);
    return g;
}
int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng()); }

std::vector<std::int8_t> random_bytes(std::size_t n) {
    std::vector<std::int8_t> v(n);
    for (auto& x : v) x = static_cast<std::int8_t>(uniform(-128, 127));
    return v;
}

// Half of the layers have right shifts only (Requant::all_right_shifts: the vector paths).
Params random_params(int channels, bool big) {
    Params p;
    const bool right_only = uniform(0, 1) == 0;
    for (int c = 0; c < channels; ++c) {
        p.bias.push_back(big ? uniform(-(1 << 30), 1 << 30) : uniform(-40000, 40000));
        const int m = uniform(0, 9) == 0 ? 0 : (1 << 30) + uniform(0, (1 << 30) - 1);
        const int e = !right_only && uniform(0, 5) == 0 ? uniform(0, 6) : -uniform(1, 20);
        p.multiplier.push_back(m);
        p.exponent.push_back(static_cast<std::int8_t>(e));
        p.q.push_back(k::channel_q(m, e));
    }
    p.in_zp = uniform(-128, 127);
    p.out_zp = uniform(-128, 127);
    switch (uniform(0, 2)) {
        case 0: p.clamp = {-128, 127}; break;
        case 1: p.clamp = {p.out_zp, 127}; break;
        default: p.clamp = {uniform(-128, 0), uniform(1, 127)}; break;
    }
    return p;
}

// g with its output size and pads for `padding` (a VALID window larger than the input grows the input).
WindowGeometry with_padding(WindowGeometry g, mote::Padding padding) {
    const int eff_h = (g.kernel_h - 1) * g.dilation_h + 1, eff_w = (g.kernel_w - 1) * g.dilation_w + 1;
    if (padding == mote::Padding::valid && (g.in_h < eff_h || g.in_w < eff_w)) {
        g.in_h += eff_h, g.in_w += eff_w;
    }
    g.out_h = mote::window_output_size(padding, g.in_h, g.kernel_h, g.stride_h, g.dilation_h);
    g.out_w = mote::window_output_size(padding, g.in_w, g.kernel_w, g.stride_w, g.dilation_w);
    g.pad_top = padding == mote::Padding::same
                    ? mote::window_pad_before(g.in_h, g.out_h, g.kernel_h, g.stride_h, g.dilation_h)
                    : 0;
    g.pad_left = padding == mote::Padding::same
                     ? mote::window_pad_before(g.in_w, g.out_w, g.kernel_w, g.stride_w, g.dilation_w)
                     : 0;
    return g;
}

WindowGeometry random_window(bool depthwise) {
    WindowGeometry g{};
    const bool pointwise = uniform(0, 3) == 0;
    g.kernel_h = pointwise ? 1 : uniform(1, 4);
    g.kernel_w = pointwise ? 1 : uniform(1, 4);
    g.stride_h = pointwise ? 1 : uniform(1, 2);
    g.stride_w = pointwise ? 1 : uniform(1, 2);
    g.dilation_h = pointwise ? 1 : (uniform(0, 4) == 0 ? 2 : 1);
    g.dilation_w = pointwise ? 1 : (uniform(0, 4) == 0 ? 2 : 1);
    g.in_h = uniform(1, 9);
    g.in_w = uniform(1, 9);
    g.in_c = depthwise ? uniform(1, 70) : uniform(1, 40);
    g.out_c = depthwise ? g.in_c : uniform(1, 37);
    return with_padding(g, pointwise || uniform(0, 1) ? mote::Padding::same : mote::Padding::valid);
}

// A depthwise geometry with depth multiplier m: windows up to 10×10 (past the 64-tap stack
// table), strides up to 3 (past the kernel), dilation, SAME pads larger than the image.
WindowGeometry random_depthwise_window(int m) {
    WindowGeometry g{};
    const bool tall = uniform(0, 3) == 0;
    g.kernel_h = tall ? uniform(5, 10) : uniform(1, 4);
    g.kernel_w = tall ? uniform(4, 10) : uniform(1, 4);
    g.stride_h = uniform(1, 3);
    g.stride_w = uniform(1, 3);
    g.dilation_h = uniform(0, 4) == 0 ? uniform(2, 3) : 1;
    g.dilation_w = uniform(0, 4) == 0 ? uniform(2, 3) : 1;
    g.in_h = uniform(1, tall ? 14 : 9);
    g.in_w = uniform(1, tall ? 12 : 9);
    g.in_c = uniform(0, 5) == 0 ? 1 : uniform(1, m == 1 ? 70 : 24);
    g.out_c = g.in_c * m;
    return with_padding(g, uniform(0, 1) ? mote::Padding::same : mote::Padding::valid);
}

template <class P>
void check_conv(int trial) {
    const WindowGeometry g = random_window(false);
    const int taps = g.kernel_h * g.kernel_w * g.in_c;
    const Params p = random_params(g.out_c, trial % 7 == 0);
    const auto in = random_bytes(static_cast<std::size_t>(g.in_h) * g.in_w * g.in_c);
    const auto w = random_bytes(static_cast<std::size_t>(g.out_c) * taps);
    const int kp = k::conv2d_k<P>(g);  // rows zero-padded where the primitive set wants it
    std::vector<std::int8_t> padded(static_cast<std::size_t>(g.out_c) * kp);
    k::pad_rows(w.data(), padded.data(), g.out_c, taps, kp);
    std::vector<k::weight_t<P>> packed(padded.size());
    k::pack_weights(P::layout, padded.data(), packed.data(), g.out_c, kp);
    const std::size_t outs = static_cast<std::size_t>(g.out_h) * g.out_w * g.out_c;
    std::vector<std::int8_t> expected(outs), got(outs, 0x55);
    alignas(16) static std::byte scratch[1 << 16];
    REQUIRE(k::conv2d_scratch_bytes<P>(g) <= sizeof scratch);
    ref::conv2d(g, p.reference(), in.data(), w.data(), expected.data());
    k::conv2d<P>(g, p.optimized(), p.in_zp, in.data(), packed.data(), got.data(), scratch);
    INFO("trial " << trial << " in " << g.in_h << "x" << g.in_w << "x" << g.in_c << " out_c " << g.out_c
                  << " kernel " << g.kernel_h << "x" << g.kernel_w << " stride " << g.stride_h << ","
                  << g.stride_w << " dilation " << g.dilation_h << "," << g.dilation_w << " pad "
                  << g.pad_top << "," << g.pad_left);
    REQUIRE(got == expected);
}

// One depthwise layer with multiplier m on `path` against the reference, with the weights and
// records in the order the path reads them (as DepthwisePlan stores them).
template <class P>
void check_depthwise(k::DepthwisePath path, const WindowGeometry& g, int m, int trial) {
    const Params p = random_params(g.out_c, trial % 7 == 0);
    const auto in = random_bytes(static_cast<std::size_t>(g.in_h) * g.in_w * g.in_c);
    const auto w = random_bytes(static_cast<std::size_t>(g.kernel_h) * g.kernel_w * g.out_c);
    const int taps = g.kernel_h * g.kernel_w;
    const std::size_t outs = static_cast<std::size_t>(g.out_h) * g.out_w * g.out_c;
    std::vector<std::int8_t> expected(outs), got(outs, 0x55);
    alignas(16) static std::byte scratch[1 << 14];
    ref::depthwise_conv2d(g, m, p.reference(), in.data(), w.data(), expected.data());
    if (path == k::DepthwisePath::taps) {
        std::vector<std::int8_t> relaid(w.size());
        k::depthwise_by_multiplier(w.data(), relaid.data(), g.in_c, m, taps);
        Params q = p;  // records in the order [M][C]
        for (int o = 0; o < g.out_c; ++o) {
            const auto to = static_cast<std::size_t>(o % m * g.in_c + o / m);
            q.bias[to] = p.bias[static_cast<std::size_t>(o)], q.q[to] = p.q[static_cast<std::size_t>(o)];
        }
        REQUIRE(k::depthwise_taps_scratch_bytes(g) <= sizeof scratch);
        k::depthwise_conv2d<P>(g, m, q.optimized(), p.in_zp, in.data(), relaid.data(), got.data(), scratch);
    } else {
        std::vector<std::int8_t> rows(w.size());
        k::depthwise_rows(w.data(), rows.data(), g.out_c, taps);
        std::vector<k::weight_t<P>> packed(static_cast<std::size_t>(g.in_c) * k::group_stride(m, taps));
        k::pack_groups(P::layout, rows.data(), packed.data(), g.in_c, m, taps);
        REQUIRE(k::grouped_scratch_bytes<P>(g) <= sizeof scratch);
        k::depthwise_grouped<P>(g, m, p.optimized(), p.in_zp, in.data(), packed.data(), got.data(), scratch);
    }
    INFO("trial " << trial << " path " << static_cast<int>(path) << " in " << g.in_h << "x" << g.in_w << "x"
                  << g.in_c << " multiplier " << m << " kernel " << g.kernel_h << "x" << g.kernel_w << " stride "
                  << g.stride_h << "," << g.stride_w << " dilation " << g.dilation_h << "," << g.dilation_w
                  << " pad " << g.pad_top << "," << g.pad_left << " out " << g.out_h << "x" << g.out_w);
    REQUIRE(got == expected);
}

// Both paths take every multiplier and channel count (DepthwisePlan picks one per layer).
template <class P>
void check_depthwise(const WindowGeometry& g, int m, int trial) {
    check_depthwise<P>(k::DepthwisePath::taps, g, m, trial);
    check_depthwise<P>(k::DepthwisePath::grouped, g, m, trial);
}

template <class P>
void check_depthwise(int trial) {
    const int m = trial % 3 == 0 ? 1 : uniform(1, 8);
    check_depthwise<P>(random_depthwise_window(m), m, trial);
}

// Depthwise takes output pixels two at a time in raster order (a pair may span two rows, an odd
// last pixel is paired with one past the end whose result is dropped): every small output width
// and height, with strides, dilations, padding, channel counts around the 4-channel passes and
// the 32-channel chunks, and multipliers 1, 2 and 8.
template <class P>
void check_depthwise_sweep() {
    int trial = 0;
    for (int in_w = 1; in_w <= 6; ++in_w)
        for (int in_h = 1; in_h <= 3; ++in_h)
            for (int s = 1; s <= 2; ++s)
                for (int d = 1; d <= 2; ++d)
                    for (const bool same : {true, false})
                        for (const int ch : {1, 4, 7, 36})
                            for (const int m : {1, 2, 8}) {
                                if (m == 8 && ch == 36) continue;
                                WindowGeometry g{};
                                g.kernel_h = in_h == 3 ? 2 : 3, g.kernel_w = 3;
                                g.stride_h = g.stride_w = s, g.dilation_h = g.dilation_w = d;
                                g.in_h = in_h, g.in_w = in_w, g.in_c = ch, g.out_c = ch * m;
                                const int eff_h = (g.kernel_h - 1) * d + 1, eff_w = (g.kernel_w - 1) * d + 1;
                                if (!same && (in_h < eff_h || in_w < eff_w)) continue;
                                check_depthwise<P>(with_padding(g, same ? mote::Padding::same : mote::Padding::valid), m,
                                                   trial++);
                            }
}

// Named edge cases: 1×1 images, SAME pads larger than the image, strides past the kernel, tall
// audio kernels (80 taps: the tap table leaves the stack), one input channel with multiplier 8.
template <class P>
void check_depthwise_edges() {
    struct Case {
        int h, w, c, m, kh, kw, sh, sw, dh, dw;
        mote::Padding pad;
    };
    constexpr auto same = mote::Padding::same, valid = mote::Padding::valid;
    const Case cases[] = {
        {1, 1, 1, 8, 3, 3, 1, 1, 1, 1, same},   {1, 1, 5, 1, 3, 3, 1, 1, 1, 1, same},
        {1, 1, 3, 2, 10, 10, 1, 1, 1, 1, same}, {1, 1, 6, 1, 10, 10, 2, 2, 1, 1, same},
        {2, 3, 1, 4, 10, 8, 1, 1, 1, 1, same},  {7, 9, 5, 3, 1, 2, 3, 3, 1, 1, valid},
        {8, 8, 4, 1, 1, 1, 3, 2, 1, 1, same},   {9, 9, 3, 2, 3, 3, 1, 1, 3, 2, same},
        {49, 10, 1, 8, 10, 4, 2, 2, 1, 1, same}, {13, 10, 3, 4, 10, 8, 1, 1, 1, 1, same},
        {13, 10, 32, 1, 10, 8, 1, 1, 1, 1, same}, {9, 9, 37, 1, 9, 9, 1, 1, 1, 1, valid},
        {6, 5, 2, 8, 11, 1, 1, 1, 1, 1, same},  {5, 7, 9, 1, 1, 65, 1, 1, 1, 1, same},
    };
    int trial = 0;
    for (const Case& e : cases) {
        WindowGeometry g{};
        g.in_h = e.h, g.in_w = e.w, g.in_c = e.c, g.out_c = e.c * e.m;
        g.kernel_h = e.kh, g.kernel_w = e.kw, g.stride_h = e.sh, g.stride_w = e.sw;
        g.dilation_h = e.dh, g.dilation_w = e.dw;
        check_depthwise<P>(with_padding(g, e.pad), e.m, trial++);
    }
}

template <class P>
void check_dense(int trial) {
    const int inputs = uniform(1, trial % 5 == 0 ? 700 : 80), outputs = uniform(1, 45);
    const Params p = random_params(outputs, trial % 7 == 0);
    const auto in = random_bytes(static_cast<std::size_t>(inputs));
    const auto w = random_bytes(static_cast<std::size_t>(inputs) * outputs);
    std::vector<std::int8_t> packed(w.size());
    k::pack_weights(P::layout, w.data(), packed.data(), outputs, inputs);
    std::vector<std::int8_t> expected(static_cast<std::size_t>(outputs)), got(expected.size(), 0x55);
    alignas(16) static std::byte scratch[1 << 12];
    REQUIRE(k::fully_connected_scratch_bytes<P>(inputs) <= sizeof scratch);
    ref::fully_connected(inputs, outputs, p.reference(), in.data(), w.data(), expected.data());
    k::fully_connected<P>(inputs, outputs, p.optimized(), in.data(), packed.data(), got.data(), scratch);
    INFO("trial " << trial << " inputs " << inputs << " outputs " << outputs);
    REQUIRE(got == expected);
}

// A pruned pointwise layer on the compact GEMM: a quarter of the input columns and of the output
// rows dead (zero weights), the live weights gathered, outputs scattered through the row index,
// dead rows' outputs their constants.
template <class P>
void check_compact(int trial) {
    WindowGeometry g{};
    g.in_h = uniform(1, 9), g.in_w = 1, g.in_c = uniform(1, 40), g.out_c = uniform(1, 37);
    g.kernel_h = g.kernel_w = g.stride_h = g.stride_w = g.dilation_h = g.dilation_w = 1;
    g = with_padding(g, mote::Padding::valid);
    const Params p = random_params(g.out_c, trial % 7 == 0);
    const auto in = random_bytes(static_cast<std::size_t>(g.in_h) * g.in_c);
    auto w = random_bytes(static_cast<std::size_t>(g.out_c) * g.in_c);
    std::vector<std::int16_t> live_cols, live_rows;
    for (int c = 0; c < g.in_c; ++c)
        if (uniform(0, 3) != 0) live_cols.push_back(static_cast<std::int16_t>(c));
    for (int r = 0; r < g.out_c; ++r)
        if (uniform(0, 3) != 0) live_rows.push_back(static_cast<std::int16_t>(r));
    std::vector<std::int8_t> live_w;
    Params live;  // the live rows' records, in compacted order
    live.in_zp = p.in_zp, live.out_zp = p.out_zp, live.clamp = p.clamp;
    for (int r = 0; r < g.out_c; ++r) {
        const bool row = std::find(live_rows.begin(), live_rows.end(), r) != live_rows.end();
        for (int c = 0; c < g.in_c; ++c) {
            std::int8_t& v = w[static_cast<std::size_t>(r * g.in_c + c)];
            if (!row || std::find(live_cols.begin(), live_cols.end(), c) == live_cols.end()) v = 0;
            else live_w.push_back(v);
        }
        if (!row) continue;
        const auto o = static_cast<std::size_t>(r);
        live.bias.push_back(p.bias[o]), live.multiplier.push_back(p.multiplier[o]);
        live.exponent.push_back(p.exponent[o]), live.q.push_back(p.q[o]);
    }
    std::vector<std::int8_t> dead(static_cast<std::size_t>(g.out_c));
    for (int o = 0; o < g.out_c; ++o)
        dead[static_cast<std::size_t>(o)] = ref::requantize_to_int8(p.bias[static_cast<std::size_t>(o)], p.reference(), o);
    const int rows = static_cast<int>(live_rows.size()), cols = static_cast<int>(live_cols.size());
    std::vector<k::weight_t<P>> packed(live_w.size());
    k::pack_weights(P::layout, live_w.data(), packed.data(), rows, cols);
    const k::CompactGemm s{g.in_h, g.in_c, g.out_c, cols, live_cols.data(), rows, live_rows.data(), dead.data()};
    std::vector<std::int8_t> expected(static_cast<std::size_t>(g.in_h) * g.out_c), got(expected.size(), 0x55);
    alignas(16) static std::byte scratch[1 << 12];
    REQUIRE(k::compact_scratch_bytes<P>(cols, true) <= sizeof scratch);
    ref::conv2d(g, p.reference(), in.data(), w.data(), expected.data());
    k::pointwise_compact<P>(s, live.optimized(), in.data(), packed.data(), got.data(), scratch);
    INFO("trial " << trial << " pixels " << g.in_h << " in_c " << g.in_c << " out_c " << g.out_c << " live cols "
                  << cols << " live rows " << rows);
    REQUIRE(got == expected);
}

template <class P>
void check_requantize_rows() {
    for (int trial = 0; trial < 2000; ++trial) {
        const int n = uniform(1, 23);
        Params p = random_params(n, true);
        std::vector<std::int32_t> acc(static_cast<std::size_t>(n));
        for (auto& a : acc) {
            const int kind = uniform(0, 3);
            a = kind == 0 ? static_cast<std::int32_t>(rng()()) : kind == 1 ? uniform(-3, 3) : uniform(-100000, 100000);
        }
        std::vector<std::int8_t> expected(acc.size()), got(acc.size());
        const auto rv = p.reference();
        for (int i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = ref::requantize_to_int8(acc[static_cast<std::size_t>(i)], rv, i);
        P::requantize_row(acc.data(), p.optimized(), 0, n, got.data());
        REQUIRE(got == expected);
    }
}

}  // namespace

TEST_CASE("Merged double rounding equals the reference requantization", "[kernels][requant]") {
    const std::int32_t specials[] = {0, 1, -1, 2, -2, 1 << 30, -(1 << 30), INT32_MAX, INT32_MIN,
                                     INT32_MAX - 1, INT32_MIN + 1, 12345, -12345};
    for (int trial = 0; trial < 200000; ++trial) {
        const std::int32_t m = trial % 50 == 0 ? 0 : (1 << 30) + uniform(0, (1 << 30) - 1);
        const int e = uniform(-31, 7);
        const std::int32_t acc = trial % 3 == 0 ? specials[trial / 3 % 13]
                                                : static_cast<std::int32_t>(rng()()) >> uniform(0, 31);
        INFO("acc " << acc << " multiplier " << m << " exponent " << e);
        REQUIRE(k::requantize(acc, k::channel_q(m, e)) ==
                mote::quant::multiply_by_quantized_multiplier(acc, m, e));
    }
}

TEMPLATE_LIST_TEST_CASE("Optimized kernels equal the reference kernels", "[kernels][differential]",
                        PrimitiveSets) {
    INFO("isa " << mote::config::isa_name(mote::config::isa));
    check_requantize_rows<TestType>();
    for (int trial = 0; trial < 400; ++trial) check_conv<TestType>(trial);
    for (int trial = 0; trial < 400; ++trial) check_depthwise<TestType>(trial);
    check_depthwise_sweep<TestType>();
    check_depthwise_edges<TestType>();
    for (int trial = 0; trial < 400; ++trial) check_dense<TestType>(trial);
    for (int trial = 0; trial < 200; ++trial) check_compact<TestType>(trial);
}

TEST_CASE("Packed weights are a permutation of the TFLite order", "[kernels][pack]") {
    for (auto layout : {k::WeightLayout::rows, k::WeightLayout::permuted4, k::WeightLayout::paired4}) {
        for (int rows = 1; rows <= 5; ++rows)
            for (int cols = 1; cols <= 11; ++cols) {
                std::vector<std::int8_t> src(static_cast<std::size_t>(rows * cols)), dst(src.size());
                for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::int8_t>(i);
                k::pack_weights(layout, src.data(), dst.data(), rows, cols);
                std::vector<int> seen(src.size(), 0);
                for (auto v : dst) ++seen[static_cast<std::size_t>(v)];
                for (int s : seen) REQUIRE(s == 1);
            }
    }
}

TEST_CASE("Depthwise weights re-laid: output channel c·M + m as row m of group c, or at [m][t][c]", "[kernels][pack]") {
    const int taps = 5, groups = 3, m = 3, channels = groups * m;
    std::vector<std::int8_t> src(static_cast<std::size_t>(taps * channels)), rows(src.size());
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::int8_t>(i + 1);
    k::depthwise_rows(src.data(), rows.data(), channels, taps);
    for (int o = 0; o < channels; ++o)
        for (int t = 0; t < taps; ++t)
            REQUIRE(rows[static_cast<std::size_t>(o * taps + t)] == src[static_cast<std::size_t>(t * channels + o)]);
    std::vector<std::int8_t> by_m(src.size());
    k::depthwise_by_multiplier(src.data(), by_m.data(), groups, m, taps);
    for (int mm = 0; mm < m; ++mm)
        for (int t = 0; t < taps; ++t)
            for (int c = 0; c < groups; ++c)
                REQUIRE(by_m[static_cast<std::size_t>((mm * taps + t) * groups + c)] ==
                        src[static_cast<std::size_t>(t * channels + c * m + mm)]);
    // the per-channel records follow the same order
    constexpr auto records = [] {
        k::ChannelParams<6> p{};
        for (int o = 0; o < 6; ++o) p.bias[static_cast<std::size_t>(o)] = o, p.q[static_cast<std::size_t>(o)].multiplier = 10 * o;
        return k::by_multiplier(p, 3);
    }();
    STATIC_REQUIRE(records.bias == std::array<std::int32_t, 6>{0, 3, 1, 4, 2, 5});
    STATIC_REQUIRE(records.q[1].multiplier == 30);
    // paired4: each group packed on its own (3 rows: the last one single), groups 16 apart
    const int stride = k::group_stride(m, taps);
    REQUIRE(stride == 16);
    std::vector<std::int8_t> packed(static_cast<std::size_t>(groups * stride)), one(static_cast<std::size_t>(m * taps));
    k::pack_groups(k::WeightLayout::paired4, rows.data(), packed.data(), groups, m, taps);
    for (int g = 0; g < groups; ++g) {
        k::pack_weights(k::WeightLayout::paired4, rows.data() + g * m * taps, one.data(), m, taps);
        REQUIRE(std::equal(one.begin(), one.end(), packed.begin() + g * stride));
        REQUIRE(packed[static_cast<std::size_t>(g * stride + m * taps)] == 0);
    }
}
