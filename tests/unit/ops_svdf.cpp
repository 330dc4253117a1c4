// SVDF (int8, int16 time weights and state) against an independent transcription of TFLite
// Micro's EvalIntegerSvdfReference<int16_t>: a state kept as rows of int64, shifted by erasing
// the front, requantization written out in int64 (QuantizeMultiplier through std::frexp, the
// high multiply as a floor division, the rounding shift by hand), TFLM's int32 sums wrapped
// explicitly. Random shapes (rank 1..3, memory 1..32, batches 1..3) over many frames on one
// state, scales chosen so most outputs do not saturate, plus a hand-worked case, saturation,
// wrap-around, parameter checks and the layer.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mote/kernels/reference/svdf.hpp"
#include "mote/layers/svdf.hpp"
#include "ops_support.hpp"

namespace {

using namespace mote;

std::uint32_t lcg(std::uint32_t& x) {
    x = x * 1664525u + 1013904223u;
    return x >> 8;  // 24 bits
}
int uniform(std::uint32_t& x, int lo, int hi) { return lo + static_cast<int>(lcg(x) % static_cast<std::uint32_t>(hi - lo + 1)); }
float uniform_scale(std::uint32_t& x, float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(lcg(x)) / 16777216.0f;
}

// --- the independent formula -----------------------------------------------------------------
namespace tflm {

using Multiplier = mote_test::TfliteMultiplier;
std::int64_t floor_div(std::int64_t a, std::int64_t b) {  // b > 0
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}
std::int64_t wrap32(std::int64_t v) {
    const std::uint64_t u = static_cast<std::uint64_t>(v) & 0xffffffffULL;
    return u >= 0x80000000ULL ? static_cast<std::int64_t>(u) - 0x100000000LL : static_cast<std::int64_t>(u);
}
std::int64_t clamp(std::int64_t v, std::int64_t lo, std::int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
// MultiplyByQuantizedMultiplier: x·2^left (int32), high multiply rounding half up (gemmlowp's
// nudge), saturating its one overflow, then a right shift rounding half away from zero.
std::int64_t multiply(std::int64_t x, Multiplier m) {
    const int left = m.shift > 0 ? m.shift : 0;
    const int right = m.shift > 0 ? 0 : -m.shift;
    const std::int64_t shifted = wrap32(x * (std::int64_t{1} << left));
    const std::int64_t high = std::min<std::int64_t>(
        floor_div(shifted * m.multiplier + (std::int64_t{1} << 30), std::int64_t{1} << 31), INT32_MAX);
    const std::int64_t d = std::int64_t{1} << right;
    return high >= 0 ? floor_div(high + d / 2, d) : -floor_div(-high + d / 2, d);
}

struct Svdf {
    int batches, inputs, units, rank, memory;
    float s_in, s_feature, s_state, s_time, s_out;
    int zp_in, zp_out;
    std::vector<int> feature, time, bias;                // [F][I], [F][M], [U] or empty
    std::vector<std::vector<std::int64_t>> state;        // [B·F][M], oldest first

    void reset() {
        state.assign(static_cast<std::size_t>(batches * units * rank),
                     std::vector<std::int64_t>(static_cast<std::size_t>(memory), 0));
    }
    std::vector<int> step(const std::vector<int>& x) {
        // TFLM forms both effective scales in float32, then widens them.
        const Multiplier m1 = mote_test::tflite_quantize_multiplier(static_cast<double>(s_in * s_feature / s_state));
        const Multiplier m2 = mote_test::tflite_quantize_multiplier(static_cast<double>(s_state * s_time / s_out));
        const int filters = units * rank;
        std::vector<int> y;
        for (int b = 0; b < batches; ++b) {
            for (int f = 0; f < filters; ++f) {
                auto& row = state[static_cast<std::size_t>(b * filters + f)];
                row.erase(row.begin());
                std::int64_t dot = 0;
                for (int i = 0; i < inputs; ++i)
                    dot += std::int64_t{feature[static_cast<std::size_t>(f * inputs + i)]} *
                           (x[static_cast<std::size_t>(b * inputs + i)] - zp_in);
                row.push_back(clamp(multiply(wrap32(dot), m1), -32768, 32767));
            }
            for (int u = 0; u < units; ++u) {
                std::int64_t acc = bias.empty() ? 0 : bias[static_cast<std::size_t>(u)];
                for (int r = 0; r < rank; ++r) {
                    const int f = u * rank + r;
                    std::int64_t t = 0;
                    for (int j = 0; j < memory; ++j)
                        t += std::int64_t{time[static_cast<std::size_t>(f * memory + j)]} *
                             state[static_cast<std::size_t>(b * filters + f)][static_cast<std::size_t>(j)];
                    acc = wrap32(acc + wrap32(t));
                }
                y.push_back(static_cast<int>(clamp(multiply(acc, m2) + zp_out, -128, 127)));
            }
        }
        return y;
    }
};

}  // namespace tflm

// --- running the kernel beside the formula ------------------------------------------------------
struct Case {
    tflm::Svdf model;
    std::vector<std::int8_t> feature;
    std::vector<std::int16_t> time;
    std::vector<std::int32_t> bias;
    std::vector<std::int16_t> state;

