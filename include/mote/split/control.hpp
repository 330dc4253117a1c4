#pragma once
// ARQ control messages, server -> device (the downlink of a split link): acknowledge a frame,
// ask for fragments again, or give up on it. Plain (a 16-bit check against noise) or sealed (a
// 16-byte AEAD tag with the message as associated data, for links that authenticate nothing:
// sealed.hpp). Little-endian:
//
//   off  size  field
//     0     1  type: 'A' ack | 'N' nack (resend the listed fragments; n = 0: all) | 'G' give up;
//              bit 7 set: sealed
//     1     4  epoch of the frame (frame.hpp)
//     5     2  frame sequence
//     7     1  message: the server numbers its messages about one frame 0, 1, 2...; a device
//              takes only a newer one (a replayed NACK cannot make it resend)
//     8     1  n
//     9     n  fragment indices
//   9+n     2  plain: low 16 bits of CRC-32C of bytes [0, 9+n)
//   9+n    16  sealed: AEAD tag over nothing, bytes [0, 9+n) associated, nonce (device id, epoch,
//              sequence, downlink, message)
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"
#include "mote/split/sealed.hpp"

namespace mote::split {

enum class Control : std::uint8_t { ack = 'A', nack = 'N', give_up = 'G' };

struct ControlMessage {
    Control type = Control::ack;
    std::uint32_t epoch = 0;
    std::uint16_t sequence = 0;
    std::uint8_t message = 0;
    std::uint8_t n = 0;
    std::uint8_t indices[255]{};
};

inline constexpr std::size_t control_header_bytes = 9;
inline constexpr std::size_t control_check_bytes = 2;
inline constexpr std::size_t max_control_bytes = control_header_bytes + 255 + frame_tag_bytes;

enum class ControlError : std::uint8_t { ok = 0, truncated, bad_type, bad_length, bad_check, sealed, not_sealed, forged };

namespace detail {
constexpr bool control_type_ok(std::uint8_t t) { return t == 'A' || t == 'N' || t == 'G'; }

constexpr std::size_t put_control_body(const ControlMessage& m, bool sealed, std::span<std::uint8_t> out) {
    std::uint8_t* p = out.data();
    p[0] = static_cast<std::uint8_t>(static_cast<std::uint8_t>(m.type) | (sealed ? frame_sealed_bit : 0));
    le::put32(p + 1, m.epoch);
    le::put16(p + 5, m.sequence);
    p[7] = m.message;
    p[8] = m.n;
    for (std::size_t i = 0; i < m.n; ++i) p[control_header_bytes + i] = m.indices[i];
    return control_header_bytes + m.n;
}

// Checks type, length (for the given trailer) and reads the fields; the trailer is not checked.
constexpr ControlError read_control(std::span<const std::uint8_t> in, std::size_t trailer, ControlMessage& m) {
    if (in.size() < control_header_bytes + trailer) return ControlError::truncated;
    if (!control_type_ok(in[0] & static_cast<std::uint8_t>(~frame_sealed_bit))) return ControlError::bad_type;
    if (in.size() != control_header_bytes + std::size_t{in[8]} + trailer) return ControlError::bad_length;
    m.type = static_cast<Control>(in[0] & static_cast<std::uint8_t>(~frame_sealed_bit));
    m.epoch = le::get32(in.data() + 1);
    m.sequence = le::get16(in.data() + 5);
    m.message = in[7];
    m.n = in[8];
    for (std::size_t i = 0; i < m.n; ++i) m.indices[i] = in[control_header_bytes + i];
    return ControlError::ok;
}
}  // namespace detail

// Plain: returns the bytes written (9 + n + 2), 0 when `out` is too small.
constexpr std::size_t encode_control(const ControlMessage& m, std::span<std::uint8_t> out) {
    const std::size_t total = control_header_bytes + m.n + control_check_bytes;
    if (out.size() < total) return 0;
    const std::size_t body = detail::put_control_body(m, false, out);
    le::put16(out.data() + body, static_cast<std::uint16_t>(crc32c(out.first(body))));
    return total;
}

// Sealed: returns the bytes written (9 + n + 16), 0 when `out` is too small or the AEAD refused.
template <FrameSealer A>
constexpr std::size_t seal_control(const ControlMessage& m, std::uint32_t device_id, A& aead,
                                   std::span<std::uint8_t> out) {
    const std::size_t total = control_header_bytes + m.n + frame_tag_bytes;
    if (out.size() < total) return 0;
    const std::size_t body = detail::put_control_body(m, true, out);
    const Nonce nonce = make_nonce(device_id, m.epoch, m.sequence, Direction::downlink, m.message);
    if (!aead.seal(nonce, out.first(body), std::span<std::uint8_t>{},
                   out.subspan(body).template first<frame_tag_bytes>()))
        return 0;
    return total;
}

// Plain message (the whole buffer); `out` is assigned only on success.
constexpr ControlError decode_control(std::span<const std::uint8_t> in, ControlMessage& out) {
    if (!in.empty() && (in[0] & frame_sealed_bit)) return ControlError::sealed;
    ControlMessage m;
    if (const ControlError e = detail::read_control(in, control_check_bytes, m); e != ControlError::ok) return e;
    const std::size_t body = in.size() - control_check_bytes;
    if (static_cast<std::uint16_t>(crc32c(in.first(body))) != le::get16(in.data() + body))
        return ControlError::bad_check;
    out = m;
    return ControlError::ok;
}

// Sealed message (the whole buffer); `out` is assigned only when its tag verifies.
template <FrameOpener A>
constexpr ControlError open_control(std::span<const std::uint8_t> in, std::uint32_t device_id, A& aead,
                                    ControlMessage& out) {
    if (!in.empty() && !(in[0] & frame_sealed_bit)) return ControlError::not_sealed;
    ControlMessage m;
    if (const ControlError e = detail::read_control(in, frame_tag_bytes, m); e != ControlError::ok) return e;
    const std::size_t body = in.size() - frame_tag_bytes;
    const Nonce nonce = make_nonce(device_id, m.epoch, m.sequence, Direction::downlink, m.message);
    if (!aead.open(nonce, in.first(body), std::span<std::uint8_t>{}, in.subspan(body).template first<frame_tag_bytes>()))
        return ControlError::forged;
    out = m;
    return ControlError::ok;
}

}  // namespace mote::split
