// UNIDIRECTIONAL_SEQUENCE_LSTM: the int16 activations, the compile-time parameters, and the
// layer through the model API on small hand-made cases checked against plain double math
// (TFLite's formula: sigmoid/tanh gates, c = f·c + i·g clipped, h = tanh(c)·o), plus the
// properties the layout and the state must have. The byte-exact comparison with TFLM on the
// streaming models is done by the golden tests.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <mote/layers/lstm.hpp>
#include <mote/mote.hpp>

namespace lt {
using namespace mote;

constexpr std::uint32_t lcg(std::uint32_t x) { return x * 1664525u + 1013904223u; }

// Deterministic int8 values in [-Range, Range].
template <std::size_t N, int Range>
constexpr std::array<std::int8_t, N> int8_values(std::uint32_t seed) {
    std::array<std::int8_t, N> a{};
    for (std::size_t i = 0; i < N; ++i) {
        seed = lcg(seed);
        a[i] = static_cast<std::int8_t>(static_cast<int>((seed >> 16) % (2 * Range + 1)) - Range);
    }
    return a;
}
template <std::size_t N>
constexpr std::array<std::int32_t, N> int32_values(std::uint32_t seed, int range, int offset) {
    std::array<std::int32_t, N> a{};
    for (std::size_t i = 0; i < N; ++i) {
        seed = lcg(seed);
        a[i] = static_cast<std::int32_t>((seed >> 8) % static_cast<std::uint32_t>(2 * range + 1)) -
               range + offset;
    }
    return a;
}
template <std::size_t N>
constexpr std::array<float, N> float_values(std::uint32_t seed, float range) {
    std::array<float, N> a{};
    for (std::size_t i = 0; i < N; ++i) {
        seed = lcg(seed);
        a[i] = (static_cast<float>(seed >> 8) / 16777216.0f * 2.0f - 1.0f) * range;
    }
    return a;
}
template <std::size_t N, class T>
constexpr std::array<T, N> filled(T v) {
    std::array<T, N> a{};
    for (auto& x : a) x = v;
    return a;
}

// --- a small int8 LSTM: 3 inputs, 4 units ----------------------------------------------------
constexpr int I = 3, U = 4;
inline constexpr QuantParams in_q{0.05f, 7};
inline constexpr QuantParams in_q_shifted{0.05f, -20};  // same scale, another zero point
constexpr float sx = 0.02f, sh = 0.015f;                // weight scales
// Biases have scale s_in·s_w = 0.001; the forget gate's is centred on +1.0.
alignas(16) inline constexpr auto wx_i = int8_values<U * I, 100>(1);
alignas(16) inline constexpr auto wx_f = int8_values<U * I, 100>(2);
alignas(16) inline constexpr auto wx_c = int8_values<U * I, 100>(3);
alignas(16) inline constexpr auto wx_o = int8_values<U * I, 100>(4);
alignas(16) inline constexpr auto wh_i = int8_values<U * U, 120>(5);
alignas(16) inline constexpr auto wh_f = int8_values<U * U, 120>(6);
alignas(16) inline constexpr auto wh_c = int8_values<U * U, 120>(7);
alignas(16) inline constexpr auto wh_o = int8_values<U * U, 120>(8);
alignas(16) inline constexpr auto b_i = int32_values<U>(9, 300, 0);
alignas(16) inline constexpr auto b_f = int32_values<U>(10, 300, 1000);
alignas(16) inline constexpr auto b_c = int32_values<U>(11, 300, 0);
alignas(16) inline constexpr auto b_o = int32_values<U>(12, 300, 0);
inline constexpr LstmWeights small{.input_gate = {wx_i, wh_i, b_i, sx, sh},
                                   .forget_gate = {wx_f, wh_f, b_f, sx, sh},
                                   .cell_gate = {wx_c, wh_c, b_c, sx, sh},
                                   .output_gate = {wx_o, wh_o, b_o, sx, sh},
                                   .hidden = {1.0f / 128.0f, -3},
                                   .cell_scale = 1.0f / 2048.0f,
                                   .cell_clip = 0.0f};

// --- saturating gates: every pre-activation clamps at +32767 (sigmoid ≈ 0.99966, tanh = 1) --
// (large input weights and bias, zero recurrent weights)
alignas(16) inline constexpr auto sat_x = filled<U * I, std::int8_t>(127);
alignas(16) inline constexpr auto sat_h = filled<U * U, std::int8_t>(0);
alignas(16) inline constexpr auto sat_b = filled<U, std::int32_t>(1000000);
constexpr LstmWeights saturating(float cell_clip) {
    const LstmGateWeights g{sat_x, sat_h, sat_b, 0.02f, 0.02f};
    return {g, g, g, g, {0.01f, 5}, 1.0f / 2048.0f, cell_clip};
}
inline constexpr LstmWeights sat_free = saturating(0.0f);
inline constexpr LstmWeights sat_clip = saturating(0.3001f);  // ·2048 = 614.6: clip at 614

// --- the same small LSTM in float --------------------------------------------------------------
alignas(16) inline constexpr auto fx_i = float_values<U * I>(21, 0.8f);
alignas(16) inline constexpr auto fx_f = float_values<U * I>(22, 0.8f);
alignas(16) inline constexpr auto fx_c = float_values<U * I>(23, 0.8f);
alignas(16) inline constexpr auto fx_o = float_values<U * I>(24, 0.8f);
alignas(16) inline constexpr auto fh_i = float_values<U * U>(25, 0.6f);
alignas(16) inline constexpr auto fh_f = float_values<U * U>(26, 0.6f);
alignas(16) inline constexpr auto fh_c = float_values<U * U>(27, 0.6f);
alignas(16) inline constexpr auto fh_o = float_values<U * U>(28, 0.6f);
alignas(16) inline constexpr auto fb_i = float_values<U>(29, 0.3f);
alignas(16) inline constexpr auto fb_f = float_values<U>(30, 0.3f);
alignas(16) inline constexpr auto fb_c = float_values<U>(31, 0.3f);
alignas(16) inline constexpr auto fb_o = float_values<U>(32, 0.3f);
constexpr LstmFloatWeights float_lstm(float cell_clip) {
    return {
        {fx_i, fh_i, fb_i}, {fx_f, fh_f, fb_f}, {fx_c, fh_c, fb_c}, {fx_o, fh_o, fb_o}, cell_clip};
}
inline constexpr LstmFloatWeights float_free = float_lstm(0.0f);
inline constexpr LstmFloatWeights float_clip = float_lstm(0.25f);

template <Shape S, const auto& Q, int Units, const auto& W, bool TimeMajor = false>
using Net = Sequential<Input<S, Q>, Lstm<Units, W, TimeMajor>>;

// Plain double math of TFLite's LSTM over a batch-major [B, T, I] sequence. x_real and the
// weights are real values; `quantize_h` rounds h to the hidden grid after every step (the int8
// kernel feeds its int8 h back), or returns h unchanged.
struct DoubleGate {
    std::vector<double> wx, wh, b;
};
template <class QuantizeH>
std::vector<double> double_lstm(const std::array<DoubleGate, 4>& g, int batch, int time, int inputs,
                                int units, const std::vector<double>& x, double clip,
                                QuantizeH quantize_h, std::vector<double>* final_c = nullptr) {
    std::vector<double> out(batch * time * units);
    for (int b = 0; b < batch; ++b) {
        std::vector<double> h(units, 0.0), c(h);
        for (int t = 0; t < time; ++t) {
            const double* xr = &x[(b * time + t) * inputs];
            std::vector<double> nh(h.size());
            for (int u = 0; u < units; ++u) {
                double pre[4];
                for (int k = 0; k < 4; ++k) {
                    const DoubleGate& gk = g[k];
                    double s = gk.b[u];
                    for (int i = 0; i < inputs; ++i) s += gk.wx[u * inputs + i] * xr[i];
                    for (int j = 0; j < units; ++j) s += gk.wh[u * units + j] * h[j];
                    pre[k] = s;
                }
                const auto sig = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
                double cu = sig(pre[1]) * c[u] + sig(pre[0]) * std::tanh(pre[2]);
                if (clip > 0.0) cu = std::clamp(cu, -clip, clip);
                c[u] = cu;
                nh[u] = quantize_h(std::tanh(cu) * sig(pre[3]));
            }
            h = nh;
            std::copy(h.begin(), h.end(), out.begin() + (b * time + t) * units);
        }
        if (final_c) final_c->insert(final_c->end(), c.begin(), c.end());
    }
    return out;
}

std::array<DoubleGate, 4> double_gates(const LstmWeights& w, float input_scale) {
    std::array<DoubleGate, 4> g;
    for (int k = 0; k < 4; ++k) {
        const LstmGateWeights& q = lstm_gate(w, static_cast<LstmGate>(k));
        DoubleGate& d = g[k];
        for (auto v : q.input) d.wx.push_back(v * static_cast<double>(q.input_scale));
        for (auto v : q.recurrent) d.wh.push_back(v * static_cast<double>(q.recurrent_scale));
        for (auto v : q.bias) d.b.push_back(v * static_cast<double>(input_scale) * q.input_scale);
    }
    return g;
}
std::array<DoubleGate, 4> double_gates(const LstmFloatWeights& w) {
    std::array<DoubleGate, 4> g;
    for (int k = 0; k < 4; ++k) {
        const LstmFloatGateWeights& f = lstm_gate(w, static_cast<LstmGate>(k));
        g[k] = {{f.input.begin(), f.input.end()},
                {f.recurrent.begin(), f.recurrent.end()},
                {f.bias.begin(), f.bias.end()}};
    }
    return g;
}

template <std::size_t N>
std::array<std::int8_t, N> input_codes(std::uint32_t seed) {
    std::array<std::int8_t, N> a{};
    for (auto& v : a) {
        seed = lcg(seed);
        v = static_cast<std::int8_t>(static_cast<int>(seed >> 24) - 128);
    }
    return a;
}
}  // namespace lt

