// Every split header compiles with the device flags (-fno-exceptions -fno-rtti, mote_strict) and
// the encoder/decoder work in constant evaluation (no heap, no hidden runtime).
#include <array>
#include <bit>
#include <cstdint>

#include "mote/split/control.hpp"
#include "mote/split/crc32c.hpp"
#include "mote/split/encoding.hpp"
#include "mote/split/fragment.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/reassembly.hpp"
#include "mote/split/result.hpp"
#include "mote/split/sealed.hpp"
#include "mote/split/slip.hpp"
#include "toy_aead.hpp"

namespace {
constexpr bool frame_round_trip() {
    using namespace mote::split;
    std::array<std::uint8_t, 16> t{};
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = i % 3 == 0 ? std::uint8_t(i) : 0x80;
    FrameHeader h;
    h.h = 2;
    h.w = 2;
    h.c = 4;
    h.scale_bits = std::bit_cast<std::uint32_t>(0.25f);
    h.zero_point = -128;
    std::array<std::uint8_t, 64> buf{};
    const auto r = encode_frame(h, t, buf);
    std::array<std::uint8_t, 16> out{};
    const auto d = decode_frame(std::span(buf).first(r.bytes), out);
    if (d.error != FrameError::ok || out != t) return false;
    std::array<std::uint8_t, 64> frag{};
    const auto n = make_fragment(std::span(buf).first(r.bytes), FrameKey{0, 1}, 0, 64, frag);
    Reassembler<64, 4, 1, 2> re{10};
    return re.push(std::span(frag).first(n), 0).event == ReassemblyEvent::complete &&
           re.frame().size() == r.bytes;
}
static_assert(frame_round_trip());

// A sealed frame through a constexpr stand-in AEAD: what a device links is the AEAD it passes in.
constexpr bool sealed_round_trip() {
    using namespace mote::split;
    std::array<std::uint8_t, 8> t{1, 0x80, 0x80, 3, 0x80, 0x80, 0x80, 9};
    FrameHeader h;
    h.h = 1;
    h.w = 2;
    h.c = 4;
    h.epoch = 3;
    h.scale_bits = std::bit_cast<std::uint32_t>(0.25f);
    h.zero_point = -128;
    std::array<std::uint8_t, 80> buf{};
    const auto r = encode_frame(h, t, buf);
    split_test::ToyAead aead;
    const auto s = seal_frame(buf, r.bytes, 0xD00Du, aead);
    if (s.error != FrameError::ok) return false;
    const auto o = open_frame(std::span(buf).first(s.bytes), 0xD00Du, aead);
    std::array<std::uint8_t, 8> out{};
    return o.error == FrameError::ok && decode_frame(std::span(buf).first(o.bytes), out).error == FrameError::ok &&
           out == t;
}
static_assert(sealed_round_trip());
}  // namespace

int main() { return frame_round_trip() && sealed_round_trip() ? 0 : 1; }
