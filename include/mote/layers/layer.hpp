#pragma once
// What every bound layer (`L::bind<In, Index>`) states about itself. A layer derives from
// LayerFacts and overrides what differs. Bound layers also provide:
//   using input  = In;               // a tensor type, or a type_list of them for joins
//   using output = <tensor type>;
//   static constexpr const char* name;
//   static constexpr const char* kernel;   // the code path run() takes on this build, where
//                                          // there is a choice (LayerFacts: "reference")
//   static void run(const in_t* ..., out_t* out, std::byte* scratch);   // unless alias
// A layer that keeps state between runs (state_bytes > 0) instead provides
//   static constexpr void init_state(std::byte* state);   // its value before the first run
//   static void run(const in_t* ..., out_t* out, std::byte* scratch, std::byte* state);
// and may name a `state_key` type: layers with the same key share one state region (the reads
// and writes of one resource variable).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/core/diagnostics.hpp"
#include "mote/core/tensor.hpp"
#include "mote/core/weights.hpp"

namespace mote {

struct LayerFacts {
    static constexpr std::uint64_t macs = 0;
    static constexpr std::size_t weight_bytes = 0;   // flash: weights, folded bias, multipliers
    static constexpr std::size_t scratch_bytes = 0;  // arena bytes needed during run only
    static constexpr bool alias = false;             // output is a view of the input buffer
    // Element-wise: out[i] is computed from element i of each input alone, read before out[i] is
    // written. The plan may then put the output over an input of the same size that no later
    // step reads (model/model.hpp).
    static constexpr bool in_place = false;
    static constexpr std::size_t state_bytes = 0;    // Net::State bytes kept between runs
    using state_key = void;                          // void: a state region of its own
    static constexpr const char* kernel = "reference";
};

namespace detail {
template <const auto& W>
inline constexpr bool quantized = is_quantized_weights<std::remove_cvref_t<decltype(W)>>;
template <const auto& W>
inline constexpr bool floating = is_float_weights<std::remove_cvref_t<decltype(W)>>;

// Kernel parameter structs report invalid quantization through `error`; in a constant
// expression this turns it into a compile error that quotes the reason.
template <class P>
constexpr P checked(P p) {
    if (p.error != nullptr) fail(p.error);
    return p;
}

template <const auto& W>
constexpr const float* bias_or_null() {
    return W.bias.empty() ? nullptr : W.bias.data();
}
}  // namespace detail

}  // namespace mote
