#pragma once
// Reassembly of fragmented frames (fragment.hpp) in fixed memory: Slots frames in progress at
// once, each up to MaxFrameBytes in at most MaxFragments fragments; no heap, nothing grows.
//
// Tolerates loss (missing() lists what is still needed, for a retransmission request; expire()
// gives up on frames idle for `timeout` ticks), duplication (a fragment seen twice, or one of a
// frame already delivered, is reported and ignored) and reordering (any arrival order, the last
// fragment first included). A frame is handed out only when all its fragments are in and its
// trailing CRC-32C (the last 4 bytes, little-endian, over everything before them: frame.hpp and
// result.hpp frames both end so) matches; otherwise it is dropped and reported.
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

enum class ReassemblyEvent : std::uint8_t {
    accepted = 0,   // a new fragment of a frame in progress
    complete,       // this fragment completed a frame whose CRC-32C matches: frame() holds it
    duplicate,      // already have this fragment
    stale,          // a fragment of a frame already delivered or given up
    bad_fragment,   // fails its own check or header (fragment.hpp)
    inconsistent,   // disagrees with the frame's other fragments (count, sizes)
    too_large,      // the frame would exceed MaxFrameBytes or MaxFragments
    crc_failed,     // all fragments in, but the frame's CRC-32C fails: dropped
};

constexpr const char* reassembly_event_name(ReassemblyEvent e) {
    constexpr const char* names[] = {"accepted", "complete", "duplicate", "stale", "bad_fragment",
                                     "inconsistent", "too_large", "crc_failed"};
    const auto i = static_cast<std::size_t>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

struct PushResult {
    ReassemblyEvent event = ReassemblyEvent::accepted;
    std::uint16_t sequence = 0;   // the fragment's frame sequence (when it parsed)
    bool evicted = false;         // a frame in progress was abandoned to make room
    std::uint16_t evicted_sequence = 0;
};

struct MissingList {
    bool active = false;   // the sequence is being reassembled
    std::uint8_t count = 0;      // its fragment count
    std::uint8_t received = 0;
    std::size_t listed = 0;      // indices written to the caller's span (at most its size)
};

template <std::size_t MaxFrameBytes, std::size_t MaxFragments = max_fragment_count,
          std::size_t Slots = 2, std::size_t Remember = 16>
    requires(MaxFrameBytes >= 5 && MaxFragments >= 1 && MaxFragments <= max_fragment_count &&
             Slots >= 1 && Remember >= 1)
class Reassembler {
public:
    explicit constexpr Reassembler(std::uint32_t timeout_ticks) : timeout_(timeout_ticks) {}

    static constexpr std::size_t max_frame_bytes = MaxFrameBytes;

    constexpr PushResult push(std::span<const std::uint8_t> bytes, std::uint32_t now) {
        release_ready();
        FragmentView f;
        if (parse_fragment(bytes, f) != FragmentError::ok) return {ReassemblyEvent::bad_fragment};
        PushResult r{ReassemblyEvent::accepted, f.sequence};
        if (remembered(f.sequence)) return r.event = ReassemblyEvent::stale, r;
        if (f.count > MaxFragments || f.data.size() > MaxFrameBytes)
            return r.event = ReassemblyEvent::too_large, r;

        Slot* s = find(f.sequence);
        bool fresh = false;
        if (s == nullptr) {
            s = free_slot();
            if (s == nullptr) {   // all busy: abandon the least recently active
                s = &slots_[0];
                for (Slot& c : slots_)
                    if (now - c.last > now - s->last) s = &c;
                r.evicted = true;
                r.evicted_sequence = s->seq;
                remember(s->seq);
            }
            *s = Slot{};
            s->used = true;
            s->seq = f.sequence;
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
        remember(s->seq);
        ready_ = s;
        ready_bytes_ = total;
        r.event = ReassemblyEvent::complete;
        return r;
    }

    // The frame the last push completed (empty otherwise); valid until the next push.
    constexpr std::span<const std::uint8_t> frame() const {
        return ready_ ? std::span<const std::uint8_t>(ready_->data, ready_bytes_)
                      : std::span<const std::uint8_t>{};
    }

    // Fragment indices of `sequence` still missing (for a retransmission request).
    constexpr MissingList missing(std::uint16_t sequence, std::span<std::uint8_t> out) const {
        const Slot* s = find(sequence);
        if (s == nullptr || s == ready_) return {};
        MissingList m{true, s->count, s->received, 0};
        for (std::size_t i = 0; i < s->count; ++i)
            if (!has(*s, i) && m.listed < out.size()) out[m.listed++] = static_cast<std::uint8_t>(i);
        return m;
    }

    constexpr bool in_progress(std::uint16_t sequence) const {
        const Slot* s = find(sequence);
        return s != nullptr && s != ready_;
    }

    // Gives up on frames idle for at least the timeout; calls on_expired(sequence, received,
    // count) for each, remembers them as finished (late fragments are `stale`), returns how many.
    template <class F>
    constexpr std::size_t expire(std::uint32_t now, F&& on_expired) {
        std::size_t n = 0;
        for (Slot& s : slots_) {
            if (!s.used || &s == ready_ || now - s.last < timeout_) continue;
            on_expired(s.seq, s.received, s.count);
            remember(s.seq);
            s.used = false;
            ++n;
        }
        return n;
    }

    // Drops a frame in progress (e.g. the sender said it will not retransmit).
    constexpr void abandon(std::uint16_t sequence) {
        if (Slot* s = find(sequence); s != nullptr && s != ready_) {
            remember(s->seq);
            s->used = false;
        }
    }

    constexpr std::size_t frames_in_progress() const {
        std::size_t n = 0;
        for (const Slot& s : slots_) n += s.used && &s != ready_;
        return n;
    }

private:
    struct Slot {
        bool used = false;
        std::uint16_t seq = 0;
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

    constexpr void release_ready() {
        if (ready_) ready_->used = false;
        ready_ = nullptr;
        ready_bytes_ = 0;
    }

    constexpr Slot* find(std::uint16_t seq) {
        for (Slot& s : slots_)
            if (s.used && s.seq == seq) return &s;
        return nullptr;
    }
    constexpr const Slot* find(std::uint16_t seq) const {
        for (const Slot& s : slots_)
            if (s.used && s.seq == seq) return &s;
        return nullptr;
    }
    constexpr Slot* free_slot() {
        for (Slot& s : slots_)
            if (!s.used) return &s;
        return nullptr;
    }

    constexpr bool remembered(std::uint16_t seq) const {
        for (std::size_t i = 0; i < remembered_count_; ++i)
            if (recent_[i] == seq) return true;
        return false;
    }
    constexpr void remember(std::uint16_t seq) {
        recent_[next_recent_] = seq;
        next_recent_ = (next_recent_ + 1) % Remember;
        if (remembered_count_ < Remember) ++remembered_count_;
    }

    Slot slots_[Slots]{};
    Slot* ready_ = nullptr;
    std::size_t ready_bytes_ = 0;
    std::uint16_t recent_[Remember]{};
    std::size_t next_recent_ = 0;
    std::size_t remembered_count_ = 0;
    std::uint32_t timeout_;
};

}  // namespace mote::split