    reference::SvdfShape shape() const {
        return {model.batches, model.inputs, model.units, model.rank, model.memory};
    }
    reference::SvdfParams params() const {
        return reference::make_svdf_params({model.s_in, model.zp_in}, model.s_feature, {model.s_state, 0},
                                           model.s_time, {model.s_out, model.zp_out});
    }
};

// Time weights span the int16 range; scales put typical state values near ±4000 and typical
// outputs near ±40 codes, so the comparison sees the arithmetic rather than saturation.
Case random_case(std::uint32_t seed, int batches, int inputs, int units, int rank, int memory,
                 bool with_bias) {
    Case c{};
    tflm::Svdf& m = c.model;
    m.batches = batches;
    m.inputs = inputs;
    m.units = units;
    m.rank = rank;
    m.memory = memory;
    const int filters = units * rank;
    for (int k = 0; k < filters * inputs; ++k) c.feature.push_back(static_cast<std::int8_t>(uniform(seed, -127, 127)));
    for (int k = 0; k < filters * memory; ++k) c.time.push_back(static_cast<std::int16_t>(uniform(seed, -32767, 32767)));
    m.zp_in = uniform(seed, -128, 127);
    m.zp_out = uniform(seed, -60, 60);
    m.s_in = uniform_scale(seed, 0.01f, 0.1f);
    m.s_feature = uniform_scale(seed, 0.001f, 0.01f);
    // A feature term w·(x − zp) is typically ~73·100 codes, a time term ~4000·18900.
    m.s_state = m.s_in * m.s_feature * 7300.0f * std::sqrt(static_cast<float>(inputs)) / 4000.0f;
    m.s_time = uniform_scale(seed, 1e-4f, 1e-3f);
    m.s_out = m.s_state * m.s_time * 7.5e7f * std::sqrt(static_cast<float>(rank * memory)) / 40.0f;
    if (with_bias)
        for (int u = 0; u < units; ++u) c.bias.push_back(uniform(seed, -40000000, 40000000));
    m.feature.assign(c.feature.begin(), c.feature.end());
    m.time.assign(c.time.begin(), c.time.end());
    m.bias.assign(c.bias.begin(), c.bias.end());
    m.reset();
    c.state.assign(static_cast<std::size_t>(batches * filters * memory), 0);
    return c;
}

struct Tally {
    int outputs = 0, unsaturated = 0;
    int state_values = 0, state_unsaturated = 0;  // nonzero state values, and those inside int16
};

// `frames` runs on one state; every output and every state value must equal the formula's.
void run_and_compare(Case& c, int frames, std::uint32_t seed, Tally& tally) {
    const auto p = c.params();
    REQUIRE(p.error == nullptr);
    const auto s = c.shape();
    for (int frame = 0; frame < frames; ++frame) {
        std::vector<std::int8_t> x(static_cast<std::size_t>(s.batches * s.inputs));
        std::vector<int> xi;
        for (auto& v : x) {
            v = static_cast<std::int8_t>(uniform(seed, -128, 127));
            xi.push_back(v);
        }
        std::vector<std::int8_t> y(static_cast<std::size_t>(s.batches * s.units));
        reference::svdf(p, s, x.data(), c.feature.data(), c.time.data(),
                        c.bias.empty() ? nullptr : c.bias.data(), c.state.data(), y.data());
        const std::vector<int> want = c.model.step(xi);
        INFO("frame " << frame);
        for (std::size_t u = 0; u < y.size(); ++u) {
            CHECK(static_cast<int>(y[u]) == want[u]);
            ++tally.outputs;
            tally.unsaturated += y[u] > -128 && y[u] < 127;
        }
        for (std::size_t row = 0; row < c.model.state.size(); ++row)
            for (int j = 0; j < s.memory; ++j) {
                const std::int16_t v = c.state[row * static_cast<std::size_t>(s.memory) + static_cast<std::size_t>(j)];
                CHECK(v == c.model.state[row][static_cast<std::size_t>(j)]);
                tally.state_values += v != 0;
                tally.state_unsaturated += v != 0 && v > INT16_MIN && v < INT16_MAX;
            }
    }
}

}  // namespace

TEST_CASE("svdf: random shapes over many frames on one state match TFLM's formula", "[svdf]") {
    std::uint32_t seed = 2024;
    Tally tally;
    int cases = 0;
    for (int rank : {1, 2, 3})
        for (int memory : {1, 2, 5, 8, 32})
            for (int batches : {1, 3}) {
                const int inputs = 1 + static_cast<int>(lcg(seed) % 40);
                const int units = 1 + static_cast<int>(lcg(seed) % 12);
                const bool with_bias = (lcg(seed) & 1) != 0 || rank == 1;
                INFO("rank " << rank << " memory " << memory << " batches " << batches << " inputs "
                             << inputs << " units " << units << " bias " << with_bias);
                Case c = random_case(seed + 17u * static_cast<std::uint32_t>(cases), batches, inputs,
                                     units, rank, memory, with_bias);
                run_and_compare(c, 2 * memory + 3, seed + 1000u + static_cast<std::uint32_t>(cases), tally);
                ++cases;
            }
    // The model-sized layers: 96 and 16 inputs, 64 filters of memory 8; 32 of memory 32.
    for (auto [inputs, units, memory] : {std::array{96, 64, 8}, std::array{16, 64, 8}, std::array{32, 32, 32}}) {
        Case c = random_case(seed + 99u * static_cast<std::uint32_t>(inputs), 1, inputs, units, 1, memory, true);
        run_and_compare(c, memory + 4, seed + static_cast<std::uint32_t>(units), tally);
    }
    INFO(tally.unsaturated << " of " << tally.outputs << " outputs and " << tally.state_unsaturated
                           << " of " << tally.state_values << " state values unsaturated");
    CHECK(tally.outputs > 3000);
    // The comparison is informative: most values are inside their type's range.
    CHECK(tally.unsaturated * 10 > tally.outputs * 8);
    CHECK(tally.state_unsaturated * 10 > tally.state_values * 8);
}

TEST_CASE("svdf: a hand-worked case — the state slides, a unit sums its rank filters", "[svdf]") {
    // Both effective scales are exactly 1 (0.5·0.25/0.125 and 0.125·0.5/0.0625), so codes add up
    // as plain integers.
    const auto p = reference::make_svdf_params({0.5f, 3}, 0.25f, {0.125f, 0}, 0.5f, {0.0625f, -7});
    REQUIRE(p.error == nullptr);
    CHECK(p.input_to_state == quant::Multiplier{1 << 30, 1});
    const reference::SvdfShape s{1, 2, 1, 2, 2};  // 2 inputs, 1 unit of rank 2, memory 2
    const std::int8_t feature[4] = {1, 1, 2, -1};  // filter 0: x0 + x1; filter 1: 2·x0 − x1
    const std::int16_t time[4] = {4, 5, 6, 7};     // filter 0: oldest 4, newest 5; filter 1: 6, 7
    const std::int32_t bias[1] = {10};
    std::int16_t state[4] = {};
    std::int8_t y = 0;

    const std::int8_t frame1[2] = {3 + 1, 3 + 2};  // x = (1, 2): filters 3 and 0
    reference::svdf(p, s, frame1, feature, time, bias, state, &y);
    CHECK(state[0] == 0);
    CHECK(state[1] == 3);
    CHECK(state[2] == 0);
    CHECK(state[3] == 0);
    CHECK(y == 10 + 5 * 3 - 7);

    const std::int8_t frame2[2] = {3 + 2, 3 - 1};  // x = (2, −1): filters 1 and 5
    reference::svdf(p, s, frame2, feature, time, bias, state, &y);
    CHECK(state[0] == 3);
    CHECK(state[1] == 1);
    CHECK(state[2] == 0);
    CHECK(state[3] == 5);
    CHECK(y == 10 + 4 * 3 + 5 * 1 + 6 * 0 + 7 * 5 - 7);

    reference::svdf(p, s, frame2, feature, time, nullptr, state, &y);  // no bias
    CHECK(y == 4 * 1 + 5 * 1 + 6 * 5 + 7 * 5 - 7);
}

TEST_CASE("svdf: state saturates at the int16 limits, outputs at the int8 limits, sums wrap",
          "[svdf]") {
    // Feature scale 1: a sum of 127·127·3 = 48387 saturates the state at 32767. Output scale 1/2
    // (multiplier 2^30, no left shift).
    const auto p = reference::make_svdf_params({1.0f, 0}, 1.0f, {1.0f, 0}, 0.5f, {1.0f, 0});
    REQUIRE(p.error == nullptr);
    const reference::SvdfShape s{1, 3, 2, 1, 4};
    const std::int8_t feature[6] = {127, 127, 127, -128, -128, -128};
    const std::int16_t time[8] = {32767, 32767, 32767, 32767, 1, 1, 1, 1};
    std::int16_t state[8] = {};
    std::int8_t y[2] = {};
    const std::int8_t x[3] = {127, 127, 127};
    tflm::Svdf model{1, 3, 2, 1, 4, 1.0f, 1.0f, 1.0f, 0.5f, 1.0f, 0, 0,
                     {127, 127, 127, -128, -128, -128}, {32767, 32767, 32767, 32767, 1, 1, 1, 1}, {}, {}};
    model.reset();
    // Unit 0 sums frame·32767² (frame = 1..4): from the third frame past int32, where TFLM's sum
    // wraps negative, so the output saturates at −128 where an exact sum would give +127.
    STATIC_REQUIRE(2LL * 32767 * 32767 <= INT32_MAX);
    STATIC_REQUIRE(3LL * 32767 * 32767 > INT32_MAX);
    for (int frame = 1; frame <= 4; ++frame) {
        reference::svdf(p, s, x, feature, time, nullptr, state, y);
        const auto want = model.step({127, 127, 127});
        INFO("frame " << frame);
        CHECK(state[3] == 32767);
        CHECK(state[7] == -32768);
        CHECK(y[0] == (frame <= 2 ? 127 : -128));
        CHECK(y[0] == want[0]);
        CHECK(y[1] == -128);
        CHECK(y[1] == want[1]);
    }
}

TEST_CASE("svdf params: constexpr, float32 effective scales, invalid quantization reported",
          "[svdf]") {
    constexpr auto p = reference::make_svdf_params({0.0592083335f, -128}, 0.0091712065f,
                                                   {0.00437016506f, 0}, 0.00370550621f,
                                                   {0.236183375f, -128});
    static_assert(p.error == nullptr);
    static_assert(p.input_to_state.exponent < 0 && p.state_to_output.exponent < 0);
    STATIC_REQUIRE(reference::make_svdf_params({0.1f, 0}, 0.01f, {0.001f, 1}, 0.01f, {0.1f, 0}).error != nullptr);
    STATIC_REQUIRE(reference::make_svdf_params({0.1f, 0}, 0.0f, {0.001f, 0}, 0.01f, {0.1f, 0}).error != nullptr);
    STATIC_REQUIRE(reference::make_svdf_params({0.1f, 0}, 0.01f, {0.001f, 0}, -0.01f, {0.1f, 0}).error != nullptr);
    STATIC_REQUIRE(reference::make_svdf_params({0.1f, 200}, 0.01f, {0.001f, 0}, 0.01f, {0.1f, 0}).error != nullptr);
    STATIC_REQUIRE(reference::make_svdf_params({1e30f, 0}, 1e30f, {1e-30f, 0}, 0.01f, {0.1f, 0}).error != nullptr);

    // Scales whose float32 product and quotient round to another multiplier than the double
    // computation would: the float one is TFLM's.
    std::uint32_t seed = 77;
    int differing = 0;
    for (int k = 0; k < 20000 && differing < 5; ++k) {
        const float a = uniform_scale(seed, 0.001f, 0.1f), b = uniform_scale(seed, 0.001f, 0.02f);
        const float c = uniform_scale(seed, 1e-5f, 1e-3f);
        const auto as_double = quant::quantize_multiplier(static_cast<double>(a) * b / c);
        const auto as_float = quant::quantize_multiplier(static_cast<double>(a * b / c));
        if (as_double == as_float) continue;
        ++differing;
        const auto q = reference::make_svdf_params({a, 0}, b, {c, 0}, b, {a, 0});
        CHECK(q.input_to_state == as_float);
        const auto t = mote_test::tflite_quantize_multiplier(static_cast<double>(a * b / c));
        CHECK(q.input_to_state.multiplier == t.multiplier);
        CHECK(q.input_to_state.exponent == t.shift);
    }
    CHECK(differing == 5);
}

namespace {

template <class T, std::size_t N>
constexpr std::array<T, N> lcg_values(std::uint32_t seed, int lo, int hi) {
    std::array<T, N> a{};
    for (auto& v : a) {
        seed = seed * 1664525u + 1013904223u;
        v = static_cast<T>(lo + static_cast<int>((seed >> 8) % static_cast<std::uint32_t>(hi - lo + 1)));
    }
    return a;
}

// 3 units of rank 2 over 5 inputs, memory 4.
constexpr auto layer_feature = lcg_values<std::int8_t, 6 * 5>(1, -127, 127);
constexpr auto layer_time = lcg_values<std::int16_t, 6 * 4>(2, -4000, 4000);
constexpr auto layer_bias = lcg_values<std::int32_t, 3>(3, -3000, 3000);
inline constexpr SvdfWeights layer_w{layer_feature, 0.004f, layer_time, 0.0005f, layer_bias,
                                     {0.002f, 0}, {0.05f, 4}};
inline constexpr QuantParams layer_in{0.03f, -5};
template <int Batches>
using LayerIn = Tensor<Shape{1, Batches, 5}, std::int8_t, scale_bits(layer_in), -5>;
using Layer = Svdf<3, 2, 4, layer_w>;

tflm::Svdf layer_model(int batches) {
    tflm::Svdf m{batches, 5, 3, 2, 4, layer_in.scale, layer_w.feature_scale, layer_w.state.scale,
                 layer_w.time_scale, layer_w.output.scale, layer_in.zero_point, layer_w.output.zero_point,
                 {layer_feature.begin(), layer_feature.end()}, {layer_time.begin(), layer_time.end()},
                 {layer_bias.begin(), layer_bias.end()}, {}};
    m.reset();
    return m;
}

}  // namespace

TEST_CASE("svdf layer: types, sizes, initial state, frames on one state", "[svdf][layer]") {
    using L = Layer::bind<LayerIn<1>, -1>;
    STATIC_REQUIRE(std::is_same_v<L::output, Tensor<Shape{1, 1, 3}, std::int8_t, scale_bits(layer_w.output), 4>>);
    STATIC_REQUIRE(L::state_bytes == 6 * 4 * sizeof(std::int16_t));
    STATIC_REQUIRE(L::macs == 6 * (5 + 4));
    // the optimized kernel adds its folded feature biases (one int32 per filter) and its two
    // requantization records
    STATIC_REQUIRE(L::weight_bytes == (config::reference_kernels
                                           ? 30 + 24 * 2 + 3 * 4
                                           : kernels::gemm_weight_bytes<kernels::Primitives>(30) +
                                                 24 * 2 + 3 * 4 + 6 * 4 + 2 * sizeof(kernels::ChannelQ)));
    STATIC_REQUIRE(L::params.error == nullptr);
    CHECK(std::string_view(L::name) == "SVDF");

    alignas(16) std::array<std::byte, L::state_bytes> state{};
    state.fill(std::byte{0x5a});
    L::init_state(state.data());
    for (std::byte v : state) CHECK(v == std::byte{0});

    tflm::Svdf model = layer_model(1);
    std::uint32_t seed = 9;
    int unsaturated = 0;
    for (int frame = 0; frame < 12; ++frame) {
        std::array<std::int8_t, 5> x{};
        std::vector<int> xi;
        for (auto& v : x) {
            v = static_cast<std::int8_t>(uniform(seed, -128, 127));
            xi.push_back(v);
        }
        std::array<std::int8_t, 3> y{};
        L::run(x.data(), y.data(), nullptr, state.data());
        const auto want = model.step(xi);
        for (int u = 0; u < 3; ++u) {
            CHECK(static_cast<int>(y[static_cast<std::size_t>(u)]) == want[static_cast<std::size_t>(u)]);
            unsaturated += y[static_cast<std::size_t>(u)] > -128 && y[static_cast<std::size_t>(u)] < 127;
        }
    }
    CHECK(unsaturated > 18);
}

TEST_CASE("svdf layer: batches run independently, each on its own state rows", "[svdf][layer]") {
    using L2 = Layer::bind<LayerIn<2>, -1>;
    using L1 = Layer::bind<LayerIn<1>, -1>;
    STATIC_REQUIRE(L2::output::shape == Shape{1, 2, 3});
    STATIC_REQUIRE(L2::state_bytes == 2 * L1::state_bytes);
    alignas(16) std::array<std::byte, L2::state_bytes> both{};
    alignas(16) std::array<std::byte, L1::state_bytes> first{}, second{};
    std::uint32_t seed = 31;
    for (int frame = 0; frame < 9; ++frame) {
        std::array<std::int8_t, 10> x{};
        for (auto& v : x) v = static_cast<std::int8_t>(uniform(seed, -128, 127));
        std::array<std::int8_t, 6> y{};
        std::array<std::int8_t, 3> y0{}, y1{};
        L2::run(x.data(), y.data(), nullptr, both.data());
        L1::run(x.data(), y0.data(), nullptr, first.data());
        L1::run(x.data() + 5, y1.data(), nullptr, second.data());
        for (std::size_t u = 0; u < 3; ++u) {
            CHECK(y[u] == y0[u]);
            CHECK(y[3 + u] == y1[u]);
        }
    }
}

namespace {

// The optimized plan (kernels/svdf.hpp) against the reference kernel: outputs and every state
// byte, frame after frame. Inputs beyond a stack column (the widened sets' scratch path), more
// filters than one accumulator chunk, memory 1, batches, and scales that saturate the state.
template <int Batches, int Inputs, int Units, int Rank, int Memory, std::uint32_t Seed, int ZeroPoint,
          int FeatureRange>
struct PlanCase {
    static constexpr int filters = Units * Rank;
    static constexpr auto feature = lcg_values<std::int8_t, filters * Inputs>(Seed, -FeatureRange, FeatureRange);
    static constexpr auto time = lcg_values<std::int16_t, filters * Memory>(Seed + 1, -32768, 32767);
    static constexpr auto bias = lcg_values<std::int32_t, Units>(Seed + 2, -100000, 100000);
    static constexpr float feature_scale = FeatureRange == 127 ? 0.2f : 0.004f;  // 0.2: saturates
    static constexpr SvdfWeights w{feature, feature_scale, time, 0.0005f, bias, {0.002f, 0}, {0.05f, 3}};
    static constexpr QuantParams in_q{0.03f, ZeroPoint};
    using In = Tensor<Shape{1, Batches, Inputs}, std::int8_t, scale_bits(in_q), ZeroPoint>;
    using L = typename Svdf<Units, Rank, Memory, w>::template bind<In, -1>;

