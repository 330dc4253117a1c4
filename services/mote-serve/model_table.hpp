#pragma once
// The models mote-serve runs, chosen by a frame's model id and cut: for each supported cut K the
// part of the model after it (mote::tail<Net, K>; K = 0: the whole model, the device only
// streams its input) and the tensor it takes (shape, scale, zero point), which a frame must
// match exactly. Host only. The model's id on the wire is the first 8 hex digits of the
// converted header's model_sha256 (as in examples/split).
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mote/split/cut.hpp"
#include "mote/split/frame.hpp"

namespace mote_serve {

struct TailSpec {
    std::uint8_t cut = 0;
    std::uint16_t h = 0, w = 0, c = 0;
    std::uint32_t scale_bits = 0;
    std::int8_t zero_point = 0;
    std::size_t input_bytes = 0;
    // Runs the tail on an int8 input of input_bytes (16-byte aligned); the output stays valid until
    // the next call of this tail. Not reentrant (one arena per tail): one thread per process.
    const std::int8_t* (*run)(const std::int8_t* input) = nullptr;
};

// The model id of a converted model: its model_sha256's first 8 hex digits.
constexpr std::uint32_t model_id_of(const char* sha256_hex) {
    std::uint32_t id = 0;
    for (int i = 0; i < 8; ++i) {
        const char c = sha256_hex[i];
        const std::uint32_t v = c >= '0' && c <= '9'   ? static_cast<std::uint32_t>(c - '0')
                                : c >= 'a' && c <= 'f' ? static_cast<std::uint32_t>(c - 'a' + 10)
                                                       : static_cast<std::uint32_t>(c - 'A' + 10);
        id = (id << 4) | v;
    }
    return id;
}

// What runs after cut K: the whole model for K = 0.
template <class Net, std::size_t K>
struct after_cut {
    using type = mote::tail<Net, K>;
};
template <class Net>
struct after_cut<Net, 0> {
    using type = Net;
};
template <class Net, std::size_t K>
using after_cut_t = typename after_cut<Net, K>::type;

template <class Net, std::size_t K>
const std::int8_t* run_after_cut(const std::int8_t* input) {
    using Stage = after_cut_t<Net, K>;
    static typename Stage::Arena arena;
    return Stage::run(arena, input);
}

template <class Net, std::size_t K>
constexpr TailSpec tail_spec() {
    using In = typename after_cut_t<Net, K>::template input<0>;
    static_assert(std::is_same_v<typename In::value_type, std::int8_t>, "mote-serve runs int8 tails");
    static_assert(In::shape.h <= 0xFFFF && In::shape.w <= 0xFFFF && In::shape.c <= 0xFFFF);
    return {static_cast<std::uint8_t>(K), static_cast<std::uint16_t>(In::shape.h),
            static_cast<std::uint16_t>(In::shape.w), static_cast<std::uint16_t>(In::shape.c), In::scale_bits,
            static_cast<std::int8_t>(In::quant.zero_point), In::bytes, &run_after_cut<Net, K>};
}

// One converted model with the cuts a service accepts for it.
template <class Net, std::size_t... Cuts>
struct ServedModel {
    using net = Net;
    using output = typename Net::output;
    static constexpr std::array<TailSpec, sizeof...(Cuts)> tails{tail_spec<Net, Cuts>()...};

    static constexpr const TailSpec* find(std::uint8_t cut) {
        for (const TailSpec& t : tails)
            if (t.cut == cut) return &t;
        return nullptr;
    }
    // Whether a decoded frame header is exactly the tensor the tail takes.
    static constexpr bool matches(const TailSpec& t, const mote::split::FrameHeader& h) {
        return h.dtype == mote::split::DType::int8 && h.h == t.h && h.w == t.w && h.c == t.c &&
               h.scale_bits == t.scale_bits && h.zero_point == t.zero_point;
    }
};

}  // namespace mote_serve
