// Conv2D, DepthwiseConv2D and Dense (int8) against a direct transcription of TFLite's reference
// formula — Σ (x − zp_in)·w over in-bounds taps, + bias, MultiplyByQuantizedMultiplier, + zp_out,
// clamp — on shapes that hit the tails: odd sizes, channel counts off multiples of 4, stride 2
// with asymmetric SAME padding, dilation, saturation, non-zero input zero points, per-channel
// scales spread over orders of magnitude. Plus the property "a 1x1 Conv2D is a Dense per pixel".
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include <mote/mote.hpp>

namespace {

using namespace mote;

constexpr std::uint32_t lcg(std::uint32_t& x) {
    x = x * 1664525u + 1013904223u;
    return x >> 24;
}

template <std::size_t N>
constexpr std::array<std::int8_t, N> random_int8(std::uint32_t seed, int lo = -127, int hi = 127) {
    std::array<std::int8_t, N> a{};
    for (auto& v : a) v = static_cast<std::int8_t>(lo + static_cast<int>(lcg(seed)) % (hi - lo + 1));
    return a;
}
template <std::size_t N>
constexpr std::array<std::int32_t, N> random_bias(std::uint32_t seed, int spread) {
    std::array<std::int32_t, N> a{};
    for (auto& v : a) v = (static_cast<std::int32_t>(lcg(seed)) - 128) * spread;
    return a;
}
// Scales from 1e-4 to ~1e-2 across channels: orders of magnitude apart.
template <std::size_t N>
constexpr std::array<float, N> spread_scales(float base) {
    std::array<float, N> a{};
    float s = base;
    for (auto& v : a) {
        v = s;
        s = s * 1.9f > 0.02f ? base : s * 1.9f;
    }
    return a;
}

// Direct TFLite reference for conv/depthwise: no folding, taps outside the input skipped.
std::int8_t tflite_requant(std::int64_t acc, double real_multiplier, QuantParams out,
                           quant::ClampRange clamp) {
    const auto m = quant::quantize_multiplier(real_multiplier);
    std::int32_t v = quant::multiply_by_quantized_multiplier(static_cast<std::int32_t>(acc),
                                                             m.multiplier, m.exponent);
    v += out.zero_point;
    v = std::max(clamp.min, std::min(clamp.max, v));
    return static_cast<std::int8_t>(v);
}

std::vector<std::int8_t> naive_conv(const WindowGeometry& g, int depth_multiplier, bool depthwise,
                                    const std::int8_t* in, const QuantizedWeights& w,
                                    QuantParams in_q, Activation act) {
    std::vector<std::int8_t> out;
    const auto clamp = quant::activation_range_int8(act, w.output);
    for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox)
            for (int o = 0; o < g.out_c; ++o) {
                std::int64_t acc = 0;
                for (int ky = 0; ky < g.kernel_h; ++ky)
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
                        const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
                        if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) continue;
                        if (depthwise) {
                            const int c = o / depth_multiplier;
                            acc += (in[(iy * g.in_w + ix) * g.in_c + c] - in_q.zero_point) *
                                   w.values[static_cast<std::size_t>((ky * g.kernel_w + kx) * g.out_c + o)];
                        } else {
                            for (int c = 0; c < g.in_c; ++c)
                                acc += (in[(iy * g.in_w + ix) * g.in_c + c] - in_q.zero_point) *
                                       w.values[static_cast<std::size_t>(
                                           ((o * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c + c)];
                        }
                    }
                if (!w.bias.empty()) acc += w.bias[static_cast<std::size_t>(o)];
                const float ws = w.scales.size() == 1 ? w.scales[0] : w.scales[static_cast<std::size_t>(o)];
                const double real = static_cast<double>(in_q.scale) * static_cast<double>(ws) /
                                    static_cast<double>(w.output.scale);
                out.push_back(tflite_requant(acc, real, w.output, clamp));
            }
    return out;
}