using namespace mote;

TEST_CASE("LSTM int16 sigmoid and tanh follow sigmoid(x) and tanh(x) on Q3.12 inputs",
          "[lstm][activation]") {
    using reference::scale_activation_input;
    using reference::sigmoid_int16;
    using reference::tanh_int16;
    CHECK(sigmoid_int16(0) == 16384);
    CHECK(tanh_int16(0) == 0);
    int prev_s = -1, prev_t = -40000;
    double worst_s = 0.0, worst_t = 0.0;
    for (int q = -32768; q <= 32767; ++q) {
        const auto x16 = static_cast<std::int16_t>(q);
        const int s = sigmoid_int16(scale_activation_input(x16, {}));
        const int t = tanh_int16(scale_activation_input(x16, {}));
        const double x = q / 4096.0;
        worst_s = std::max(worst_s, std::abs(s / 32768.0 - 1.0 / (1.0 + std::exp(-x))));
        worst_t = std::max(worst_t, std::abs(t / 32768.0 - std::tanh(x)));
        REQUIRE(s >= prev_s);
        REQUIRE(t >= prev_t);
        // TFLite's rounding makes both exactly symmetric: σ(−x) = 1 − σ(x), tanh(−x) = −tanh(x).
        if (q > -32768) {
            const auto neg = static_cast<std::int16_t>(-q);
            REQUIRE(sigmoid_int16(scale_activation_input(neg, {})) == 32768 - s);
            REQUIRE(tanh_int16(scale_activation_input(neg, {})) == -t);
        }
        prev_s = s;
        prev_t = t;
    }
    CHECK(worst_s < 2e-4);
    CHECK(worst_t < 4e-4);
    // The largest input, 32767 / 4096 = 7.9998: sigmoid · 2^15 = 32757.0; tanh saturates.
    CHECK(sigmoid_int16(scale_activation_input(32767, {})) == 32757);
    CHECK(tanh_int16(scale_activation_input(32767, {})) == 32767);
    CHECK(tanh_int16(scale_activation_input(-32768, {})) == -32767);
}

