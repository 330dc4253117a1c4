#pragma once
// Add, Sub and Mul: joins of two tensors of one shape. int8 inputs keep their own quantization
// and are rescaled into the output's as TFLite does.
#include <cstdint>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/type_list.hpp"
#include "mote/core/config.hpp"
#include "mote/kernels/add.hpp"
#include "mote/kernels/reference/add.hpp"
#include "mote/kernels/reference/mul.hpp"
#include "mote/layers/layer.hpp"

namespace mote {
namespace detail {

enum class JoinKind { add, sub, mul };

template <class InList, int Index, JoinKind Kind, Activation A, const auto& OutQ>
struct ElementwiseJoin {
    static_assert(sizeof(InList) == 0,
                  "mote: Add/Sub/Mul join two tensors: use them after a Branch with two paths, "
                  "or after Inputs<...> with two inputs");
};

template <class A0, class A1, int Index, JoinKind Kind, Activation A, const auto& OutQ>
struct ElementwiseJoin<type_list<A0, A1>, Index, Kind, A, OutQ> : LayerFacts {
    static constexpr bool in_place = true;   // A1's shape is A0's: no broadcasting
    using input = type_list<A0, A1>;
    static constexpr const char* name =
        Kind == JoinKind::add ? "Add" : (Kind == JoinKind::sub ? "Sub" : "Mul");
    static_assert(diagnostic::ShapeMismatch<Index, A1::shape, A0::shape>::ok);
    static_assert(std::is_same_v<typename A0::value_type, typename A1::value_type>,
                  "mote: Add/Sub/Mul inputs must share one element type");
    static constexpr bool int8 = Int8TensorType<A0>;
    static_assert(!int8 || is_quant_params<std::remove_cvref_t<decltype(OutQ)>>,
                  "mote: int8 Add/Sub/Mul need their output QuantParams: Add<Activation, out_q>");
    static constexpr QuantParams out_quant = [] {
        if constexpr (is_quant_params<std::remove_cvref_t<decltype(OutQ)>>) return OutQ;
        else return QuantParams{};
    }();
    using output = Tensor<A0::shape, typename A0::value_type,
                          int8 ? scale_bits(out_quant) : 0u, int8 ? out_quant.zero_point : 0>;
    static constexpr int n = A0::elements;
    static constexpr const char* kernel =
        int8 && Kind == JoinKind::add && !config::reference_kernels ? "vector add" : "reference";

    static void run(const std::int8_t* a, const std::int8_t* b, std::int8_t* out, std::byte*)
        requires Int8TensorType<A0>
    {
        if constexpr (Kind == JoinKind::add) {
            static constexpr reference::AddParams p =
                checked(reference::make_add_params(A0::quant, A1::quant, out_quant, A));
            if constexpr (config::reference_kernels) {
                reference::add(p, a, b, out, n);
            } else {
                static constexpr kernels::AddQ q = kernels::add_q(p);
                kernels::add<q, p>(a, b, out, n);
            }
        } else if constexpr (Kind == JoinKind::sub) {
            // The reference kernel only: the optimized ADD has no subtracting form.
            static constexpr reference::AddParams p =
                checked(reference::make_sub_params(A0::quant, A1::quant, out_quant, A));
            reference::add(p, a, b, out, n);
        } else {
            static constexpr reference::MulParams p =
                checked(reference::make_mul_params(A0::quant, A1::quant, out_quant, A));
            reference::mul(p, a, b, out, n);
        }
    }
    static void run(const float* a, const float* b, float* out, std::byte*)
        requires FloatTensorType<A0>
    {
        constexpr quant::FloatRange range = quant::activation_range_float(A);
        if constexpr (Kind == JoinKind::add) reference::add(range, a, b, out, n);
        else if constexpr (Kind == JoinKind::sub) reference::sub(range, a, b, out, n);
        else reference::mul(range, a, b, out, n);
    }
};

}  // namespace detail

template <Activation A = Activation::none, const auto& OutQ = float32>
struct Add {
    template <class In, int Index>
    using bind = detail::ElementwiseJoin<In, Index, detail::JoinKind::add, A, OutQ>;
};

// Input 0 minus input 1 (TFLite SUB's operand order).
template <Activation A = Activation::none, const auto& OutQ = float32>
struct Sub {
    template <class In, int Index>
    using bind = detail::ElementwiseJoin<In, Index, detail::JoinKind::sub, A, OutQ>;
};

template <Activation A = Activation::none, const auto& OutQ = float32>
struct Mul {
    template <class In, int Index>
    using bind = detail::ElementwiseJoin<In, Index, detail::JoinKind::mul, A, OutQ>;
};

}  // namespace mote
