// libFuzzer target: the reassembler (and the fragment parser) under arbitrary traffic. Input:
// records [op][len][bytes...]; op bit 0 set: also call missing()/expire(). Checks: a completed
// frame always ends in a matching CRC-32C, is at most MaxFrameBytes, and the memory is the
// fixed object (ASan catches any access outside it).
#include <cstddef>
#include <cstdint>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"
#include "mote/split/reassembly.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mote::split;
    static Reassembler<600, 12, 2, 4> r{8};
    r = Reassembler<600, 12, 2, 4>{8};
    std::uint32_t now = 0;
    std::size_t i = 0;
    while (i + 2 <= size) {
        const std::uint8_t op = data[i];
        std::size_t len = data[i + 1];
        i += 2;
        if (len > size - i) len = size - i;
        const auto ev = r.push(std::span<const std::uint8_t>(data + i, len), now);
        i += len;
        now += op >> 4;
        if (ev.event == ReassemblyEvent::complete) {
            const auto f = r.frame();
            if (f.size() < 5 || f.size() > 600) __builtin_trap();
            if (crc32c(f.first(f.size() - 4)) != le::get32(f.data() + f.size() - 4)) __builtin_trap();
        } else if (!r.frame().empty()) {
            __builtin_trap();
        }
        if (op & 1u) {
            std::uint8_t miss[12];
            const MissingList m = r.missing(ev.sequence, miss);
            if (m.active && (m.listed + m.received != m.count)) __builtin_trap();
            r.expire(now, [](std::uint16_t, std::uint8_t, std::uint8_t) {});
        }
        if (r.frames_in_progress() > 2) __builtin_trap();
    }
    return 0;
}
