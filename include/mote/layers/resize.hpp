#pragma once
#include "mote/kernels/reference/resize.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Nearest-neighbour resize of height and width to OutH × OutW (TFLite's align_corners and
// half_pixel_centers options). Any element type; int8 keeps its quantization.
template <int OutH, int OutW, bool AlignCorners = false, bool HalfPixelCenters = false>
struct ResizeNearestNeighbor {
    static_assert(OutH >= 1 && OutW >= 1, "mote: ResizeNearestNeighbor output must not be empty");
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "ResizeNearest";
        using output = Reshaped<In, Shape{OutH, OutW, In::shape.c}>;
        static void run(const typename In::value_type* in, typename In::value_type* out, std::byte*) {
            static constexpr reference::NearestSources<OutH, OutW> sources =
                reference::make_nearest_sources<OutH, OutW>(In::shape, AlignCorners, HalfPixelCenters);
            reference::resize_nearest_neighbor(sources, in, In::shape, out);
        }
    };
};

}  // namespace mote