TEST_CASE("LSTM cell tanh reads the cell state at its power-of-two scale", "[lstm][activation]") {
    using reference::cell_tanh_scaling;
    CHECK(cell_tanh_scaling(-12).multiplier == 3);
    CHECK(cell_tanh_scaling(-12).shift == 0);
    CHECK(cell_tanh_scaling(-11).multiplier == 6);  // TFLM: 3 << 1
    CHECK(cell_tanh_scaling(-10).multiplier == 12);
    CHECK(cell_tanh_scaling(-15).multiplier == 3);  // TFLM: multiplier 3, rounding shift 3
    CHECK(cell_tanh_scaling(-15).shift == 3);
    for (int p : {-15, -13, -12, -11, -10}) {
        for (double real : {-3.0, -0.7, 0.2, 0.5, 1.0, 2.5}) {
            const auto c = static_cast<std::int16_t>(std::lround(real / std::ldexp(1.0, p)));
            if (std::abs(real / std::ldexp(1.0, p)) > 32767) continue;
            const int t =
                reference::tanh_int16(reference::scale_activation_input(c, cell_tanh_scaling(p)));
            INFO("p " << p << " real " << real);
            CHECK(std::abs(t / 32768.0 - std::tanh(real)) < 1e-3);
        }
    }
}

