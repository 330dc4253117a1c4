#pragma once
// AVERAGE_POOL_2D and MAX_POOL_2D, batch 1, NHWC (TFLite Micro reference semantics).
//
// Window taps outside the input are skipped, never read as padding: the average divides by the
// number of in-bounds taps only, and padding never wins a max. int8 average: the sum of the raw
// int8 values (zero point included) is divided with rounding half away from zero in integer
// arithmetic, sum > 0 ? (sum + n/2)/n : (sum − n/2)/n (C truncating division), then clamped to the
// fused-activation range. Output quantization equals the input's (TFLM requires it).
// float: float32 sum in window order (row by row), divided by the float count, then clamped.
//
// Loops: per output pixel, the clipped window is computed once; channels are processed in
// blocks of pool_channel_block with register/stack accumulators so the window rows are read as
// contiguous NHWC runs.
#include <cstdint>

#include "mote/core/quant_params.hpp"
#include "mote/core/shape.hpp"
#include "mote/quant/activation_range.hpp"
#include "mote/quant/checks.hpp"

namespace mote::reference {

struct PoolGeometry {
    int in_h, in_w, channels;
    int out_h, out_w;
    int kernel_h, kernel_w;
    int stride_h, stride_w;
    int pad_top, pad_left;
};

// TFLite output size and SAME padding (the smaller half before, the odd pixel after).
constexpr PoolGeometry make_pool_geometry(Shape in, Kernel k, Stride s, Padding padding) {
    const int oh = window_output_size(padding, in.h, k.h, s.h, 1);
    const int ow = window_output_size(padding, in.w, k.w, s.w, 1);
    return {in.h, in.w, in.c, oh, ow, k.h, k.w, s.h, s.w,
            window_pad_before(in.h, oh, k.h, s.h, 1), window_pad_before(in.w, ow, k.w, s.w, 1)};
}

struct PoolParams {
    quant::ClampRange clamp{};
    const char* error = nullptr;
};

constexpr PoolParams make_pool_params(QuantParams in, QuantParams out,
                                      Activation act = Activation::none) {
    PoolParams p{};
    if (!quant::valid_int8_quant(in) || !quant::valid_int8_quant(out)) {
        p.error = "mote: Pool2D: invalid int8 quantization parameters";
    } else if (!(in == out)) {
        p.error = "mote: Pool2D: int8 output quantization must equal the input's";
    } else {
        p.clamp = quant::activation_range_int8(act, out);
    }
    return p;
}

inline constexpr int pool_channel_block = 16;

namespace detail {
struct Window {
    int y0, y1, x0, x1;  // in-bounds input rows [y0, y1), columns [x0, x1)
    constexpr int count() const { return (y1 - y0) * (x1 - x0); }
};
constexpr Window pool_window(const PoolGeometry& g, int oy, int ox) {
    const int iy = oy * g.stride_h - g.pad_top;
    const int ix = ox * g.stride_w - g.pad_left;
    Window w{iy, iy + g.kernel_h, ix, ix + g.kernel_w};
    if (w.y0 < 0) w.y0 = 0;
    if (w.x0 < 0) w.x0 = 0;
    if (w.y1 > g.in_h) w.y1 = g.in_h;
    if (w.x1 > g.in_w) w.x1 = g.in_w;
    return w;
}
template <class T>
constexpr T clamp_to(T v, T lo, T hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}
}  // namespace detail

constexpr void average_pool(const PoolGeometry& g, quant::ClampRange clamp, const std::int8_t* in,
                            std::int8_t* out) {
    const int c_total = g.channels;
    for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
            const detail::Window w = detail::pool_window(g, oy, ox);
            const std::int32_t n = w.count();
            std::int8_t* o = out + (oy * g.out_w + ox) * c_total;
            for (int c0 = 0; c0 < c_total; c0 += pool_channel_block) {
                const int cb = c_total - c0 < pool_channel_block ? c_total - c0 : pool_channel_block;
                std::int32_t acc[pool_channel_block] = {};
                for (int y = w.y0; y < w.y1; ++y) {
                    for (int x = w.x0; x < w.x1; ++x) {
                        const std::int8_t* src = in + (y * g.in_w + x) * c_total + c0;
                        for (int c = 0; c < cb; ++c) acc[c] += src[c];
                    }
                }
                for (int c = 0; c < cb; ++c) {
                    std::int32_t v = 0;
                    if (n > 0) v = acc[c] > 0 ? (acc[c] + n / 2) / n : (acc[c] - n / 2) / n;
                    o[c0 + c] = static_cast<std::int8_t>(detail::clamp_to(v, clamp.min, clamp.max));
                }
            }
        }
    }
}

