#pragma once
// What the device and the server of the split example share: the model (KWS by default, the
// hand-written bars model without ../shared), the cut, the model id, and the downlink control
// messages of the simple ARQ. Device-safe (no heap, no exceptions).
//
// Downlink control packet (server -> gateway -> device, SLIP-framed on the UART):
//   off size field
//     0    1  type: 'A' ack (frame delivered) | 'N' nack (resend) | 'G' give up (move on)
//     1    2  frame sequence (little-endian)
//     3    1  n: fragment indices that follow ('N' with n = 0: resend every fragment)
//     4    n  indices
//   4+n    2  low 16 bits of CRC-32C of bytes [0, 4+n)
#include <cstddef>
#include <cstdint>
#include <span>

#include MOTE_SPLIT_HEADER   // brings in mote/mote.hpp
#include "mote/split/crc32c.hpp"
#include "mote/split/cut.hpp"
#include "mote/split/le.hpp"

namespace split_example {

using Net = MOTE_SPLIT_NS::Model;
inline constexpr std::size_t cut = MOTE_SPLIT_CUT;
using Head = mote::head<Net, cut>;
using Tail = mote::tail<Net, cut>;
using CutTensor = Head::output;
static_assert(mote::Int8TensorType<CutTensor>, "the example sends an int8 cut tensor");

// The model id on the wire: the first 8 hex digits of the converted model's sha256 (the
// generated header's model_sha256); the hand-written model has none and uses a fixed id.
constexpr std::uint32_t model_id() {
#ifdef MOTE_SPLIT_FIXED_MODEL_ID
    return MOTE_SPLIT_FIXED_MODEL_ID;
#else
    std::uint32_t id = 0;
    for (int i = 0; i < 8; ++i) {
        const char c = MOTE_SPLIT_NS::model_sha256[i];
        const std::uint32_t v = c >= '0' && c <= '9' ? static_cast<std::uint32_t>(c - '0')
                                : c >= 'a' && c <= 'f' ? static_cast<std::uint32_t>(c - 'a' + 10)
                                                       : static_cast<std::uint32_t>(c - 'A' + 10);
        id = (id << 4) | v;
    }
    return id;
#endif
}

enum class Control : std::uint8_t { ack = 'A', nack = 'N', give_up = 'G' };

struct ControlMessage {
    Control type = Control::ack;
    std::uint16_t sequence = 0;
    std::uint8_t n = 0;
    std::uint8_t indices[255]{};
};

// Returns the bytes written (at most 4 + n + 2).
constexpr std::size_t encode_control(const ControlMessage& m, std::span<std::uint8_t> out) {
    const std::size_t total = 4 + std::size_t{m.n} + 2;
    if (out.size() < total) return 0;
    out[0] = static_cast<std::uint8_t>(m.type);
    mote::split::le::put16(out.data() + 1, m.sequence);
    out[3] = m.n;
    for (std::size_t i = 0; i < m.n; ++i) out[4 + i] = m.indices[i];
    mote::split::le::put16(out.data() + 4 + m.n,
                           static_cast<std::uint16_t>(mote::split::crc32c(out.first(4 + m.n))));
    return total;
}

constexpr bool decode_control(std::span<const std::uint8_t> in, ControlMessage& m) {
    if (in.size() < 6 || in.size() != 6 + std::size_t{in[3]}) return false;
    if (in[0] != 'A' && in[0] != 'N' && in[0] != 'G') return false;
    if (static_cast<std::uint16_t>(mote::split::crc32c(in.first(in.size() - 2))) !=
        mote::split::le::get16(in.data() + in.size() - 2))
        return false;
    m.type = static_cast<Control>(in[0]);
    m.sequence = mote::split::le::get16(in.data() + 1);
    m.n = in[3];
    for (std::size_t i = 0; i < m.n; ++i) m.indices[i] = in[4 + i];
    return true;
}

}  // namespace split_example