TEST_CASE("LSTM int8 parameters: fixed gate scales, folded biases, quantized clip",
          "[lstm][params]") {
    constexpr auto p = reference::make_lstm_int8_params<lt::U>(lt::small, lt::in_q, lt::I);
    STATIC_REQUIRE(p.error == nullptr);
    // Element-wise products: f·c by 2^-15, i·g by 2^-30 / 2^-11 = 2^-19: multiplier 2^30.
    CHECK(p.quant.forget_times_cell == quant::Multiplier{1 << 30, -14});
    CHECK(p.quant.input_times_cell_gate == quant::Multiplier{1 << 30, -18});
    CHECK(p.quant.hidden == quant::quantize_multiplier(std::ldexp(1.0, -30) * 128.0));
    CHECK(p.quant.input_to_gate[0] ==
          quant::quantize_multiplier(double{0.05f} * double{lt::sx} * 4096.0));
    CHECK(p.quant.recurrent_to_gate[3] ==
          quant::quantize_multiplier(double{1.0f / 128.0f} * double{lt::sh} * 4096.0));
    CHECK(p.quant.cell_tanh.multiplier == 6);
    CHECK_FALSE(p.quant.clip_cell);
    CHECK(p.quant.hidden_zero_point == -3);
    for (int k = 0; k < 4; ++k) {
        const LstmGateWeights& g = lstm_gate(lt::small, static_cast<LstmGate>(k));
        for (int u = 0; u < lt::U; ++u) {
            int sx = 0, sh = 0;
            for (int i = 0; i < lt::I; ++i) sx += g.input[u * lt::I + i];
            for (int j = 0; j < lt::U; ++j) sh += g.recurrent[u * lt::U + j];
            CHECK(p.input_bias[k][u] == g.bias[u] - 7 * sx);
            CHECK(p.recurrent_bias[k][u] == 3 * sh);
        }
    }
    constexpr auto clipped = reference::make_lstm_int8_params<lt::U>(lt::sat_clip, lt::in_q, lt::I);
    STATIC_REQUIRE(clipped.error == nullptr);
    CHECK(clipped.quant.clip_cell);
    CHECK(clipped.quant.cell_clip == 614);  // 0.3001 · 2048 = 614.6, truncated as TFLM does
}

TEST_CASE("LSTM int8 parameters reject what TFLM's LSTM does not support", "[lstm][params]") {
    const auto error_of = [](LstmWeights w, QuantParams in = lt::in_q) {
        const char* e = reference::make_lstm_int8_params<lt::U>(w, in, lt::I).error;
        return std::string(e ? e : "");
    };
    LstmWeights w = lt::small;
    CHECK(error_of(w).empty());
    w.cell_scale = 0.0003f;
    CHECK(error_of(w).find("LSTM: the cell state scale must be a power of two") !=
          std::string::npos);
    w = lt::small;
    w.cell_clip = -1.0f;
    CHECK(error_of(w).find("LSTM: cell_clip") != std::string::npos);
    w = lt::small;
    w.hidden.zero_point = 200;
    CHECK(error_of(w).find("LSTM: invalid int8 quantization") != std::string::npos);
    CHECK(error_of(lt::small, {0.0f, 0}).find("LSTM") != std::string::npos);
    w = lt::small;
    w.cell_gate.bias = w.cell_gate.bias.first(3);
    CHECK(error_of(w).find("LSTM: a gate's weights or bias") != std::string::npos);
    w = lt::small;
    w.output_gate.recurrent_scale = 0.0f;
    CHECK(error_of(w).find("LSTM: weight scales") != std::string::npos);
}

