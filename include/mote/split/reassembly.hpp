#pragma once
// Reassembly of fragmented frames (fragment.hpp) in fixed memory: Slots frames in progress at
// once, each up to MaxFrameBytes in at most MaxFragments fragments; no heap, nothing grows.
//
// Tolerates loss (missing() lists what is still needed, for a retransmission request; expire()
// gives up on frames idle for `timeout` ticks), duplication (a fragment seen twice, or one of a
// frame already delivered, is reported and ignored), reordering (any arrival order, the last
// fragment first included) and sender restarts (a fragment names its frame by epoch and sequence:
// FrameKey). A frame is handed out only when all its fragments are in and its trailing CRC-32C
// (the last 4 bytes, little-endian, over everything before them: frame.hpp and result.hpp frames
// both end so) matches; otherwise it is dropped and reported.
//
// Only delivered frames are remembered (a window of the last Window sequences of the newest epoch
// delivered): a frame given up (expired, abandoned, evicted) can still complete when its fragments
// come again. What may change that memory or evict a frame in flight depends on whether the link
// authenticated the fragment's sender (Trust; docs/cloud.md, security model):
//
//   Trust::authenticated  (LoRaWAN's MIC, (D)TLS, a wire) a completed frame is delivered at once;
//                         when all slots are busy a new frame evicts the least recently active.
//   Trust::untrusted      (UDP, a gateway the operator does not trust; frames are sealed) anyone
//                         could have sent it: it never evicts a frame in flight (event `busy`), and
//                         a completed frame is delivered only when the caller has authenticated
//                         it (sealed.hpp) and calls deliver(key).
//
//   mote::split::Reassembler<8192, 255, 2> r{/*timeout ticks*/ 500};
//   auto ev = r.push(fragment_bytes, now_ms);
//   if (ev.event == mote::split::ReassemblyEvent::complete) use(r.frame());   // until next push
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/fragment.hpp"
#include "mote/split/le.hpp"

namespace mote::split {

enum class Trust : std::uint8_t { authenticated = 0, untrusted };

enum class ReassemblyEvent : std::uint8_t {
    accepted = 0,   // a new fragment of a frame in progress
    complete,       // this fragment completed a frame whose CRC-32C matches: frame() holds it
    duplicate,      // already have this fragment
    stale,          // a fragment of a frame already delivered, or older than the window
    bad_fragment,   // fails its own check or header (fragment.hpp)
    inconsistent,   // disagrees with the frame's other fragments (count, sizes)
    too_large,      // the frame would exceed MaxFrameBytes or MaxFragments
    crc_failed,     // all fragments in, but the frame's CRC-32C fails: dropped
    busy,           // untrusted fragment of a new frame while every slot holds one in flight
};

constexpr const char* reassembly_event_name(ReassemblyEvent e) {
    constexpr const char* names[] = {"accepted", "complete", "duplicate", "stale", "bad_fragment",
                                     "inconsistent", "too_large", "crc_failed", "busy"};
    const auto i = static_cast<std::size_t>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

struct PushResult {
    ReassemblyEvent event = ReassemblyEvent::accepted;
    FrameKey key;                 // the fragment's frame (when it parsed)
    bool evicted = false;         // a frame in progress was abandoned to make room
    FrameKey evicted_key;
};

struct MissingList {
    bool active = false;   // the frame is being reassembled
    std::uint8_t count = 0;      // its fragment count
    std::uint8_t received = 0;
    std::size_t listed = 0;      // indices written to the caller's span (at most its size)
};

namespace detail {
// Serial-number order of 16-bit counters (RFC 1982): positive when a is ahead of b (exactly
// half-way round, -32768, counts as behind).
constexpr int serial_diff(std::uint16_t a, std::uint16_t b) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}
}  // namespace detail

template <std::size_t MaxFrameBytes, std::size_t MaxFragments = max_fragment_count,
          std::size_t Slots = 2, std::size_t Window = 64>
    requires(MaxFrameBytes >= 5 && MaxFragments >= 1 && MaxFragments <= max_fragment_count &&
             Slots >= 1 && Window >= 1 && Window <= 32768 && (Window & (Window - 1)) == 0)
class Reassembler {
public:
    explicit constexpr Reassembler(std::uint32_t timeout_ticks) : timeout_(timeout_ticks) {}

    static constexpr std::size_t max_frame_bytes = MaxFrameBytes;
    static constexpr std::size_t slots = Slots;

