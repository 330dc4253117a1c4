#pragma once
#include <cstdint>
#include <type_traits>

#include "mote/kernels/reference/softmax.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

struct SoftmaxParams {
    float beta = 1.0f;
};
inline constexpr SoftmaxParams softmax_beta_one{};

// TFLite's fixed output quantization for int8 softmax and logistic: [0, 1) in 1/256 steps.
inline constexpr QuantParams unit_interval_quant{1.0f / 256.0f, -128};
// ... and for a softmax from int8 to int16: [0, 1) in 1/65536 steps (TFLM accepts scales within
// 0.1 % of this; a model's own, slightly different scale is what its next layer must see).
inline constexpr QuantParams unit_interval_quant16{1.0f / 65536.0f, -32768};

// Softmax over the channel axis (each pixel is a row). An int8 input gives Out (int8 or int16)
// quantized as OutQ; a float input gives float (Out and OutQ do not apply).
template <const SoftmaxParams& P = softmax_beta_one, class Out = std::int8_t,
          const QuantParams& OutQ =
              std::is_same_v<Out, std::int16_t> ? unit_interval_quant16 : unit_interval_quant>
struct Softmax {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Softmax";
        static constexpr bool int8 = Int8TensorType<In>;
        static_assert(Index < 0 || int8 || FloatTensorType<In>,
                      "mote: Softmax takes an int8 or float32 input");
        using out_t = std::conditional_t<int8, Out, float>;
        using output = Tensor<In::shape, out_t, int8 ? scale_bits(OutQ) : 0u, int8 ? OutQ.zero_point : 0>;
        static constexpr int rows = In::shape.h * In::shape.w;
        static constexpr int depth = In::shape.c;

        static void run(const std::int8_t* in, Out* out, std::byte*)
            requires Int8TensorType<In>
        {
            static constexpr reference::SoftmaxParams p =
                detail::checked(reference::make_softmax_params<Out>(In::quant, OutQ, P.beta));
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
