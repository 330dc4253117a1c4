// The optimized int8 LSTM (kernels/lstm.hpp) against the reference kernel (the spec), for the
// portable primitive set and the one this build selected: random units, inputs, batch, time,
// layout, zero points, scales, cell scales, clips and starting states, with sizes that are not
// multiples of 4/8/16 and the 1-unit / 1-input edges. Every output byte and the final h and c
// must be equal. Then the layer: it runs the selected kernel inside its declared scratch.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include <mote/layers/lstm.hpp>
#include <mote/mote.hpp>

namespace {

namespace k = mote::kernels;
namespace ref = mote::reference;
using mote::LstmGate;
using mote::lstm_gate_count;

std::mt19937& rng() {
    static std::mt19937 g(20240917u);
    return g;
}
int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng()); }
double uniform_real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng()); }

template <class T>
std::vector<T> random_values(std::size_t n, int lo, int hi) {
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(uniform(lo, hi));
    return v;
}

// Weight scales that put a gate's sum of n products of random codes near `reach` (real units):
// |x − zp|·|w| is about 74·74 on average, and a random-signed sum of n grows like √n.
float weight_scale(double activation_scale, int n, double reach) {
    return static_cast<float>(reach / (activation_scale * 5500.0 * std::sqrt(static_cast<double>(n))));
}

struct Case {
    ref::LstmDims dims;
    std::array<std::vector<std::int8_t>, lstm_gate_count> wx, wh;
    std::array<std::vector<std::int32_t>, lstm_gate_count> bias;
    mote::LstmWeights weights{};
    mote::QuantParams input{};
};

Case random_case(int units, int trial) {
    Case c;
    const bool edge = trial % 4 == 0;
    const int inputs = edge ? (trial % 8 == 0 ? 1 : uniform(1, 3)) : trial % 5 == 1 ? 257 : uniform(1, 70);
    c.dims = {uniform(1, 3), uniform(1, 4), inputs, units, uniform(0, 1) == 1};
    c.input = {static_cast<float>(uniform_real(0.005, 0.1)), uniform(-128, 127)};
    const mote::QuantParams hidden{static_cast<float>(std::ldexp(uniform_real(1.0, 2.0), -uniform(6, 8))),
                                   uniform(-128, 127)};
    // Mostly gates in the sigmoid's working range; some trials saturate them.
    const double reach = trial % 9 == 0 ? 40.0 : uniform_real(0.3, 4.0);
    std::array<mote::LstmGateWeights, lstm_gate_count> gates{};
    for (std::size_t g = 0; g < lstm_gate_count; ++g) {
        c.wx[g] = random_values<std::int8_t>(static_cast<std::size_t>(units) * inputs, -127, 127);
        c.wh[g] = random_values<std::int8_t>(static_cast<std::size_t>(units) * units, -127, 127);
        const float sx = weight_scale(c.input.scale, inputs, reach);
        const float sh = weight_scale(hidden.scale, units, reach);
        const int bias_reach = static_cast<int>(std::min(2.0 * reach / (double{c.input.scale} * sx), 1e9));
        c.bias[g] = random_values<std::int32_t>(static_cast<std::size_t>(units), -bias_reach, bias_reach);
        gates[g] = {c.wx[g], c.wh[g], c.bias[g], sx, sh};
    }
    const float cell_scale = static_cast<float>(std::ldexp(1.0, -uniform(9, 15)));
    const float clip = uniform(0, 2) == 0 ? static_cast<float>(uniform_real(0.2, 6.0)) : 0.0f;
    c.weights = {gates[0], gates[1], gates[2], gates[3], hidden, cell_scale, clip};
    return c;
}

struct Counts {
    int cases = 0, varied = 0;
};