    constexpr PushResult push(std::span<const std::uint8_t> bytes, std::uint32_t now,
                              Trust trust = Trust::authenticated) {
        release_ready();
        PushResult r;
        FragmentView f;
        if (parse_fragment(bytes, f) != FragmentError::ok) return r.event = ReassemblyEvent::bad_fragment, r;
        r.key = f.key;
        if (stale(f.key)) return r.event = ReassemblyEvent::stale, r;
        if (f.count > MaxFragments || f.data.size() > MaxFrameBytes)
            return r.event = ReassemblyEvent::too_large, r;

        Slot* s = find(f.key);
        bool fresh = false;
        if (s == nullptr) {
            s = free_slot();
            if (s == nullptr) {
                if (trust != Trust::authenticated) return r.event = ReassemblyEvent::busy, r;
                s = &slots_[0];   // abandon the least recently active
                for (Slot& c : slots_)
                    if (now - c.last > now - s->last) s = &c;
                r.evicted = true;
                r.evicted_key = s->key;
            }
            *s = Slot{};
            s->used = true;
            s->key = f.key;
            s->count = f.count;
            fresh = true;
        }
        s->last = now;
        if (f.count != s->count) return r.event = ReassemblyEvent::inconsistent, r;
        if (has(*s, f.index)) return r.event = ReassemblyEvent::duplicate, r;

        const ReassemblyEvent placed = place(*s, f);
        if (placed != ReassemblyEvent::accepted) {
            if (fresh) s->used = false;
            r.event = placed;
            return r;
        }
        s->have[f.index / 8] = static_cast<std::uint8_t>(s->have[f.index / 8] | (1u << (f.index % 8)));
        ++s->received;
        if (s->received < s->count) return r;

        // Complete: check the frame's own CRC before anyone sees it.
        const std::size_t total = (std::size_t{s->count} - 1) * s->chunk + s->last_len;
        if (total < 5 || crc32c(std::span<const std::uint8_t>(s->data, total - 4)) !=
                             le::get32(s->data + total - 4)) {
            s->used = false;
            return r.event = ReassemblyEvent::crc_failed, r;
        }
        ready_ = static_cast<std::size_t>(s - slots_);
        ready_bytes_ = total;
        if (trust == Trust::authenticated) deliver(f.key);
        r.event = ReassemblyEvent::complete;
        return r;
    }

    // The frame the last push completed (empty otherwise); valid until the next push.
    constexpr std::span<const std::uint8_t> frame() const {
        return ready_ < Slots ? std::span<const std::uint8_t>(slots_[ready_].data, ready_bytes_)
                              : std::span<const std::uint8_t>{};
    }

    // Remembers a frame as delivered: its late fragments are `stale` from now on. A newer epoch
    // than the window's starts a new window (the sender restarted), and frames in flight that
    // fall behind the window are dropped. Called by push for authenticated fragments; call it
    // yourself for untrusted ones once the frame is authenticated.
    constexpr void deliver(FrameKey key) {
        const int de = window_used_ ? detail::serial_diff(key.epoch, window_epoch_) : 1;
        if (de < 0) return;
        if (de > 0) {
            window_used_ = true;
            window_epoch_ = key.epoch;
            window_top_ = key.sequence;
            for (std::uint8_t& b : window_) b = 0;
        } else if (const int ahead = detail::serial_diff(key.sequence, window_top_); ahead > 0) {
            // forget the sequences the window slides over
            for (int i = 1; i <= ahead && i <= static_cast<int>(Window); ++i)
                set_window(static_cast<std::uint16_t>(window_top_ + i), false);
            window_top_ = key.sequence;
        } else if (-ahead >= static_cast<int>(Window)) {
            return;
        }
        set_window(key.sequence, true);
        for (Slot& s : slots_)
            if (s.used && !is_ready(s) && stale(s.key)) s.used = false;
    }

    // Fragment indices of a frame still missing (for a retransmission request).
    constexpr MissingList missing(FrameKey key, std::span<std::uint8_t> out) const {
        const Slot* s = find(key);
        if (s == nullptr || is_ready(*s)) return {};
        MissingList m{true, s->count, s->received, 0};
        for (std::size_t i = 0; i < s->count; ++i)
            if (!has(*s, i) && m.listed < out.size()) out[m.listed++] = static_cast<std::uint8_t>(i);
        return m;
    }

    constexpr bool in_progress(FrameKey key) const {
        const Slot* s = find(key);
        return s != nullptr && !is_ready(*s);
    }

    // Whether fragments of this frame would be `stale`: delivered, or behind the window.
    constexpr bool stale(FrameKey key) const {
        if (!window_used_) return false;
        const int de = detail::serial_diff(key.epoch, window_epoch_);
        if (de != 0) return de < 0;
        const int ahead = detail::serial_diff(key.sequence, window_top_);   // as deliver() sees it
        if (ahead > 0) return false;
        if (-ahead >= static_cast<int>(Window)) return true;
        const std::size_t bit = key.sequence % Window;
        return (window_[bit / 8] >> (bit % 8)) & 1u;
    }

