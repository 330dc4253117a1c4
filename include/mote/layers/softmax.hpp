#pragma once
#include <cstdint>

#include "mote/kernels/reference/softmax.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

struct SoftmaxParams {
    float beta = 1.0f;
};
inline constexpr SoftmaxParams softmax_beta_one{};

// TFLite's fixed output quantization for int8 softmax and logistic: [0, 1) in 1/256 steps.
inline constexpr QuantParams unit_interval_quant{1.0f / 256.0f, -128};

// Softmax over the channel axis (each pixel is a row).
template <const SoftmaxParams& P = softmax_beta_one>
struct Softmax {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Softmax";
        static constexpr bool int8 = Int8TensorType<In>;
        using output = Tensor<In::shape, typename In::value_type,
                              int8 ? scale_bits(unit_interval_quant) : 0u, int8 ? -128 : 0>;
        static constexpr int rows = In::shape.h * In::shape.w;
        static constexpr int depth = In::shape.c;

        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::SoftmaxParams p =
                detail::checked(reference::make_softmax_params(In::quant, unit_interval_quant, P.beta));
            reference::softmax(p, in, out, rows, depth);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::softmax(P.beta, in, out, rows, depth);
        }
    };
};

}  // namespace mote