TEST_CASE("LSTM layer facts: name, MACs, flash, state layout and initial state", "[lstm][layer]") {
    using N = lt::Net<Shape{2, 5, lt::I}, lt::in_q, lt::U, lt::small>;
    using L = Lstm<lt::U, lt::small>::bind<Input<Shape{2, 5, lt::I}, lt::in_q>::tensor, -1>;
    CHECK(std::string(L::name) == "LSTM");
    CHECK(L::macs == 2u * 5u * 4u * lt::U * (lt::I + lt::U));
    if constexpr (config::reference_kernels) {
        CHECK(L::weight_bytes == 4u * lt::U * (lt::I + lt::U) + 2u * 4u * lt::U * 4u +
                                     sizeof(reference::LstmInt8Quant));
        CHECK(L::scratch_bytes == 0);
    } else {
        CHECK(L::weight_bytes == L::Plan::flash_bytes);
        CHECK(L::scratch_bytes == L::Plan::scratch_bytes);
    }
    STATIC_REQUIRE(
        std::is_same_v<L::output,
                       Tensor<Shape{2, 5, lt::U}, std::int8_t, scale_bits(lt::small.hidden), -3>>);
    // h: 2·4 int8 = 8 bytes, c: 2·4 int16 at offset 8.
    CHECK(L::state_bytes == 8 + 16);
    CHECK(N::state_bytes >= L::state_bytes);
    const std::byte* s = N::initial_state.data();
    for (int i = 0; i < 8; ++i) CHECK(static_cast<std::int8_t>(s[i]) == -3);  // h = zero point
    for (int i = 8; i < 24; ++i) CHECK(s[i] == std::byte{0});                 // c = 0

    using L3 = Lstm<lt::U, lt::small>::bind<Input<Shape{3, 1, lt::I}, lt::in_q>::tensor, -1>;
    CHECK(L3::state_bytes == 12 + 24);  // 12 hidden bytes, c aligned at 12

    using F = Lstm<lt::U, lt::float_free>::bind<Input<Shape{1, 6, lt::I}, float32>::tensor, -1>;
    CHECK(F::weight_bytes == (4u * lt::U * (lt::I + lt::U) + 4u * lt::U) * sizeof(float));
    CHECK(F::state_bytes == 2 * lt::U * sizeof(float));
    STATIC_REQUIRE(std::is_same_v<F::output, FloatTensor<Shape{1, 6, lt::U}>>);
}

TEST_CASE("LSTM int8 follows TFLite's formula in double math within quantization error",
          "[lstm][int8]") {
    constexpr int B = 2, T = 6;
    using N = lt::Net<Shape{B, T, lt::I}, lt::in_q, lt::U, lt::small>;
    const auto x = lt::input_codes<B * T * lt::I>(77);
    static N::Arena arena;
    N::State state;
    const std::int8_t* out = N::run(arena, state, x.data());

    std::vector<double> xr;
    for (auto q : x) xr.push_back(0.05 * (q - 7));
    const double s = 1.0 / 128.0;
    const auto quantize_h = [&](double h) {
        return s * (std::clamp(std::round(h / s) - 3, -128.0, 127.0) + 3);
    };
    const auto want = lt::double_lstm(lt::double_gates(lt::small, lt::in_q.scale), B, T, lt::I,
                                      lt::U, xr, 0.0, quantize_h);
    int worst = 0;
    bool varied = false;
    for (std::size_t k = 0; k < want.size(); ++k) {
        const long w = std::lround(want[k] / s) - 3;
        worst = std::max(worst, static_cast<int>(std::abs(out[k] - w)));
        varied = varied || out[k] != out[0];
    }
    CHECK(varied);
    CHECK(worst <= 2);
}

TEST_CASE("LSTM int8 saturated gates: the cell state grows by i·g and cell_clip bounds it",
          "[lstm][int8]") {
    // Every gate pre-activation clamps at 32767 (Q3.12, ≈ 8.0): sigmoid(8) = 0.999665, tanh = 1.
    // Cell scale 2^-11: c1 = i·g ≈ 0.99966 → 2047; c2 = f·c1 + i·g → 4093 (±1 from the LUT).
    // With cell_clip 0.3001, c is exactly 614 = trunc(0.3001·2048) after every step.
    constexpr int T = 3;
    alignas(16) const auto x = lt::filled<T * lt::I, std::int8_t>(127);
    using Free = lt::Net<Shape{1, T, lt::I}, lt::in_q, lt::U, lt::sat_free>;
    using Clip = lt::Net<Shape{1, T, lt::I}, lt::in_q, lt::U, lt::sat_clip>;
    static Free::Arena free_arena;
    static Clip::Arena clip_arena;
    const double sig8 = 1.0 / (1.0 + std::exp(-32767.0 / 4096.0));
    double c_real = 0.0;
    for (int t = 1; t <= T; ++t) c_real = sig8 * c_real + sig8;

    Free::State fs;
    const std::int8_t* fo = Free::run(free_arena, fs, x.data());
    std::int16_t c[lt::U];
    std::memcpy(c, fs.bytes.data() + 4, sizeof c);  // h: 4 bytes, c at 4
    for (std::int16_t v : c) CHECK(std::abs(v - c_real * 2048.0) <= 1.0);
    for (int t = 0; t < T; ++t) {
        double cr = 0.0;
        for (int k = 0; k <= t; ++k) cr = sig8 * cr + sig8;
        const long want =
            std::lround(std::tanh(std::round(cr * 2048.0) / 2048.0) * sig8 / 0.01) + 5;
        for (int u = 0; u < lt::U; ++u) CHECK(std::abs(fo[t * lt::U + u] - want) <= 1);
    }

    Clip::State cs;
    const std::int8_t* co = Clip::run(clip_arena, cs, x.data());
    std::memcpy(c, cs.bytes.data() + 4, sizeof c);
    for (std::int16_t v : c) CHECK(v == 614);
    const long clipped = std::lround(std::tanh(614.0 / 2048.0) * sig8 / 0.01) + 5;
    for (int k = 0; k < T * lt::U; ++k) CHECK(std::abs(co[k] - clipped) <= 1);
    CHECK(co[lt::U] != fo[lt::U]);
}