template <class P, int Units>
void check_lstm(int trial, Counts& counts) {
    const Case c = random_case(Units, trial);
    const ref::LstmDims& d = c.dims;
    const auto params = ref::make_lstm_int8_params<Units>(c.weights, c.input, d.inputs);
    REQUIRE(params.error == nullptr);

    // The optimized kernel's data, built at run time by the functions the layer runs at compile time.
    const int rows = static_cast<int>(lstm_gate_count) * Units;
    const int kx = k::lstm_k<P>(d.inputs), kh = k::lstm_k<P>(Units);
    std::vector<std::int8_t> ux(static_cast<std::size_t>(rows) * kx), uh(static_cast<std::size_t>(rows) * kh);
    k::lstm_unit_major(c.weights, false, Units, d.inputs, kx, ux.data());
    k::lstm_unit_major(c.weights, true, Units, Units, kh, uh.data());
    std::vector<k::weight_t<P>> px(ux.size()), ph(uh.size());
    k::pack_weights(P::layout, ux.data(), px.data(), rows, kx);
    k::pack_weights(P::layout, uh.data(), ph.data(), rows, kh);
    const auto bias = k::lstm_unit_major_bias(params);
    const k::LstmView<P> view{px.data(), ph.data(), bias.input.data(), bias.recurrent.data(),
                             k::lstm_fast_quant(params.quant)};

    const std::size_t rows_total = static_cast<std::size_t>(d.batch) * d.time;
    const auto in = random_values<std::int8_t>(rows_total * d.inputs, -128, 127);
    const std::size_t state_n = static_cast<std::size_t>(d.batch) * Units;
    auto h_ref = random_values<std::int8_t>(state_n, -128, 127);
    auto c_ref = random_values<std::int16_t>(state_n, -32768, 32767);
    if (trial % 3 == 0) {  // the state TFLM starts from
        std::fill(h_ref.begin(), h_ref.end(), static_cast<std::int8_t>(c.weights.hidden.zero_point));
        std::fill(c_ref.begin(), c_ref.end(), std::int16_t{0});
    }
    auto h_opt = h_ref;
    auto c_opt = c_ref;
    std::vector<std::int8_t> expected(rows_total * Units), got(expected.size(), 0x55);

    // Scratch beyond the declared bytes must stay untouched.
    constexpr std::byte canary{0xA5};
    const std::size_t scratch_bytes = k::lstm_scratch_bytes<P>(d.inputs, Units);
    alignas(16) static std::byte scratch[8192];
    REQUIRE(scratch_bytes + 64 <= sizeof scratch);
    std::fill(std::begin(scratch), std::end(scratch), canary);

    ref::lstm(d, ref::view_of(params, c.weights), in.data(), expected.data(), h_ref.data(), c_ref.data());
    k::lstm<P>(d, view, in.data(), got.data(), h_opt.data(), c_opt.data(), scratch);

    INFO("trial " << trial << " units " << Units << " inputs " << d.inputs << " batch " << d.batch
                  << " time " << d.time << (d.time_major ? " time-major" : " batch-major") << " zp_x "
                  << c.input.zero_point << " zp_h " << c.weights.hidden.zero_point << " clip "
                  << c.weights.cell_clip);
    REQUIRE(got == expected);
    REQUIRE(h_opt == h_ref);
    REQUIRE(c_opt == c_ref);
    for (std::size_t i = scratch_bytes; i < scratch_bytes + 64; ++i) REQUIRE(scratch[i] == canary);
    ++counts.cases;
    counts.varied += std::set<std::int8_t>(expected.begin(), expected.end()).size() > 1;
}

template <class P, int... Units>
Counts check_all(std::integer_sequence<int, Units...>) {
    Counts counts;
    for (int trial = 0; trial < 16; ++trial) (check_lstm<P, Units>(trial, counts), ...);
    return counts;
}

