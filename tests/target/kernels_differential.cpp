// The optimized kernels on the device (DSP on M4/M7, Helium on M55, portable on M3) against the
// reference kernels, on random shapes that hit every tail (odd channels, columns not multiples of
// 4/16, odd pixel counts, padding, strides; for depthwise: dilation, chunks past 32 channels,
// depth multipliers 1..8 and windows up to 10×10 on every path), every requantization shift; and
// the int8 LSTM on random units, inputs, batch, time, layout, zero points and states. The host
// twins are tests/unit/kernels_differential.cpp and kernels_lstm.cpp. Exit status = number of
// mismatching cases.
#include <cstddef>
#include <cstdint>

#include "mote/mote.hpp"
#include "mote_board.hpp"

namespace {

namespace k = mote::kernels;
namespace ref = mote::reference;
using P = k::Primitives;

std::uint32_t state = 0x9E3779B9u;
std::uint32_t next() {
    state ^= state << 13, state ^= state >> 17, state ^= state << 5;
    return state;
}
int uniform(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint32_t>(hi - lo + 1)); }

// Depthwise: up to 40 channels, past a 32-channel chunk.
constexpr int max_c = 24, max_dw_c = 40, max_hw = 9, max_taps = 4 * 4 * max_c;
std::int8_t in[max_hw * max_hw * max_c * 2];
std::int8_t w[max_c * max_taps], padded[max_c * (max_taps + 8)];
alignas(8) k::weight_t<P> packed[max_c * (max_taps + 8)];
std::int8_t expected[max_hw * max_hw * max_dw_c], got[max_hw * max_hw * max_dw_c];
// Depthwise windows up to 10×10, C·M ≤ max_dw_c (grouped weights: C groups of up to M·100 + 3).
static_assert(10 * 10 * max_dw_c <= sizeof w && 10 * 10 * max_dw_c <= sizeof padded &&
              (10 * 10 + 3) * max_dw_c <= sizeof packed / sizeof packed[0] && max_hw * max_hw * max_dw_c <= sizeof in);
std::int32_t bias[max_dw_c], mult[max_dw_c];
std::int8_t expo[max_dw_c];
k::ChannelQ cq[max_dw_c];
alignas(16) std::byte scratch[4096];

struct Q {
    ref::RequantView r;
    k::Requant o;
    std::int32_t in_zp;
};

// Half the cases are "plain" layers, as converted models have (kernels/requant.hpp): right
// shifts only, the zero point folded into the rounding constants, the int8 clamp. They take the
// fused requantize-and-store paths.
Q random_params(int channels) {
    const bool plain = uniform(0, 1) == 0;
    const std::int32_t in_zp = uniform(-128, 127), out_zp = uniform(-128, 127);
    for (int c = 0; c < channels; ++c) {
        bias[c] = uniform(-40000, 40000);
        mult[c] = uniform(0, 9) == 0 ? 0 : (1 << 30) + uniform(0, (1 << 30) - 1);
        expo[c] = static_cast<std::int8_t>(!plain && uniform(0, 5) == 0 ? uniform(0, 6) : -uniform(1, 20));
        cq[c] = k::channel_q(mult[c], expo[c]);
        if (plain) k::fold_zero_point(cq[c], out_zp);
    }
    const mote::quant::ClampRange clamp = plain || uniform(0, 1) ? mote::quant::ClampRange{-128, 127}
                                                                 : mote::quant::ClampRange{out_zp, 127};
    return {{bias, mult, expo, in_zp, out_zp, clamp},
            {bias, cq, out_zp, clamp.min, clamp.max, plain, plain},
            in_zp};
}