    static void check() {
        INFO("inputs " << Inputs << ", units " << Units << ", rank " << Rank << ", memory " << Memory);
        REQUIRE(std::string_view(L::kernel) == (config::reference_kernels ? "reference" : "feature row dots"));
        alignas(16) std::array<std::byte, L::state_bytes> state{};
        alignas(16) std::array<std::byte, L::scratch_bytes + 1> scratch{};
        std::array<std::int16_t, L::state_bytes / 2> ref_state{};
        L::init_state(state.data());
        std::uint32_t seed = Seed * 7;
        int saturated = 0;
        for (int frame = 0; frame < 10; ++frame) {
            std::array<std::int8_t, Batches * Inputs> x{};
            for (auto& v : x) v = static_cast<std::int8_t>(uniform(seed, -128, 127));
            std::array<std::int8_t, Batches * Units> got{}, want{};
            L::run(x.data(), got.data(), scratch.data(), state.data());
            reference::svdf(L::params, L::shape, x.data(), feature.data(), time.data(), bias.data(),
                            ref_state.data(), want.data());
            INFO("frame " << frame);
            REQUIRE(got == want);
            REQUIRE(std::memcmp(state.data(), ref_state.data(), L::state_bytes) == 0);
            for (std::int16_t v : ref_state) saturated += v == INT16_MIN || v == INT16_MAX;
        }
        if (FeatureRange == 127 && Inputs > 1) CHECK(saturated > 0);
    }
};

}  // namespace

TEST_CASE("svdf: the optimized kernel equals the reference, outputs and state", "[svdf][kernel]") {
    PlanCase<2, 300, 5, 3, 7, 41, -128, 127>::check();  // saturating state, scratch column
    PlanCase<1, 1, 1, 1, 1, 42, 0, 127>::check();
    PlanCase<3, 17, 20, 2, 3, 43, 37, 20>::check();     // 40 filters: three accumulator chunks
    PlanCase<1, 96, 64, 1, 8, 44, 127, 5>::check();     // TFLM's keyword model's first layer shape
}
