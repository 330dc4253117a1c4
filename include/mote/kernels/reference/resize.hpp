#pragma once
// RESIZE_NEAREST_NEIGHBOR, batch 1, NHWC (TFLite Micro reference): every output pixel copies
// the channels of one input pixel, so int8 values pass unchanged (no requantization).
//
// Output row y reads input row
//   min(in − 1, f((y + offset) · scale))
// with offset = 0.5 under half_pixel_centers (else 0); scale = (in − 1) / (out − 1) under
// align_corners when out > 1, else in / out, divided in float32; the product in float32;
// f = round half away from zero under align_corners, else floor. Columns likewise. The source
// indices are computed once, at compile time.
#include <array>

#include "mote/core/shape.hpp"
#include "mote/quant/multiplier.hpp"

namespace mote::reference {

constexpr int nearest_source_index(int out_index, int in_size, int out_size, bool align_corners,
                                   bool half_pixel_centers) {
    const float scale = align_corners && out_size > 1
                            ? static_cast<float>(in_size - 1) / static_cast<float>(out_size - 1)
                            : static_cast<float>(in_size) / static_cast<float>(out_size);
    const float offset = half_pixel_centers ? 0.5f : 0.0f;
    const float position = (static_cast<float>(out_index) + offset) * scale;  // ≥ 0
    // Exact: a float's double is the same number, and a non-negative float truncates to its floor.
    const int index = align_corners
                          ? static_cast<int>(quant::round_half_away(static_cast<double>(position)))
                          : static_cast<int>(position);
    return index < in_size - 1 ? index : in_size - 1;
}

// The input row of each output row and the input column of each output column.
template <int OutH, int OutW>
struct NearestSources {
    std::array<int, OutH> row{};
    std::array<int, OutW> col{};
};

template <int OutH, int OutW>
constexpr NearestSources<OutH, OutW> make_nearest_sources(Shape in, bool align_corners,
                                                          bool half_pixel_centers) {
    NearestSources<OutH, OutW> s{};
    for (int y = 0; y < OutH; ++y)
        s.row[static_cast<std::size_t>(y)] =
            nearest_source_index(y, in.h, OutH, align_corners, half_pixel_centers);
    for (int x = 0; x < OutW; ++x)
        s.col[static_cast<std::size_t>(x)] =
            nearest_source_index(x, in.w, OutW, align_corners, half_pixel_centers);
    return s;
}

template <class T, int OutH, int OutW>
constexpr void resize_nearest_neighbor(const NearestSources<OutH, OutW>& sources, const T* in,
                                       Shape in_shape, T* out) {
    const int c = in_shape.c;
    for (int y = 0; y < OutH; ++y) {
        const T* row = in + sources.row[static_cast<std::size_t>(y)] * in_shape.w * c;
        for (int x = 0; x < OutW; ++x) {
            const T* src = row + sources.col[static_cast<std::size_t>(x)] * c;
            for (int k = 0; k < c; ++k) *out++ = src[k];
        }
    }
}

}  // namespace mote::reference