TEST_CASE("LSTM time-major gives the transposed batch-major result", "[lstm][int8][float]") {
    constexpr int B = 2, T = 5;
    const auto bm_in = lt::input_codes<B * T * lt::I>(5);
    std::array<std::int8_t, B * T * lt::I> tm_in{};
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int i = 0; i < lt::I; ++i)
                tm_in[(t * B + b) * lt::I + i] = bm_in[(b * T + t) * lt::I + i];
    using BM = lt::Net<Shape{B, T, lt::I}, lt::in_q, lt::U, lt::small>;
    using TM = lt::Net<Shape{T, B, lt::I}, lt::in_q, lt::U, lt::small, true>;
    static BM::Arena bma;
    static TM::Arena tma;
    BM::State bms;
    TM::State tms;
    const std::int8_t* bo = BM::run(bma, bms, bm_in.data());
    const std::int8_t* to = TM::run(tma, tms, tm_in.data());
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int u = 0; u < lt::U; ++u)
                REQUIRE(to[(t * B + b) * lt::U + u] == bo[(b * T + t) * lt::U + u]);
    CHECK(std::memcmp(bms.bytes.data(), tms.bytes.data(), BM::state_bytes) == 0);

    std::array<float, B * T * lt::I> fbm{}, ftm{};
    for (std::size_t k = 0; k < fbm.size(); ++k) fbm[k] = 0.05f * static_cast<float>(bm_in[k] - 7);
    for (std::size_t k = 0; k < ftm.size(); ++k) ftm[k] = 0.05f * static_cast<float>(tm_in[k] - 7);
    using FBM = lt::Net<Shape{B, T, lt::I}, float32, lt::U, lt::float_free>;
    using FTM = lt::Net<Shape{T, B, lt::I}, float32, lt::U, lt::float_free, true>;
    static FBM::Arena fbma;
    static FTM::Arena ftma;
    FBM::State fbms;
    FTM::State ftms;
    const float* fbo = FBM::run(fbma, fbms, fbm.data());
    const float* fto = FTM::run(ftma, ftms, ftm.data());
    for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t)
            for (int u = 0; u < lt::U; ++u)
                REQUIRE(fto[(t * B + b) * lt::U + u] == fbo[(b * T + t) * lt::U + u]);
}

TEST_CASE("LSTM batch rows are independent: batch 2 equals two batch-1 runs", "[lstm][int8]") {
    constexpr int T = 4;
    const auto x = lt::input_codes<2 * T * lt::I>(9);
    using B2 = lt::Net<Shape{2, T, lt::I}, lt::in_q, lt::U, lt::small>;
    using B1 = lt::Net<Shape{1, T, lt::I}, lt::in_q, lt::U, lt::small>;
    static B2::Arena a2;
    static B1::Arena a1;
    B2::State s2;
    const std::int8_t* o2 = B2::run(a2, s2, x.data());
    for (int b = 0; b < 2; ++b) {
        B1::State s1;
        const std::int8_t* o1 = B1::run(a1, s1, x.data() + b * T * lt::I);
        for (int k = 0; k < T * lt::U; ++k) REQUIRE(o1[k] == o2[b * T * lt::U + k]);
    }
    CHECK(std::memcmp(o2, o2 + T * lt::U, T * lt::U) != 0);  // the rows did differ
}

