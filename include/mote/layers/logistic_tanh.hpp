#pragma once
// Logistic and Tanh. int8 outputs have TFLite's fixed quantization: logistic 1/256 & −128,
// tanh 1/128 & 0.
#include <cstdint>

#include "mote/kernels/reference/logistic.hpp"
#include "mote/kernels/reference/tanh.hpp"
#include "mote/layers/activation.hpp"
#include "mote/layers/layer.hpp"
#include "mote/layers/softmax.hpp"

namespace mote {

inline constexpr QuantParams signed_unit_quant{1.0f / 128.0f, 0};

struct Logistic {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr bool in_place = true;
        static constexpr const char* name = "Logistic";
        static constexpr bool int8 = Int8TensorType<In>;
        using output = Tensor<In::shape, typename In::value_type,
                              int8 ? scale_bits(unit_interval_quant) : 0u, int8 ? -128 : 0>;
        static constexpr reference::LogisticParams params =
            detail::int8_params<int8, reference::LogisticParams>(
                [] { return reference::make_logistic_params(In::quant, unit_interval_quant); });
        using Map = detail::Int8Map<reference::logistic_value, params>;
        static constexpr const char* kernel = int8 ? Map::kernel : "reference float32";
        static constexpr std::size_t weight_bytes = int8 ? Map::flash_bytes : 0;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            Map::run(in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::logistic(in, out, In::elements);
        }
    };
};

struct Tanh {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr bool in_place = true;
        static constexpr const char* name = "Tanh";
        static constexpr bool int8 = Int8TensorType<In>;
        using output = Tensor<In::shape, typename In::value_type,
                              int8 ? scale_bits(signed_unit_quant) : 0u, 0>;
        static constexpr reference::TanhParams params =
            detail::int8_params<int8, reference::TanhParams>(
                [] { return reference::make_tanh_params(In::quant, signed_unit_quant); });
        using Map = detail::Int8Map<reference::tanh_value, params>;
        static constexpr const char* kernel = int8 ? Map::kernel : "reference float32";
        static constexpr std::size_t weight_bytes = int8 ? Map::flash_bytes : 0;
        static void run(const std::int8_t* in, std::int8_t* out, std::byte*)
            requires Int8TensorType<In>
        {
            Map::run(in, out, In::elements);
        }
        static void run(const float* in, float* out, std::byte*)
            requires FloatTensorType<In>
        {
            reference::tanh(in, out, In::elements);
        }
    };
};

}  // namespace mote