// --- the layer -------------------------------------------------------------------------------
constexpr int U = 5, I = 11, B = 2, T = 3;
template <std::size_t N, class V>
constexpr std::array<V, N> codes(std::uint32_t seed, int range) {
    std::array<V, N> a{};
    for (auto& v : a) {
        seed = seed * 1664525u + 1013904223u;
        v = static_cast<V>(static_cast<int>((seed >> 8) % static_cast<std::uint32_t>(2 * range + 1)) - range);
    }
    return a;
}
alignas(16) inline constexpr auto lx0 = codes<U * I, std::int8_t>(1, 127);
alignas(16) inline constexpr auto lx1 = codes<U * I, std::int8_t>(2, 127);
alignas(16) inline constexpr auto lx2 = codes<U * I, std::int8_t>(3, 127);
alignas(16) inline constexpr auto lx3 = codes<U * I, std::int8_t>(4, 127);
alignas(16) inline constexpr auto lh0 = codes<U * U, std::int8_t>(5, 127);
alignas(16) inline constexpr auto lh1 = codes<U * U, std::int8_t>(6, 127);
alignas(16) inline constexpr auto lh2 = codes<U * U, std::int8_t>(7, 127);
alignas(16) inline constexpr auto lh3 = codes<U * U, std::int8_t>(8, 127);
alignas(16) inline constexpr auto lb0 = codes<U, std::int32_t>(9, 2000);
alignas(16) inline constexpr auto lb1 = codes<U, std::int32_t>(10, 2000);
alignas(16) inline constexpr auto lb2 = codes<U, std::int32_t>(11, 2000);
alignas(16) inline constexpr auto lb3 = codes<U, std::int32_t>(12, 2000);
inline constexpr mote::QuantParams layer_in{0.04f, 9};
inline constexpr mote::LstmWeights layer_w{{lx0, lh0, lb0, 0.003f, 0.01f},
                                           {lx1, lh1, lb1, 0.003f, 0.01f},
                                           {lx2, lh2, lb2, 0.003f, 0.01f},
                                           {lx3, lh3, lb3, 0.003f, 0.01f},
                                           {1.0f / 128.0f, -7},
                                           1.0f / 4096.0f,
                                           0.0f};

}  // namespace

TEMPLATE_TEST_CASE("Optimized LSTM equals the reference LSTM", "[kernels][lstm][differential]",
                   mote::kernels::portable::Primitives, mote::kernels::Primitives) {
    INFO("isa " << mote::config::isa_name(mote::config::isa));
    const Counts counts =
        check_all<TestType>(std::integer_sequence<int, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 20, 33, 80>{});
    CHECK(counts.cases == 16 * 14);
    CHECK(counts.varied >= counts.cases * 3 / 4);  // the comparisons were not of constant outputs
}

TEST_CASE("LSTM layer runs the selected kernel within its declared flash and scratch",
          "[kernels][lstm][layer]") {
    using In = mote::Input<mote::Shape{B, T, I}, layer_in>;
    using Net = mote::Sequential<In, mote::Lstm<U, layer_w>>;
    using L = mote::Lstm<U, layer_w>::bind<In::tensor, -1>;
    using Plan = L::Plan;
    if (mote::config::reference_kernels) {
        CHECK(L::scratch_bytes == 0);
    } else {
        CHECK(L::weight_bytes == Plan::flash_bytes);
        CHECK(L::scratch_bytes == k::lstm_scratch_bytes(I, U));
        // Both matrices with rows padded as the primitive set reads them, the unit-major biases,
        // the scalar parameters.
        CHECK(Plan::flash_bytes ==
              4 * U * (k::lstm_k(I) + k::lstm_k(U)) * sizeof(k::weight_t<k::Primitives>) +
                  2 * 4 * U * sizeof(std::int32_t) + sizeof(ref::LstmInt8QuantOf<k::ChannelQ>));
    }

    const auto x = codes<B * T * I, std::int8_t>(99, 127);
    static Net::Arena arena;
    Net::State state;
    std::array<std::int8_t, B * T * U> first{}, second{};
    std::memcpy(first.data(), Net::run(arena, state, x.data()), first.size());
    std::memcpy(second.data(), Net::run(arena, state, x.data()), second.size());

    // The reference kernel on the same data, twice from the initial state.
    std::array<std::int8_t, B * U> h{};
    std::array<std::int16_t, B * U> c{};
    h.fill(static_cast<std::int8_t>(layer_w.hidden.zero_point));
    std::array<std::int8_t, B * T * U> want{};
    ref::lstm(L::dims, L::view, x.data(), want.data(), h.data(), c.data());
    CHECK(first == want);
    ref::lstm(L::dims, L::view, x.data(), want.data(), h.data(), c.data());
    CHECK(second == want);
    CHECK(first != second);
    CHECK(std::set<std::int8_t>(first.begin(), first.end()).size() > 4);
    CHECK(std::memcmp(state.bytes.data(), h.data(), h.size()) == 0);
    CHECK(std::memcmp(state.bytes.data() + L::cell_offset, c.data(), sizeof c) == 0);
}