mote::WindowGeometry random_window(bool depthwise) {
    mote::WindowGeometry g{};
    const bool pointwise = uniform(0, 3) == 0;
    g.kernel_h = pointwise ? 1 : uniform(1, 4);
    g.kernel_w = pointwise ? 1 : uniform(1, 4);
    g.stride_h = pointwise ? 1 : uniform(1, 2);
    g.stride_w = pointwise ? 1 : uniform(1, 2);
    g.dilation_h = g.dilation_w = depthwise && uniform(0, 3) == 0 ? 2 : 1;
    const int d = g.dilation_h;
    g.in_h = uniform((g.kernel_h - 1) * d + 1, max_hw);
    g.in_w = uniform((g.kernel_w - 1) * d + 1, max_hw);
    g.in_c = uniform(1, depthwise ? max_dw_c : max_c);
    g.out_c = depthwise ? g.in_c : uniform(1, max_c);
    const auto pad = pointwise || uniform(0, 1) ? mote::Padding::same : mote::Padding::valid;
    g.out_h = mote::window_output_size(pad, g.in_h, g.kernel_h, g.stride_h, d);
    g.out_w = mote::window_output_size(pad, g.in_w, g.kernel_w, g.stride_w, d);
    g.pad_top = pad == mote::Padding::same ? mote::window_pad_before(g.in_h, g.out_h, g.kernel_h, g.stride_h, d) : 0;
    g.pad_left = pad == mote::Padding::same ? mote::window_pad_before(g.in_w, g.out_w, g.kernel_w, g.stride_w, d) : 0;
    return g;
}

// Depthwise with multiplier m (C·m ≤ max_dw_c): windows up to 10×10 (80 taps and more leave the
// stack's tap table), strides up to 3, SAME pads larger than the image, one input channel.
mote::WindowGeometry random_depthwise_window(int m) {
    mote::WindowGeometry g{};
    const bool tall = uniform(0, 3) == 0;
    g.kernel_h = tall ? uniform(5, 10) : uniform(1, 4);
    g.kernel_w = tall ? uniform(4, 10) : uniform(1, 4);
    g.stride_h = uniform(1, 3), g.stride_w = uniform(1, 3);
    g.dilation_h = g.dilation_w = uniform(0, 3) == 0 ? 2 : 1;
    const int d = g.dilation_h;
    const auto pad = tall || uniform(0, 1) ? mote::Padding::same : mote::Padding::valid;
    const int min_h = pad == mote::Padding::same ? 1 : (g.kernel_h - 1) * d + 1;
    const int min_w = pad == mote::Padding::same ? 1 : (g.kernel_w - 1) * d + 1;
    g.in_h = uniform(min_h, max_hw);  // VALID windows are at most 4×4 with dilation 2: 7 ≤ max_hw
    g.in_w = uniform(min_w, max_hw);
    g.in_c = uniform(0, 4) == 0 ? 1 : uniform(1, max_dw_c / m);
    g.out_c = g.in_c * m;
    g.out_h = mote::window_output_size(pad, g.in_h, g.kernel_h, g.stride_h, g.dilation_h);
    g.out_w = mote::window_output_size(pad, g.in_w, g.kernel_w, g.stride_w, g.dilation_w);
    g.pad_top = pad == mote::Padding::same ? mote::window_pad_before(g.in_h, g.out_h, g.kernel_h, g.stride_h, g.dilation_h) : 0;
    g.pad_left = pad == mote::Padding::same ? mote::window_pad_before(g.in_w, g.out_w, g.kernel_w, g.stride_w, g.dilation_w) : 0;
    return g;
}

void fill(std::int8_t* p, int n) {
    for (int i = 0; i < n; ++i) p[i] = static_cast<std::int8_t>(next());
}

bool same(int n) {
    for (int i = 0; i < n; ++i)
        if (expected[i] != got[i]) return false;
    return true;
}

// One depthwise layer with multiplier m on `path` (weights and records in the order it reads
// them) against the reference in `expected`; true when they agree.
bool depthwise_case(k::DepthwisePath path, const mote::WindowGeometry& g, int m, const Q& q) {
    const int taps = g.kernel_h * g.kernel_w;
    for (int i = 0; i < g.out_h * g.out_w * g.out_c; ++i) got[i] = 0x55;
    if (path == k::DepthwisePath::taps) {
        static std::int32_t by_m_bias[max_dw_c];
        static k::ChannelQ by_m_q[max_dw_c];
        for (int o = 0; o < g.out_c; ++o) by_m_bias[o % m * g.in_c + o / m] = bias[o], by_m_q[o % m * g.in_c + o / m] = cq[o];
        k::Requant r = q.o;
        r.bias = by_m_bias, r.q = by_m_q;
        k::depthwise_by_multiplier(w, padded, g.in_c, m, taps);
        if (k::depthwise_taps_scratch_bytes(g) > sizeof scratch) return false;
        k::depthwise_conv2d<P>(g, m, r, q.in_zp, in, padded, got, scratch);
    } else {
        k::depthwise_rows(w, padded, g.out_c, taps);
        k::pack_groups(P::layout, padded, packed, g.in_c, m, taps);
        if (k::grouped_scratch_bytes<P>(g) > sizeof scratch) return false;
        k::depthwise_grouped<P>(g, m, q.o, q.in_zp, in, packed, got, scratch);
    }
    return same(g.out_h * g.out_w * g.out_c);
}

