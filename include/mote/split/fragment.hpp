#pragma once
// Fragmentation of a frame to a link's maximum payload (MTU): LoRaWAN EU868 51 B (DR0-2),
// 115 B (DR3), 222 B (DR4-7); NB-IoT ~1200 B. Each fragment (little-endian):
//
//   off  size  field
//     0     2  frame sequence number
//     2     2  epoch: the low 16 bits of the sender's epoch (frame.hpp), so that the frames of a
//              restarted device (sequence 0 again) are not taken for old ones
//     4     1  fragment index (0..count-1)
//     5     1  fragment count (1..255)
//     6     n  data (n >= 1); every fragment but the last carries the same n
//   6+n     2  check: the low 16 bits of CRC-32C of bytes [0, 6+n)
//
// The per-fragment check lets a receiver drop a damaged fragment (and ask for it again) instead
// of discovering the damage only in the frame's own CRC-32C after reassembly. It protects against
// noise only: anyone can compute it (docs/cloud.md, security model).
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"

namespace mote::split {

inline constexpr std::size_t fragment_header_bytes = 6;
inline constexpr std::size_t fragment_check_bytes = 2;
inline constexpr std::size_t fragment_overhead = fragment_header_bytes + fragment_check_bytes;
inline constexpr std::size_t max_fragment_count = 255;

// Which frame a fragment belongs to: the sender's epoch (low 16 bits) and the frame sequence.
struct FrameKey {
    std::uint16_t epoch = 0;
    std::uint16_t sequence = 0;
    friend constexpr bool operator==(const FrameKey&, const FrameKey&) = default;
};

// The key of a frame with this (full, 32-bit) epoch and sequence.
constexpr FrameKey frame_key(std::uint32_t epoch, std::uint16_t sequence) {
    return {static_cast<std::uint16_t>(epoch), sequence};
}

// Frame bytes one fragment carries at this MTU (0: the MTU cannot carry any).
constexpr std::size_t fragment_capacity(std::size_t mtu) {
    return mtu > fragment_overhead ? mtu - fragment_overhead : 0;
}

// Fragments a frame of `frame_bytes` needs at `mtu`; 0 when it cannot be sent (empty frame, MTU
// too small, or more than 255 fragments).
constexpr std::size_t fragment_count(std::size_t frame_bytes, std::size_t mtu) {
    const std::size_t cap = fragment_capacity(mtu);
    if (frame_bytes == 0 || cap == 0) return 0;
    const std::size_t n = (frame_bytes + cap - 1) / cap;
    return n <= max_fragment_count ? n : 0;
}

// The check of a fragment whose bytes before the check are `body`.
constexpr std::uint16_t fragment_check(std::span<const std::uint8_t> body) {
    return static_cast<std::uint16_t>(crc32c(body));
}

// Writes fragment `index` of `frame` into `out`; returns its size, 0 on a bad argument or when
// `out` is too small.
constexpr std::size_t make_fragment(std::span<const std::uint8_t> frame, FrameKey key,
                                    std::size_t index, std::size_t mtu, std::span<std::uint8_t> out) {
    const std::size_t count = fragment_count(frame.size(), mtu);
    if (count == 0 || index >= count) return 0;
    const std::size_t cap = fragment_capacity(mtu);
    const std::size_t offset = index * cap;
    const std::size_t n = frame.size() - offset < cap ? frame.size() - offset : cap;
    const std::size_t total = fragment_overhead + n;
    if (out.size() < total) return 0;
    std::uint8_t* p = out.data();
    le::put16(p, key.sequence);
    le::put16(p + 2, key.epoch);
    p[4] = static_cast<std::uint8_t>(index);
    p[5] = static_cast<std::uint8_t>(count);
    for (std::size_t i = 0; i < n; ++i) p[fragment_header_bytes + i] = frame[offset + i];
    le::put16(p + fragment_header_bytes + n, fragment_check(out.first(fragment_header_bytes + n)));
    return total;
}

struct FragmentView {
    FrameKey key;
    std::uint8_t index = 0;
    std::uint8_t count = 0;
    std::span<const std::uint8_t> data;   // points into the parsed buffer
};

enum class FragmentError : std::uint8_t { ok = 0, truncated, bad_check, bad_count, bad_index };

// Parses one fragment (the whole buffer); `out` is assigned only on success.
constexpr FragmentError parse_fragment(std::span<const std::uint8_t> in, FragmentView& out) {
    if (in.size() < fragment_overhead + 1) return FragmentError::truncated;
    const std::size_t body = in.size() - fragment_check_bytes;
    if (fragment_check(in.first(body)) != le::get16(in.data() + body)) return FragmentError::bad_check;
    const std::uint8_t index = in[4], count = in[5];
    if (count == 0) return FragmentError::bad_count;
    if (index >= count) return FragmentError::bad_index;
    out = {{le::get16(in.data() + 2), le::get16(in.data())}, index, count,
           in.subspan(fragment_header_bytes, body - fragment_header_bytes)};
    return FragmentError::ok;
}

}  // namespace mote::split
