// The optimized kernels on the device (DSP on M4/M7, Helium on M55, portable on M3) against the
// reference kernels, on random shapes that hit every tail (odd channels, columns not multiples of
// 4/16, odd pixel counts, padding, strides; dilation and chunks past 32 channels for depthwise),
// every requantization shift. The host twin is tests/unit/kernels_differential.cpp. Exit status =
// number of mismatching cases.
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

void fill(std::int8_t* p, int n) {
    for (int i = 0; i < n; ++i) p[i] = static_cast<std::int8_t>(next());
}

bool same(int n) {
    for (int i = 0; i < n; ++i)
        if (expected[i] != got[i]) return false;
    return true;
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
        {  // DepthwiseConv2D
            const auto g = random_window(true);
            const Q q = random_params(g.out_c);
            fill(in, g.in_h * g.in_w * g.in_c);
            fill(w, g.kernel_h * g.kernel_w * g.out_c);
            ref::depthwise_conv2d(g, 1, q.r, in, w, expected);
            k::depthwise_conv2d<P>(g, q.o, q.in_zp, in, w, got);
            if (!same(g.out_h * g.out_w * g.out_c)) ++failures, mote::board::print("FAIL depthwise trial ", trial, "\n");
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
    mote::board::print("kernels differential on ", MOTE_BOARD_NAME, " (", mote::config::isa_name(mote::config::isa),
                       "): ", failures, " failures, ",
                       static_cast<std::uint32_t>(mote::board::instructions() - start), " instructions\n");
    return failures;
}
