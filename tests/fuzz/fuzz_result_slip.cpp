// libFuzzer target: result frames and the SLIP stream decoder. The input is fed to the SLIP
// decoder byte by byte; every packet (and the whole input) is tried as a result frame. An
// accepted result frame must re-encode to the same bytes; SLIP packets must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/split/result.hpp"
#include "mote/split/slip.hpp"

namespace {
void check_result(std::span<const std::uint8_t> in) {
    using namespace mote::split;
    ResultFrame r;
    r.sequence = 0x1234;
    if (decode_result(in, r) != ResultError::ok) {
        if (r.sequence != 0x1234 || r.k != 0) __builtin_trap();   // untouched on failure
        return;
    }
    std::uint8_t again[64];
    const std::size_t n = encode_result(r, again);
    if (n != in.size() || std::memcmp(again, in.data(), n) != 0) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mote::split;
    check_result(std::span<const std::uint8_t>(data, size));
    static slip::Decoder<64> dec;
    dec = slip::Decoder<64>{};
    for (std::size_t i = 0; i < size; ++i) {
        if (dec.feed(data[i]) != slip::Status::packet) continue;
        const auto p = dec.packet();
        if (p.empty() || p.size() > 64) __builtin_trap();
        check_result(p);
        std::uint8_t wire[2 * 64 + 2];
        std::size_t w = 0;
        slip::encode(p, [&](std::uint8_t b) { wire[w++] = b; });
        slip::Decoder<64> d2;
        std::size_t packets = 0;
        for (std::size_t k = 0; k < w; ++k)
            if (d2.feed(wire[k]) == slip::Status::packet) {
                ++packets;
                if (d2.packet().size() != p.size() || std::memcmp(d2.packet().data(), p.data(), p.size()) != 0)
                    __builtin_trap();
            }
        if (packets != 1) __builtin_trap();
    }
    return 0;
}