// Structured pruning as in VWW: output channels o % 3 == 1 and input channels c % 4 == 2 all zero.
template <std::size_t N>
constexpr std::array<std::int8_t, N> pruned(std::array<std::int8_t, N> a, int row_length, int in_c) {
    for (std::size_t i = 0; i < N; ++i) {
        const int o = static_cast<int>(i) / row_length, c = static_cast<int>(i) % row_length % in_c;
        if (o % 3 == 1 || c % 4 == 2) a[i] = 0;
    }
    return a;
}

template <Shape In, int Filters, Kernel K, Stride S, Padding P, Activation A, Dilation D,
          std::uint32_t Seed, int BiasSpread = 40, bool Pruned = false>
struct ConvCase {
    static constexpr QuantParams in_q{0.037f, static_cast<std::int32_t>(Seed % 200) - 100};
    static constexpr auto values = [] {
        const auto v = random_int8<static_cast<std::size_t>(Filters * K.h * K.w * In.c)>(Seed);
        return Pruned ? pruned(v, K.h * K.w * In.c, In.c) : v;
    }();
    static constexpr auto scales = spread_scales<Filters>(1e-4f);
    static constexpr auto bias = random_bias<Filters>(Seed + 1, BiasSpread);
    static constexpr QuantizedWeights weights{values, scales, bias, {0.05f, static_cast<std::int32_t>(Seed % 50) - 20}};
    using Net = Sequential<Input<In, in_q>, Conv2D<Filters, K, S, P, A, weights, D>>;

    static void check() {
        const auto input = random_int8<static_cast<std::size_t>(In.elements())>(Seed * 7 + 3, -128, 127);
        static typename Net::Arena arena;
        const std::int8_t* out = Net::run(arena, input.data());
        const auto g = make_window(In, Filters, K, S, D, P);
        const auto want = naive_conv(g, 1, false, input.data(), weights, in_q, A);
        REQUIRE(want.size() == static_cast<std::size_t>(Net::output::elements));
        for (std::size_t i = 0; i < want.size(); ++i) {
            INFO("output " << i);
            REQUIRE(out[i] == want[i]);
        }
    }
};

template <Shape In, int M, Kernel K, Stride S, Padding P, Activation A, Dilation D, std::uint32_t Seed>
struct DepthwiseCase {
    static constexpr int channels = In.c * M;
    static constexpr QuantParams in_q{0.051f, static_cast<std::int32_t>(Seed % 180) - 90};
    static constexpr auto values = random_int8<static_cast<std::size_t>(K.h * K.w * channels)>(Seed);
    static constexpr auto scales = spread_scales<channels>(2e-4f);
    static constexpr auto bias = random_bias<channels>(Seed + 5, 30);
    static constexpr QuantizedWeights weights{values, scales, bias, {0.04f, static_cast<std::int32_t>(Seed % 30) - 10}};
    using Net = Sequential<Input<In, in_q>, DepthwiseConv2D<M, K, S, P, A, weights, D>>;

    static void check() {
        const auto input = random_int8<static_cast<std::size_t>(In.elements())>(Seed * 5 + 1, -128, 127);
        static typename Net::Arena arena;
        const std::int8_t* out = Net::run(arena, input.data());
        const auto g = make_window(In, channels, K, S, D, P);
        const auto want = naive_conv(g, M, true, input.data(), weights, in_q, A);
        REQUIRE(want.size() == static_cast<std::size_t>(Net::output::elements));
        for (std::size_t i = 0; i < want.size(); ++i) {
            INFO("output " << i);
            REQUIRE(out[i] == want[i]);
        }
    }
};

}  // namespace

