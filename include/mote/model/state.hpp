#pragma once
// Compile-time layout of a model's state: the bytes its layers keep from one run to the next
// (recurrent h/c, SVDF activations, resource variables). Unlike the arena, state is not reused
// between steps: each stateful step owns a region, except that steps naming the same state_key
// type (the reads and writes of one resource variable) share the region of the first of them.
#include <array>
#include <cstddef>

#include "mote/model/plan.hpp"

namespace mote::state {

struct Slot {
    std::size_t bytes = 0;  // 0: the step keeps no state
    std::size_t owner = 0;  // the first step with the same state_key (itself when it has none)
};

template <std::size_t N>
struct Layout {
    std::array<std::size_t, N> offset{};
    std::array<bool, N> owner{};    // the step whose init_state gives the region's first value
    std::size_t bytes = 0;
};

template <std::size_t N>
constexpr Layout<N> lay_out(const std::array<Slot, N>& slots) {
    Layout<N> l{};
    for (std::size_t s = 0; s < N; ++s) {
        if (slots[s].bytes == 0) continue;
        if (slots[s].owner != s) {
            l.offset[s] = l.offset[slots[s].owner];
            continue;
        }
        l.owner[s] = true;
        l.offset[s] = l.bytes;
        l.bytes += plan::align_up(slots[s].bytes);
    }
    return l;
}

// Steps that share a region must agree on its size.
template <std::size_t N>
constexpr bool shared_sizes_agree(const std::array<Slot, N>& slots) {
    for (std::size_t s = 0; s < N; ++s)
        if (slots[s].bytes != slots[slots[s].owner].bytes) return false;
    return true;
}

}  // namespace mote::state
