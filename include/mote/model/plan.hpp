#pragma once
// Compile-time arena planning. Every buffer and every step's scratch is an item with a size and
// a lifetime [first step, last step]; items whose lifetimes overlap must not overlap in memory.
// Two placements are tried and the smaller kept:
//  - alternating ends in birth order against the lower bound (the most bytes live at any one
//    step): optimal whenever it fits, and it always fits a plain chain, where it gives exactly
//    max over layers of (input + output + scratch);
//  - greedy by size, lowest fitting offset: the fallback for branches.
#include <array>
#include <cstddef>

namespace mote::plan {

inline constexpr std::size_t alignment = 16;

constexpr std::size_t align_up(std::size_t v) { return (v + alignment - 1) / alignment * alignment; }

struct Item {
    std::size_t size = 0;  // 0: not in the arena (model inputs, aliases)
    int first = 0, last = -1;
};

constexpr bool lifetimes_overlap(const Item& a, const Item& b) {
    return a.size != 0 && b.size != 0 && !(a.last < b.first || b.last < a.first);
}

// The items of a model, and for each the item whose bytes it occupies: itself, or for the output
// of an in-place step the input it overwrites (that item then spans both lifetimes and the
// output's own item is empty).
template <std::size_t N>
struct Items {
    std::array<Item, N> items{};
    std::array<std::size_t, N> home{};
};

// Puts the output of in-place step s over input item `in` when that input may be overwritten:
// it is in the arena, no step after s reads it (nor anything sharing its bytes), and it has the
// output's size. Returns whether it did.
template <std::size_t N>
constexpr bool share_in_place(Items<N>& p, std::size_t in, std::size_t out, int s) {
    const std::size_t root = p.home[in];
    Item& held = p.items[root];
    Item& made = p.items[out];
    if (held.size == 0 || held.last != s || held.size != made.size) return false;
    held.last = made.last;
    made = Item{};
    p.home[out] = root;
    return true;
}

template <std::size_t N>
struct Placement {
    std::array<std::size_t, N> offset{};
    std::size_t bytes = 0;
    bool ok = true;
};

// The items that take arena space (size > 0), as indices: everything below walks only these.
template <std::size_t N>
struct Active {
    std::array<std::size_t, N> index{};
    std::size_t count = 0;
};

template <std::size_t N>
constexpr Active<N> active_items(const std::array<Item, N>& items) {
    Active<N> a{};
    for (std::size_t i = 0; i < N; ++i)
        if (items[i].size != 0) a.index[a.count++] = i;
    return a;
}

// The items placed so far, in placement order: the only ones a new item must avoid.
template <std::size_t N>
struct Placed {
    std::array<std::size_t, N> index{};
    std::size_t count = 0;
};

template <std::size_t N>
constexpr bool fits_at(const std::array<Item, N>& items, const Placed<N>& placed,
                       const std::array<std::size_t, N>& offset, std::size_t i, std::size_t at) {
    for (std::size_t k = 0; k < placed.count; ++k) {
        const std::size_t j = placed.index[k];
        if (!lifetimes_overlap(items[i], items[j])) continue;
        const bool apart = at + align_up(items[i].size) <= offset[j] ||
                           offset[j] + align_up(items[j].size) <= at;
        if (!apart) return false;
    }
    return true;
}

// Bytes of the items live during step t (aligned as placed).
template <std::size_t N>
constexpr std::size_t live_bytes(const std::array<Item, N>& items, int t) {
    std::size_t live = 0;
    for (const Item& it : items)
        if (it.size != 0 && it.first <= t && t <= it.last) live += align_up(it.size);
    return live;
}

// The most bytes live at any one step: no placement can be smaller.
template <std::size_t N>
constexpr std::size_t lower_bound_bytes(const std::array<Item, N>& items, int steps) {
    std::size_t best = 0;
    for (int t = 0; t <= steps; ++t) {
        const std::size_t live = live_bytes(items, t);
        best = live > best ? live : best;
    }
    return best;
}

// Lowest offset (from_top: highest, below `limit`) where item i fits; `limit` + 1 if none.
// Candidates: the ends of the range and the edges of every placed item it overlaps in time.
template <std::size_t N>
constexpr std::size_t find_slot(const std::array<Item, N>& items, const Placed<N>& placed,
                                const std::array<std::size_t, N>& offset, std::size_t i,
                                std::size_t limit, bool from_top) {
    const std::size_t size = align_up(items[i].size);
    std::size_t best = limit + 1;
    const auto consider = [&](std::size_t at) {
        if (at + size > limit) return;
        if (best != limit + 1 && (from_top ? at <= best : at >= best)) return;
        if (fits_at(items, placed, offset, i, at)) best = at;
    };
    if (from_top) {
        if (size <= limit) consider(limit - size);
    } else {
        consider(0);
    }
    for (std::size_t k = 0; k < placed.count; ++k) {
        const std::size_t j = placed.index[k];
        if (!lifetimes_overlap(items[i], items[j])) continue;
        if (from_top) {
            if (offset[j] >= size) consider(offset[j] - size);
        } else {
            consider(offset[j] + align_up(items[j].size));
        }
    }
    return best;
}

template <std::size_t N>
constexpr Placement<N> place_alternating(const std::array<Item, N>& items, int steps) {
    const Active<N> active = active_items(items);
    const std::size_t limit = lower_bound_bytes(items, steps);
    Placement<N> p{};
    Placed<N> placed{};
    Active<N> order = active;
    for (std::size_t a = 1; a < order.count; ++a) {  // insertion sort by birth: stable
        const std::size_t key = order.index[a];
        std::size_t b = a;
        for (; b > 0 && items[order.index[b - 1]].first > items[key].first; --b)
            order.index[b] = order.index[b - 1];
        order.index[b] = key;
    }
    bool top = false;
    for (std::size_t k = 0; k < order.count; ++k) {
        const std::size_t i = order.index[k];
        const std::size_t at = find_slot(items, placed, p.offset, i, limit, top);
        if (at == limit + 1) {
            p.ok = false;
            return p;
        }
        p.offset[i] = at;
        placed.index[placed.count++] = i;
        top = !top;
        const std::size_t end = at + align_up(items[i].size);
        p.bytes = end > p.bytes ? end : p.bytes;
    }
    return p;
}

template <std::size_t N>
constexpr Placement<N> place_greedy(const std::array<Item, N>& items) {
    const Active<N> active = active_items(items);
    Placement<N> p{};
    Placed<N> placed{};
    std::array<bool, N> done{};
    std::size_t total = 0;
    for (const Item& it : items) total += align_up(it.size);
    for (std::size_t round = 0; round < active.count; ++round) {
        std::size_t pick = N;  // the largest unplaced item, earliest born on ties
        for (std::size_t k = 0; k < active.count; ++k) {
            const std::size_t i = active.index[k];
            if (done[i]) continue;
            if (pick == N || items[i].size > items[pick].size ||
                (items[i].size == items[pick].size && items[i].first < items[pick].first))
                pick = i;
        }
        const std::size_t at = find_slot(items, placed, p.offset, pick, total, false);
        p.offset[pick] = at;
        done[pick] = true;
        placed.index[placed.count++] = pick;
        const std::size_t end = at + align_up(items[pick].size);
        p.bytes = end > p.bytes ? end : p.bytes;
    }
    return p;
}

// A placement of the items with each in-place output at the offset of the item it overwrites.
template <std::size_t N>
constexpr Placement<N> with_homes(Placement<N> p, const std::array<std::size_t, N>& home) {
    for (std::size_t i = 0; i < N; ++i) p.offset[i] = p.offset[home[i]];
    return p;
}

// The invariant every plan must keep, checked on each model's placements (model/model.hpp): each
// item lies aligned inside the arena, and two items live at the same step share no byte.
template <std::size_t N>
constexpr bool disjoint(const std::array<Item, N>& items, const Placement<N>& p) {
    for (std::size_t i = 0; i < N; ++i) {
        if (items[i].size == 0) continue;
        if (p.offset[i] % alignment != 0 || p.offset[i] + items[i].size > p.bytes) return false;
        for (std::size_t j = i + 1; j < N; ++j)
            if (lifetimes_overlap(items[i], items[j]) &&
                !(p.offset[i] + items[i].size <= p.offset[j] ||
                  p.offset[j] + items[j].size <= p.offset[i]))
                return false;
    }
    return true;
}

// The two placements are separate constant expressions in the model (each within the
// compiler's evaluation budget on a few hundred items); this picks the smaller.
template <std::size_t N>
constexpr Placement<N> smaller(const Placement<N>& alternating, const Placement<N>& greedy) {
    return alternating.ok && alternating.bytes <= greedy.bytes ? alternating : greedy;
}

}  // namespace mote::plan