TEST_CASE("Conv2D int8 equals TFLite's formula on tail shapes", "[conv2d]") {
    ConvCase<Shape{7, 9, 3}, 5, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, Dilation{}, 11>::check();
    // stride 2 SAME on even sizes: 0 before, 1 after
    ConvCase<Shape{10, 8, 5}, 7, Kernel{3, 3}, Stride{2, 2}, Padding::same, Activation::relu, Dilation{}, 12>::check();
    // KWS-like 10x4 non-square kernel, asymmetric SAME (4 before, 5 after)
    ConvCase<Shape{25, 10, 1}, 6, Kernel{10, 4}, Stride{2, 2}, Padding::same, Activation::relu, Dilation{}, 13>::check();
    ConvCase<Shape{11, 9, 3}, 3, Kernel{3, 3}, Stride{1, 1}, Padding::valid, Activation::none, Dilation{2, 2}, 14>::check();
    ConvCase<Shape{9, 7, 17}, 33, Kernel{1, 1}, Stride{2, 2}, Padding::valid, Activation::none, Dilation{}, 15>::check();
    ConvCase<Shape{5, 5, 6}, 9, Kernel{5, 5}, Stride{1, 1}, Padding::same, Activation::relu6, Dilation{}, 16>::check();
    // big biases: saturation at both ends
    ConvCase<Shape{6, 5, 2}, 4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, Dilation{}, 17, 20000>::check();
}

TEST_CASE("Pruned pointwise Conv2D and Dense run compacted and equal TFLite's formula", "[conv2d][dense][compact]") {
    using Pw = ConvCase<Shape{5, 3, 22}, 13, Kernel{1, 1}, Stride{1, 1}, Padding::valid, Activation::relu, Dilation{}, 31, 40, true>;
    using Fc = ConvCase<Shape{1, 1, 37}, 17, Kernel{1, 1}, Stride{1, 1}, Padding::valid, Activation::none, Dilation{}, 32, 3000, true>;
    using Dead = ConvCase<Shape{4, 4, 9}, 6, Kernel{1, 1}, Stride{1, 1}, Padding::valid, Activation::relu6, Dilation{}, 33, 20000, true>;
    STATIC_REQUIRE(kernels::compacts<Pw::weights, 13, 22>());
    STATIC_REQUIRE(kernels::compacts<Fc::weights, 17, 37>());
    STATIC_REQUIRE(kernels::live_counts(Pw::values.data(), 13, 22).rows == 9);
    STATIC_REQUIRE(kernels::live_counts(Pw::values.data(), 13, 22).cols == 17);
    STATIC_REQUIRE(kernels::compacted<Pw::weights, 13, 22>.col_index[2] == 3);
    STATIC_REQUIRE(kernels::compacted<Pw::weights, 13, 22>.row_index[1] == 2);
    Pw::check();
    Fc::check();
    Dead::check();
    // the same weights as a Dense layer on one pixel
    using Net = Sequential<Input<Shape{1, 1, 37}, Fc::in_q>, Dense<17, Activation::none, Fc::weights>>;
    const auto input = random_int8<37>(777, -128, 127);
    static Net::Arena arena;
    const std::int8_t* out = Net::run(arena, input.data());
    const auto want = naive_conv(make_window(Shape{1, 1, 37}, 17, Kernel{1, 1}, Stride{1, 1}, Dilation{}, Padding::valid),
                                 1, false, input.data(), Fc::weights, Fc::in_q, Activation::none);
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("output " << i);
        REQUIRE(out[i] == want[i]);
    }
    // compacted weights are smaller than the dense ones (the reference kernels keep them dense)
    REQUIRE((config::reference_kernels || Net::layer_info()[0].weight_bytes < Fc::values.size()));
}