TEST_CASE("LSTM input zero point: only q − zp matters (folded into the biases)", "[lstm][int8]") {
    constexpr int T = 5;
    auto x = lt::input_codes<T * lt::I>(13);
    for (auto& v : x) v = static_cast<std::int8_t>(std::clamp<int>(v, -100, 127));
    std::array<std::int8_t, T * lt::I> shifted{};
    for (std::size_t k = 0; k < x.size(); ++k) shifted[k] = static_cast<std::int8_t>(x[k] - 27);
    using A = lt::Net<Shape{1, T, lt::I}, lt::in_q, lt::U, lt::small>;
    using Z = lt::Net<Shape{1, T, lt::I}, lt::in_q_shifted, lt::U, lt::small>;
    static A::Arena aa;
    static Z::Arena za;
    A::State as;
    Z::State zs;
    const std::int8_t* ao = A::run(aa, as, x.data());
    const std::int8_t* zo = Z::run(za, zs, shifted.data());
    for (int k = 0; k < T * lt::U; ++k) REQUIRE(ao[k] == zo[k]);
}

TEST_CASE("LSTM state carries over: a second run differs from a fresh one, reset restores it",
          "[lstm][int8][float]") {
    constexpr int T = 3;
    const auto x = lt::input_codes<T * lt::I>(21);
    using N = lt::Net<Shape{1, T, lt::I}, lt::in_q, lt::U, lt::small>;
    static N::Arena arena;
    N::State state;
    std::array<std::int8_t, T * lt::U> first{}, second{}, again{};
    std::memcpy(first.data(), N::run(arena, state, x.data()), first.size());
    std::memcpy(second.data(), N::run(arena, state, x.data()), second.size());
    CHECK(first != second);
    // Two runs on one state equal one run over the concatenated sequence.
    using N2 = lt::Net<Shape{1, 2 * T, lt::I}, lt::in_q, lt::U, lt::small>;
    static N2::Arena arena2;
    N2::State state2;
    std::array<std::int8_t, 2 * T * lt::I> xx{};
    std::copy(x.begin(), x.end(), xx.begin());
    std::copy(x.begin(), x.end(), xx.begin() + T * lt::I);
    const std::int8_t* both = N2::run(arena2, state2, xx.data());
    for (int k = 0; k < T * lt::U; ++k) {
        REQUIRE(both[k] == first[k]);
        REQUIRE(both[T * lt::U + k] == second[k]);
    }
    N::reset(state);
    std::memcpy(again.data(), N::run(arena, state, x.data()), again.size());
    CHECK(again == first);

    std::array<float, T * lt::I> xf{};
    for (std::size_t k = 0; k < xf.size(); ++k) xf[k] = 0.05f * static_cast<float>(x[k] - 7);
    using F = lt::Net<Shape{1, T, lt::I}, float32, lt::U, lt::float_free>;
    static F::Arena fa;
    F::State fs;
    std::array<float, T * lt::U> f1{}, f2{};
    std::memcpy(f1.data(), F::run(fa, fs, xf.data()), sizeof f1);
    std::memcpy(f2.data(), F::run(fa, fs, xf.data()), sizeof f2);
    CHECK(f1 != f2);
    F::reset(fs);
    CHECK(std::memcmp(F::run(fa, fs, xf.data()), f1.data(), sizeof f1) == 0);
}