// LSTM (kernels/lstm.hpp): the four gates' weights in w (input-to-gate, then recurrent, gate by
// gate), the unit-major matrices in padded, packed into packed (all within their sizes).
constexpr int max_lstm_units = 20, max_lstm_inputs = 40, max_lstm_batch = 2, max_lstm_time = 3;
std::int32_t lstm_bias[mote::lstm_gate_count][max_lstm_units];
std::int8_t lstm_h[max_lstm_batch * max_lstm_units], lstm_h_ref[max_lstm_batch * max_lstm_units];
std::int16_t lstm_c[max_lstm_batch * max_lstm_units], lstm_c_ref[max_lstm_batch * max_lstm_units];
static_assert(mote::lstm_gate_count * max_lstm_units * (max_lstm_inputs + max_lstm_units) <= sizeof w);
static_assert(mote::lstm_gate_count * max_lstm_units * (max_lstm_inputs + 8 + max_lstm_units + 8) <=
              sizeof padded);

float unit_real() { return static_cast<float>(uniform(0, 1 << 16)) / 65536.0f; }
float square_root(float v) {
    float r = v;
    for (int i = 0; i < 12; ++i) r = 0.5f * (r + v / r);
    return r;
}

// One random LSTM of Units units; true when the kernels agree on the output, h and c.
template <int Units>
bool lstm_case(int trial) {
    constexpr int gates = static_cast<int>(mote::lstm_gate_count), rows = gates * Units;
    const int inputs = trial % 4 == 0 ? uniform(1, 3) : uniform(1, max_lstm_inputs);
    const ref::LstmDims d{uniform(1, max_lstm_batch), uniform(1, max_lstm_time), inputs, Units,
                          uniform(0, 1) == 1};
    const mote::QuantParams input{0.005f + 0.1f * unit_real(), uniform(-128, 127)};
    const mote::QuantParams hidden{(1.0f + unit_real()) / static_cast<float>(1 << uniform(6, 8)),
                                   uniform(-128, 127)};
    // Weight scales that put a gate's sum near `reach` (real units); some trials saturate.
    const float reach = trial % 9 == 0 ? 40.0f : 0.3f + 4.0f * unit_real();
    mote::LstmGateWeights g[mote::lstm_gate_count];
    std::int8_t* gate_w = w;
    for (int k = 0; k < gates; ++k) {
        const std::size_t nx = static_cast<std::size_t>(Units) * inputs, nh = Units * Units;
        fill(gate_w, static_cast<int>(nx + nh));
        const float sx = reach / (input.scale * 5500.0f * square_root(static_cast<float>(inputs)));
        const float sh = reach / (hidden.scale * 5500.0f * square_root(static_cast<float>(Units)));
        const int bias_reach = static_cast<int>(2.0f * reach / (input.scale * sx));
        for (int u = 0; u < Units; ++u) lstm_bias[k][u] = uniform(-bias_reach, bias_reach);
        g[k] = {{gate_w, nx}, {gate_w + nx, nh}, {lstm_bias[k], Units}, sx, sh};
        gate_w += nx + nh;
    }
    const float clip = uniform(0, 2) == 0 ? 0.2f + 6.0f * unit_real() : 0.0f;
    const mote::LstmWeights weights{g[0], g[1], g[2], g[3], hidden,
                                    1.0f / static_cast<float>(1 << uniform(9, 15)), clip};
    const auto params = ref::make_lstm_int8_params<Units>(weights, input, inputs);
    if (params.error != nullptr) {
        mote::board::print("lstm: ", params.error, "\n");
        return false;
    }
    const int kx = k::lstm_k<P>(inputs), kh = k::lstm_k<P>(Units);
    k::lstm_unit_major(weights, false, Units, inputs, kx, padded);
    k::lstm_unit_major(weights, true, Units, Units, kh, padded + rows * kx);
    k::pack_weights(P::layout, padded, packed, rows, kx);
    k::pack_weights(P::layout, padded + rows * kx, packed + rows * kx, rows, kh);
    const auto sums_from = k::lstm_unit_major_bias(params);
    const k::LstmView<P> view{packed, packed + rows * kx, sums_from.input.data(),
                              sums_from.recurrent.data(), k::lstm_fast_quant(params.quant)};

    const int steps = d.batch * d.time, state_n = d.batch * Units;
    fill(in, steps * inputs);
    fill(lstm_h_ref, state_n);
    for (int i = 0; i < state_n; ++i) lstm_c_ref[i] = static_cast<std::int16_t>(next());
    for (int i = 0; i < state_n; ++i) lstm_h[i] = lstm_h_ref[i], lstm_c[i] = lstm_c_ref[i];
    ref::lstm(d, ref::view_of(params, weights), in, expected, lstm_h_ref, lstm_c_ref);
    k::lstm<P>(d, view, in, got, lstm_h, lstm_c, scratch);
    bool ok = same(steps * Units);
    for (int i = 0; i < state_n; ++i) ok = ok && lstm_h[i] == lstm_h_ref[i] && lstm_c[i] == lstm_c_ref[i];
    return ok;
}