TEST_CASE("DepthwiseConv2D int8 equals TFLite's formula, any depth multiplier and window", "[depthwise]") {
    DepthwiseCase<Shape{9, 7, 5}, 1, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::relu, Dilation{}, 21>::check();
    DepthwiseCase<Shape{8, 10, 3}, 2, Kernel{3, 3}, Stride{2, 2}, Padding::same, Activation::none, Dilation{}, 22>::check();
    DepthwiseCase<Shape{13, 5, 13}, 1, Kernel{5, 5}, Stride{2, 2}, Padding::valid, Activation::relu6, Dilation{}, 23>::check();
    DepthwiseCase<Shape{11, 11, 4}, 3, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, Dilation{2, 2}, 24>::check();
    // multiplier 2 on 13 channels: one channel-vector pass per multiplier
    using M2 = DepthwiseCase<Shape{9, 8, 13}, 2, Kernel{3, 3}, Stride{2, 1}, Padding::same, Activation::relu, Dilation{}, 28>;
    M2::check();
    // first layer of a spectrogram model: multiplier 8 on one channel
    using M8 = DepthwiseCase<Shape{49, 10, 1}, 8, Kernel{10, 4}, Stride{2, 2}, Padding::same, Activation::relu, Dilation{}, 25>;
    // tall audio kernels: 80 taps, multiplier 4 on three channels (grouped GEMM) and multiplier 1
    // (the tap table in the layer's scratch)
    using M4 = DepthwiseCase<Shape{13, 10, 3}, 4, Kernel{10, 8}, Stride{1, 1}, Padding::same, Activation::none, Dilation{}, 26>;
    using Tall = DepthwiseCase<Shape{13, 10, 6}, 1, Kernel{10, 8}, Stride{1, 2}, Padding::same, Activation::relu6, Dilation{}, 27>;
    M8::check();
    M4::check();
    Tall::check();
    using Path = kernels::DepthwisePath;
    using M2Layer = type_at_t<0, M2::Net::steps>::layer;
    using M8Layer = type_at_t<0, M8::Net::steps>::layer;
    using M4Layer = type_at_t<0, M4::Net::steps>::layer;
    using TallLayer = type_at_t<0, Tall::Net::steps>::layer;
    STATIC_REQUIRE(M2Layer::Plan::path == Path::taps);
    STATIC_REQUIRE(M8Layer::Plan::path == Path::grouped);
    STATIC_REQUIRE(M4Layer::Plan::path == Path::grouped);
    STATIC_REQUIRE(TallLayer::Plan::path == Path::taps);
    STATIC_REQUIRE(kernels::depthwise_taps_scratch_bytes(TallLayer::geometry) > 0);
    STATIC_REQUIRE(TallLayer::scratch_bytes ==
                   (config::reference_kernels ? 0 : kernels::depthwise_taps_scratch_bytes(TallLayer::geometry)));
    // the grouped GEMM's flash: 3 groups of 4 × 80 weights, and 12 bias + requantization records
    STATIC_REQUIRE(config::reference_kernels ||
                   M4Layer::weight_bytes == 3 * 320 * sizeof(kernels::weight_t<kernels::Primitives>) +
                                                12 * (sizeof(std::int32_t) + sizeof(kernels::ChannelQ)));
    const auto kernel = [](auto info) { return std::string_view(info[0].kernel); };
    REQUIRE(kernel(M4::Net::layer_info()) == (config::reference_kernels ? "reference" : "depthwise grouped GEMM"));
    REQUIRE(kernel(Tall::Net::layer_info()) == (config::reference_kernels ? "reference" : "depthwise taps"));
    REQUIRE(kernel(M8::Net::layer_info()) == (config::reference_kernels ? "reference" : "depthwise grouped GEMM"));
}

namespace pointwise {
using namespace mote;
inline constexpr QuantParams in_q{0.02f, -7};
inline constexpr auto values = random_int8<11 * 6>(99);
inline constexpr auto scales = std::array<float, 1>{0.003f};
inline constexpr auto bias = random_bias<11>(100, 50);
inline constexpr QuantizedWeights w{values, scales, bias, {0.09f, 3}};
using Conv = Sequential<Input<Shape{5, 3, 6}, in_q>,
                        Conv2D<11, Kernel{1, 1}, Stride{1, 1}, Padding::valid, Activation::relu, w>>;
using Fc = Sequential<Input<Shape{1, 1, 6}, in_q>, Dense<11, Activation::relu, w>>;
}  // namespace pointwise

TEST_CASE("A 1x1 Conv2D is a Dense applied to every pixel", "[conv2d][dense]") {
    const auto input = random_int8<5 * 3 * 6>(4242, -128, 127);
    static pointwise::Conv::Arena conv_arena;
    static pointwise::Fc::Arena fc_arena;
    const std::int8_t* conv = pointwise::Conv::run(conv_arena, input.data());
    for (int px = 0; px < 15; ++px) {
        const std::int8_t* fc = pointwise::Fc::run(fc_arena, input.data() + px * 6);
        for (int o = 0; o < 11; ++o) {
            INFO("pixel " << px << " channel " << o);
            REQUIRE(conv[px * 11 + o] == fc[o]);
        }
    }
}

