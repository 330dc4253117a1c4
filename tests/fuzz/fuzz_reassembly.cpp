// libFuzzer target: the reassembler (and the fragment parser) under arbitrary traffic. Input:
// records [op][len][bytes...]. op bit 0: also call missing()/expire(); bit 1: fix up the
// fragment's check first (so that mutations get past it and reach placement, completion,
// eviction and the window); bit 2: the fragment is untrusted; bit 3: deliver() what completes
// (with bit 0: abandon the fragment's frame whatever happened, then deliver it); bits 4-7: ticks
// to advance. Checks: a completed frame always ends in a matching CRC-32C and is
// at most MaxFrameBytes; untrusted fragments never evict; a delivered frame is stale from then
// on; never more frames in flight than slots; the memory is the fixed object (ASan catches any
// access outside it).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"
#include "mote/split/reassembly.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mote::split;
    using R = Reassembler<200, 12, 2, 8>;   // frames of 200 B: one-byte records reach too_large
    static R r{8};
    r = R{8};
    std::uint32_t now = 0;
    std::size_t i = 0;
    std::uint8_t fragment[256];
    while (i + 2 <= size) {
        const std::uint8_t op = data[i];
        std::size_t len = data[i + 1];
        i += 2;
        if (len > size - i) len = size - i;
        std::memcpy(fragment, data + i, len);
        i += len;
        if ((op & 2u) && len >= fragment_overhead)
            le::put16(fragment + len - 2, fragment_check(std::span<const std::uint8_t>(fragment, len - 2)));
        const Trust trust = (op & 4u) ? Trust::untrusted : Trust::authenticated;
        const auto ev = r.push(std::span<const std::uint8_t>(fragment, len), now, trust);
        now += op >> 4;
        if (ev.evicted && trust == Trust::untrusted) __builtin_trap();
        if (ev.event == ReassemblyEvent::complete) {
            const auto f = r.frame();
            if (f.size() < 5 || f.size() > 200) __builtin_trap();
            if (crc32c(f.first(f.size() - 4)) != le::get32(f.data() + f.size() - 4)) __builtin_trap();
            if (op & 8u) r.deliver(ev.key);
            if ((trust == Trust::authenticated || (op & 8u)) && !r.stale(ev.key)) __builtin_trap();
        } else if (!r.frame().empty()) {
            __builtin_trap();
        }
        if (op & 1u) {
            std::uint8_t miss[12];
            const std::size_t room = (op >> 4) % 13;   // sometimes too small for the list
            const MissingList m = r.missing(ev.key, std::span<std::uint8_t>(miss, room));
            if (m.active != r.in_progress(ev.key) || m.listed > room || m.listed + m.received > m.count ||
                (m.active && room == 12 && m.listed + m.received != m.count))
                __builtin_trap();
            r.expire(now, [](FrameKey, std::uint8_t, std::uint8_t) {});
            if (op & 8u) {
                r.abandon(ev.key);
                if (r.in_progress(ev.key)) __builtin_trap();
                r.deliver(ev.key);
                if (!r.stale(ev.key)) __builtin_trap();
            }
        }
        if (r.frames_in_progress() > 2) __builtin_trap();
    }
    return 0;
}