template <int Units>
int lstm_failures() {
    int failures = 0;
    for (int trial = 0; trial < 12; ++trial)
        if (!lstm_case<Units>(trial))
            ++failures, mote::board::print("FAIL lstm units ", Units, " trial ", trial, "\n");
    return failures;
}

template <int... Units>
int lstm_failures_all() {
    int failures = 0;
    ((failures += lstm_failures<Units>()), ...);  // in order: one random sequence per build
    return failures;
}

}  // namespace

int main() {
    int failures = 0;
    const std::uint64_t start = mote::board::instructions();
    for (int trial = 0; trial < 150; ++trial) {
        {  // Conv2D
            const auto g = random_window(false);
            const int taps = g.kernel_h * g.kernel_w * g.in_c, outs = g.out_h * g.out_w * g.out_c;
            const Q q = random_params(g.out_c);
            fill(in, g.in_h * g.in_w * g.in_c);
            fill(w, g.out_c * taps);
            const int kp = k::conv2d_k<P>(g);  // rows zero-padded where the 3-pixel kernel wants it
            k::pad_rows(w, padded, g.out_c, taps, kp);
            k::pack_weights(P::layout, padded, packed, g.out_c, kp);
            ref::conv2d(g, q.r, in, w, expected);
            k::conv2d<P>(g, q.o, q.in_zp, in, packed, got, scratch);
            if (!same(outs)) ++failures, mote::board::print("FAIL conv2d trial ", trial, "\n");
        }
        {  // DepthwiseConv2D: multiplier 1 (up to 40 channels), or 1..8; both paths take every
           // multiplier and channel count (DepthwisePlan picks one per layer)
            const int m = trial % 3 == 0 ? 1 : uniform(1, 8);
            const auto g = trial % 3 == 0 && trial % 2 == 0 ? random_window(true) : random_depthwise_window(m);
            const Q q = random_params(g.out_c);
            fill(in, g.in_h * g.in_w * g.in_c);
            fill(w, g.kernel_h * g.kernel_w * g.out_c);
            ref::depthwise_conv2d(g, m, q.r, in, w, expected);
            if (!depthwise_case(k::DepthwisePath::taps, g, m, q) || !depthwise_case(k::DepthwisePath::grouped, g, m, q))
                ++failures, mote::board::print("FAIL depthwise trial ", trial, " multiplier ", m, " channels ", g.in_c,
                                               " kernel ", g.kernel_h, "x", g.kernel_w, "\n");
        }
        {  // FullyConnected
            const int inputs = uniform(1, max_taps), outputs = uniform(1, max_c);
            const Q q = random_params(outputs);
            fill(in, inputs);
            fill(w, inputs * outputs);
            k::pack_weights(P::layout, w, packed, outputs, inputs);
            ref::fully_connected(inputs, outputs, q.r, in, w, expected);
            k::fully_connected<P>(inputs, outputs, q.o, in, packed, got, scratch);
            if (!same(outputs)) ++failures, mote::board::print("FAIL fully_connected trial ", trial, "\n");
        }
    }
    failures += lstm_failures_all<1, 3, 4, 7, 9, 16, 20>();
    mote::board::print("kernels differential on ", MOTE_BOARD_NAME, " (", mote::config::isa_name(mote::config::isa),
                       "): ", failures, " failures, ",
                       static_cast<std::uint32_t>(mote::board::instructions() - start), " instructions\n");
    return failures;
}