constexpr void max_pool(const PoolGeometry& g, quant::ClampRange clamp, const std::int8_t* in,
                        std::int8_t* out) {
    const int c_total = g.channels;
    for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
            const detail::Window w = detail::pool_window(g, oy, ox);
            std::int8_t* o = out + (oy * g.out_w + ox) * c_total;
            for (int c0 = 0; c0 < c_total; c0 += pool_channel_block) {
                const int cb = c_total - c0 < pool_channel_block ? c_total - c0 : pool_channel_block;
                std::int32_t m[pool_channel_block];
                for (int c = 0; c < cb; ++c) m[c] = -128;
                for (int y = w.y0; y < w.y1; ++y) {
                    for (int x = w.x0; x < w.x1; ++x) {
                        const std::int8_t* src = in + (y * g.in_w + x) * c_total + c0;
                        for (int c = 0; c < cb; ++c) m[c] = src[c] > m[c] ? src[c] : m[c];
                    }
                }
                for (int c = 0; c < cb; ++c)
                    o[c0 + c] = static_cast<std::int8_t>(detail::clamp_to(m[c], clamp.min, clamp.max));
            }
        }
    }
}

constexpr void average_pool(const PoolGeometry& g, quant::FloatRange range, const float* in,
                            float* out) {
    const int c_total = g.channels;
    for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
            const detail::Window w = detail::pool_window(g, oy, ox);
            const float n = static_cast<float>(w.count());
            float* o = out + (oy * g.out_w + ox) * c_total;
            for (int c0 = 0; c0 < c_total; c0 += pool_channel_block) {
                const int cb = c_total - c0 < pool_channel_block ? c_total - c0 : pool_channel_block;
                float acc[pool_channel_block] = {};
                for (int y = w.y0; y < w.y1; ++y) {
                    for (int x = w.x0; x < w.x1; ++x) {
                        const float* src = in + (y * g.in_w + x) * c_total + c0;
                        for (int c = 0; c < cb; ++c) acc[c] += src[c];
                    }
                }
                for (int c = 0; c < cb; ++c)
                    o[c0 + c] = detail::clamp_to(acc[c] / n, range.min, range.max);
            }
        }
    }
}

constexpr void max_pool(const PoolGeometry& g, quant::FloatRange range, const float* in, float* out) {
    const int c_total = g.channels;
    for (int oy = 0; oy < g.out_h; ++oy) {
        for (int ox = 0; ox < g.out_w; ++ox) {
            const detail::Window w = detail::pool_window(g, oy, ox);
            float* o = out + (oy * g.out_w + ox) * c_total;
            for (int c0 = 0; c0 < c_total; c0 += pool_channel_block) {
                const int cb = c_total - c0 < pool_channel_block ? c_total - c0 : pool_channel_block;
                float m[pool_channel_block];
                for (int c = 0; c < cb; ++c) m[c] = -3.4028234663852886e38f;  // lowest()
                for (int y = w.y0; y < w.y1; ++y) {
                    for (int x = w.x0; x < w.x1; ++x) {
                        const float* src = in + (y * g.in_w + x) * c_total + c0;
                        for (int c = 0; c < cb; ++c) m[c] = src[c] > m[c] ? src[c] : m[c];
                    }
                }
                for (int c = 0; c < cb; ++c) o[c0 + c] = detail::clamp_to(m[c], range.min, range.max);
            }
        }
    }
}

}  // namespace mote::reference