TEST_CASE("LSTM float matches double math, and cell_clip bounds the cell state", "[lstm][float]") {
    constexpr int B = 2, T = 7;
    std::array<float, B * T * lt::I> x{};
    std::uint32_t seed = 3;
    for (auto& v : x) {
        seed = lt::lcg(seed);
        v = static_cast<float>(seed >> 8) / 16777216.0f * 4.0f - 2.0f;
    }
    const std::vector<double> xr(x.begin(), x.end());
    const auto same = [](double h) { return h; };
    for (const bool clip : {false, true}) {
        INFO("cell_clip " << (clip ? 0.25 : 0.0));
        std::vector<double> c_want;
        const float* out = nullptr;
        std::array<float, B * lt::U> c_got{};
        if (clip) {
            using N = lt::Net<Shape{B, T, lt::I}, float32, lt::U, lt::float_clip>;
            static N::Arena arena;
            N::State state;
            out = N::run(arena, state, x.data());
            std::memcpy(c_got.data(), state.bytes.data() + B * lt::U * sizeof(float), sizeof c_got);
        } else {
            using N = lt::Net<Shape{B, T, lt::I}, float32, lt::U, lt::float_free>;
            static N::Arena arena;
            N::State state;
            out = N::run(arena, state, x.data());
            std::memcpy(c_got.data(), state.bytes.data() + B * lt::U * sizeof(float), sizeof c_got);
        }
        const auto want = lt::double_lstm(lt::double_gates(clip ? lt::float_clip : lt::float_free),
                                          B, T, lt::I, lt::U, xr, clip ? 0.25 : 0.0, same, &c_want);
        double max_want = 0.0;
        for (double w : want) max_want = std::max(max_want, std::abs(w));
        for (std::size_t k = 0; k < want.size(); ++k)
            CHECK(std::abs(out[k] - want[k]) <= 1e-5 * max_want);
        for (std::size_t k = 0; k < c_got.size(); ++k)
            CHECK(std::abs(c_got[k] - c_want[k]) <= 1e-5);
        const float c_max = *std::max_element(
            c_got.begin(), c_got.end(), [](float a, float b) { return std::abs(a) < std::abs(b); });
        if (clip)
            CHECK(std::abs(c_max) == 0.25f);  // the clip was active
        else
            CHECK(std::abs(c_max) > 0.25f);
    }
}

namespace lt {
// A second LSTM on the first one's hidden state (4 inputs, 4 units): two stateful layers.
alignas(16) inline constexpr auto dx_i = int8_values<U * U, 100>(41);
alignas(16) inline constexpr auto dx_f = int8_values<U * U, 100>(42);
alignas(16) inline constexpr auto dx_c = int8_values<U * U, 100>(43);
alignas(16) inline constexpr auto dx_o = int8_values<U * U, 100>(44);
inline constexpr LstmWeights deep{.input_gate = {dx_i, wh_i, b_i, sx, sh},
                                  .forget_gate = {dx_f, wh_f, b_f, sx, sh},
                                  .cell_gate = {dx_c, wh_c, b_c, sx, sh},
                                  .output_gate = {dx_o, wh_o, b_o, sx, sh},
                                  .hidden = {1.0f / 128.0f, 2},
                                  .cell_scale = 1.0f / 2048.0f,
                                  .cell_clip = 0.0f};
using Stacked = Sequential<Input<Shape{1, 5, I}, in_q>, Lstm<U, small>, Lstm<U, deep>>;
}  // namespace lt

TEST_CASE("A cut of a stateful model keeps each layer's state on its side: tail(head) == whole",
          "[lstm][state][cut]") {
    using Whole = lt::Stacked;
    using Head = mote::head<Whole, 1>;
    using Tail = mote::tail<Whole, 1>;
    STATIC_REQUIRE(Head::stateful);
    STATIC_REQUIRE(Tail::stateful);
    STATIC_REQUIRE(Head::state_bytes + Tail::state_bytes == Whole::state_bytes);
    static Whole::Arena whole_arena;
    static Head::Arena head_arena;
    static Tail::Arena tail_arena;
    Whole::State whole;
    Head::State head;
    Tail::State tail;
    Whole::State fresh;
    std::array<std::int8_t, 5 * lt::I> in{};
    int differ_from_fresh = 0;
    for (int frame = 0; frame < 6; ++frame) {
        for (std::size_t i = 0; i < in.size(); ++i)
            in[i] = static_cast<std::int8_t>((frame * 37 + static_cast<int>(i) * 19) % 200 - 100);
        const std::int8_t* w = Whole::run(whole_arena, whole, in.data());
        std::array<std::int8_t, 5 * lt::U> want{};
        std::memcpy(want.data(), w, want.size());
        const std::int8_t* cut = Head::run(head_arena, head, in.data());
        const std::int8_t* got = Tail::run(tail_arena, tail, cut);
        for (std::size_t i = 0; i < want.size(); ++i) {
            INFO("frame " << frame << " element " << i);
            REQUIRE(got[i] == want[i]);
        }
        Whole::reset(fresh);
        const std::int8_t* f = Whole::run(whole_arena, fresh, in.data());
        differ_from_fresh += std::memcmp(f, want.data(), want.size()) != 0 ? 1 : 0;
    }
    CHECK(differ_from_fresh >= 4);  // the carried state changes the later frames
}