    // Gives up on frames idle for at least the timeout; calls on_expired(key, received, count)
    // for each and returns how many. (Not remembered: if they come again they can complete.)
    template <class F>
    constexpr std::size_t expire(std::uint32_t now, F&& on_expired) {
        std::size_t n = 0;
        for (Slot& s : slots_) {
            if (!s.used || is_ready(s) || now - s.last < timeout_) continue;
            on_expired(s.key, s.received, s.count);
            s.used = false;
            ++n;
        }
        return n;
    }

    // Drops a frame in progress (e.g. the sender said it will not retransmit).
    constexpr void abandon(FrameKey key) {
        if (Slot* s = find(key); s != nullptr && !is_ready(*s)) s->used = false;
    }

    constexpr std::size_t frames_in_progress() const {
        std::size_t n = 0;
        for (const Slot& s : slots_) n += s.used && !is_ready(s);
        return n;
    }

private:
    struct Slot {
        bool used = false;
        FrameKey key;
        std::uint8_t count = 0;
        std::uint8_t received = 0;
        std::uint32_t last = 0;
        std::size_t chunk = 0;      // data bytes of every fragment but the last (0: not known yet)
        std::size_t last_len = 0;   // data bytes of the last fragment (0: not received)
        std::uint8_t have[(MaxFragments + 7) / 8]{};
        std::uint8_t data[MaxFrameBytes]{};
    };

    static constexpr bool has(const Slot& s, std::size_t i) { return (s.have[i / 8] >> (i % 8)) & 1u; }

    // Copies the fragment's data to its place. The last fragment's place depends on the common
    // size of the others; until one of them arrives it waits at the end of the buffer.
    static constexpr ReassemblyEvent place(Slot& s, const FragmentView& f) {
        const std::size_t n = f.data.size();
        const std::size_t last_index = std::size_t{s.count} - 1;
        if (f.index == last_index) {
            std::size_t at = MaxFrameBytes - n;   // parked
            if (s.count == 1) {
                at = 0;
            } else if (s.chunk != 0) {
                if (n > s.chunk || last_index * s.chunk + n > MaxFrameBytes)
                    return n > s.chunk ? ReassemblyEvent::inconsistent : ReassemblyEvent::too_large;
                at = last_index * s.chunk;
            }
            copy(s.data + at, f.data.data(), n);
            s.last_len = n;
            return ReassemblyEvent::accepted;
        }
        if (s.chunk == 0) {
            if (last_index * n + 1 > MaxFrameBytes) return ReassemblyEvent::too_large;
            if (s.last_len != 0) {
                if (s.last_len > n) return ReassemblyEvent::inconsistent;
                if (last_index * n + s.last_len > MaxFrameBytes) return ReassemblyEvent::too_large;
                // destination <= parked position: a forward copy is overlap-safe
                copy(s.data + last_index * n, s.data + (MaxFrameBytes - s.last_len), s.last_len);
            }
            s.chunk = n;
        } else if (n != s.chunk) {
            return ReassemblyEvent::inconsistent;
        }
        copy(s.data + f.index * s.chunk, f.data.data(), n);
        return ReassemblyEvent::accepted;
    }

    static constexpr void copy(std::uint8_t* to, const std::uint8_t* from, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
    }

    constexpr bool is_ready(const Slot& s) const { return ready_ < Slots && &s == &slots_[ready_]; }
    constexpr void release_ready() {
        if (ready_ < Slots) slots_[ready_].used = false;
        ready_ = Slots;
        ready_bytes_ = 0;
    }

    constexpr Slot* find(FrameKey key) {
        for (Slot& s : slots_)
            if (s.used && s.key == key) return &s;
        return nullptr;
    }
    constexpr const Slot* find(FrameKey key) const {
        for (const Slot& s : slots_)
            if (s.used && s.key == key) return &s;
        return nullptr;
    }
    constexpr Slot* free_slot() {
        for (Slot& s : slots_)
            if (!s.used) return &s;
        return nullptr;
    }

    constexpr void set_window(std::uint16_t sequence, bool on) {
        const std::size_t bit = sequence % Window;
        const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
        window_[bit / 8] = static_cast<std::uint8_t>(on ? window_[bit / 8] | mask : window_[bit / 8] & ~mask);
    }

    Slot slots_[Slots]{};
    // the slot the last push completed (Slots: none); an index, so a Reassembler can be copied
    std::size_t ready_ = Slots;
    std::size_t ready_bytes_ = 0;
    // Delivered frames: bit (sequence % Window) for the Window sequences up to window_top_ of
    // window_epoch_.
    bool window_used_ = false;
    std::uint16_t window_epoch_ = 0;
    std::uint16_t window_top_ = 0;
    std::uint8_t window_[(Window + 7) / 8]{};
    std::uint32_t timeout_;
};

}  // namespace mote::split