namespace batched {
using namespace mote;
// TFLite FULLY_CONNECTED on rows: keep_num_dims over [2, 5, 6], and a [4, 9] input read as 6 rows.
using KeepDims = Sequential<Input<Shape{2, 5, 6}, pointwise::in_q>, Dense<11, Activation::relu, pointwise::w>>;
using Flat = Sequential<Input<Shape{1, 4, 9}, pointwise::in_q>, Dense<11, Activation::relu, pointwise::w>>;
}  // namespace batched

TEST_CASE("A batched Dense is the Dense of each row", "[dense]") {
    STATIC_REQUIRE(batched::KeepDims::output::shape == Shape{2, 5, 11});
    STATIC_REQUIRE(batched::Flat::output::shape == Shape{1, 6, 11});
    STATIC_REQUIRE(batched::KeepDims::layer_info()[0].macs == 10u * 6u * 11u);
    const auto input = random_int8<2 * 5 * 6>(4343, -128, 127);
    static batched::KeepDims::Arena keep_arena;
    static batched::Flat::Arena flat_arena;
    static pointwise::Fc::Arena fc_arena;
    const std::int8_t* keep = batched::KeepDims::run(keep_arena, input.data());
    const std::int8_t* flat = batched::Flat::run(flat_arena, input.data());
    for (int row = 0; row < 10; ++row) {
        const std::int8_t* fc = pointwise::Fc::run(fc_arena, input.data() + row * 6);
        for (int o = 0; o < 11; ++o) {
            INFO("row " << row << " unit " << o);
            if (row < 6) REQUIRE(flat[row * 11 + o] == fc[o]);
            REQUIRE(keep[row * 11 + o] == fc[o]);
        }
    }
}

namespace floating {
using namespace mote;
inline constexpr auto values = [] {
    std::array<float, 4 * 3 * 3 * 3> a{};
    std::uint32_t s = 7;
    for (auto& v : a) v = (static_cast<float>(lcg(s)) - 128.0f) / 256.0f;
    return a;
}();
inline constexpr std::array<float, 4> bias{0.5f, -0.25f, 0.0f, 1.0f};
inline constexpr FloatWeights w{values, bias};
using Net = Sequential<Input<Shape{6, 5, 3}, float32>,
                       Conv2D<4, Kernel{3, 3}, Stride{2, 2}, Padding::same, Activation::relu6, w>>;
}  // namespace floating

TEST_CASE("Conv2D float32 matches a double-precision reference", "[conv2d][float]") {
    std::array<float, 90> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = std::sin(static_cast<float>(i));
    static floating::Net::Arena arena;
    const float* out = floating::Net::run(arena, in.data());
    const auto g = make_window(Shape{6, 5, 3}, 4, Kernel{3, 3}, Stride{2, 2}, Dilation{}, Padding::same);
    for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox)
            for (int o = 0; o < 4; ++o) {
                double acc = floating::bias[static_cast<std::size_t>(o)];
                for (int ky = 0; ky < 3; ++ky)
                    for (int kx = 0; kx < 3; ++kx) {
                        const int iy = oy * 2 - g.pad_top + ky, ix = ox * 2 - g.pad_left + kx;
                        if (iy < 0 || iy >= 6 || ix < 0 || ix >= 5) continue;
                        for (int c = 0; c < 3; ++c)
                            acc += static_cast<double>(in[static_cast<std::size_t>((iy * 5 + ix) * 3 + c)]) *
                                   floating::values[static_cast<std::size_t>(((o * 3 + ky) * 3 + kx) * 3 + c)];
                    }
                const double want = std::min(6.0, std::max(0.0, acc));
                // 27 float32 products summed: error well below 1e-5 of values of order 1.
                REQUIRE(std::abs(out[(oy * g.out_w + ox) * 4 + o] - want) < 1e-5);
            }
}
