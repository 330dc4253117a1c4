// libFuzzer target: opening sealed frames (sealed.hpp), the replay window, and control messages
// (control.hpp), plain and sealed. The AEAD is the
// test stand-in (tests/split/toy_aead.hpp: not cryptography, but its tag can be recomputed), so
// each input is tried as it is and with its length, tag and CRC-32C fixed up: mutations then
// reach every check behind the tag. Checks: a failed open leaves the buffer as it was; an opened
// frame is a plain frame whose sealing gives back the input byte for byte. The same input, read
// as (epoch step, sequence) pairs, drives ReplayWindow against a plain reference model, and is
// tried as a control message (check or tag fixed up too): an accepted one re-encodes to itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>

#include "mote/split/control.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/sealed.hpp"
#include "toy_aead.hpp"

namespace {
using namespace mote::split;
constexpr std::uint32_t device = 0x4445'5631u;
std::uint8_t buf[(1 << 14) + 64];
std::uint8_t before[sizeof buf];
std::uint8_t out[1 << 15];

void open_one(std::size_t size) {
    split_test::ToyAead aead;
    std::memcpy(before, buf, size);
    // expectations present or not, holding or failing, depending on the input's size and bytes
    Expect e;
    if (size >= 8 && (size & 2u)) e.model_id = le::get32(buf + 4) ^ (size & 1u);
    if (size & 4u) e.cut = 1;
    if (size & 8u) e.kind = Kind::tensor;
    const OpenResult o = open_frame(std::span<std::uint8_t>(buf, size), device, aead, e);
    const bool authentic = o.error == FrameError::ok || o.error == FrameError::wrong_model ||
                           o.error == FrameError::wrong_cut || o.error == FrameError::wrong_kind;
    if (!authentic) {
        if (std::memcmp(before, buf, size) != 0) __builtin_trap();   // failed, yet changed
        return;
    }
    if (o.bytes + frame_tag_bytes != size || o.header.sealed) __builtin_trap();
    const DecodeResult d = decode_frame(std::span<const std::uint8_t>(buf, o.bytes), out);
    if (d.error == FrameError::ok && d.header.epoch != o.header.epoch) __builtin_trap();
    if (d.error != FrameError::ok && d.error != FrameError::bad_payload && d.error != FrameError::output_too_small)
        __builtin_trap();
    // sealing the plain frame again gives back the sealed input (the stand-in is deterministic)
    if (d.error == FrameError::ok) {
        if (seal_frame(std::span<std::uint8_t>(buf, size), o.bytes, device, aead).error != FrameError::ok ||
            std::memcmp(before, buf, size) != 0)
            __builtin_trap();
    }
}

void control(const std::uint8_t* data, std::size_t size) {
    if (size > max_control_bytes) return;
    split_test::ToyAead aead;
    std::uint8_t msg[max_control_bytes], again[max_control_bytes];
    for (int fix = 0; fix < 2; ++fix) {
        std::memcpy(msg, data, size);
        const bool sealed = size > 0 && (msg[0] & frame_sealed_bit);
        const std::size_t trailer = sealed ? frame_tag_bytes : control_check_bytes;
        if (fix == 1) {   // the check or tag recomputed over whatever the bytes say
            if (size < control_header_bytes + trailer) return;
            const std::size_t body = size - trailer;
            if (sealed) {
                const Nonce nonce = make_nonce(device, le::get32(msg + 1), le::get16(msg + 5), Direction::downlink, msg[7]);
                aead.tag_for(nonce, std::span<const std::uint8_t>(msg, body), std::span<const std::uint8_t>{},
                             std::span<std::uint8_t>(msg + body, frame_tag_bytes));
            } else {
                le::put16(msg + body, static_cast<std::uint16_t>(crc32c(std::span<const std::uint8_t>(msg, body))));
            }
        }
        const std::span<const std::uint8_t> in(msg, size);
        ControlMessage m;
        ControlMessage other;   // the decoder for the other kind refuses it at once
        if (size > 0 && (sealed ? decode_control(in, other) != ControlError::sealed
                                : open_control(in, device, aead, other) != ControlError::not_sealed))
            __builtin_trap();
        const ControlError e = sealed ? open_control(in, device, aead, m) : decode_control(in, m);
        if (e != ControlError::ok) {
            if (m.sequence != 0 || m.n != 0) __builtin_trap();   // untouched on failure
            continue;
        }
        const std::size_t n = sealed ? seal_control(m, device, aead, again) : encode_control(m, again);
        if (n != size || std::memcmp(again, msg, n) != 0) __builtin_trap();
    }
}

// A reference replay window: every accepted counter in a set.
void replay_window(const std::uint8_t* data, std::size_t size) {
    ReplayWindow<16> w;
    std::set<std::uint64_t> seen;
    std::uint64_t top = 0;
    bool any = false;
    std::uint32_t epoch = 0;
    for (std::size_t i = 0; i + 3 <= size; i += 3) {
        epoch += data[i] >> 6;   // mostly the same epoch, sometimes a restart
        const auto seq = static_cast<std::uint16_t>(data[i + 1] | ((data[i] & 0x3Fu) << 8));
        const std::uint64_t c = ReplayWindow<16>::counter(epoch - (data[i + 2] & 1u), seq);
        const bool fresh = !any || c > top || (top - c < 16 && !seen.count(c));
        if (w.fresh(static_cast<std::uint32_t>(c >> 16), static_cast<std::uint16_t>(c)) != fresh) __builtin_trap();
        if (w.accept(static_cast<std::uint32_t>(c >> 16), static_cast<std::uint16_t>(c)) != fresh) __builtin_trap();
        if (fresh) {
            seen.insert(c);
            if (!any || c > top) top = c;
            any = true;
        }
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    replay_window(data, size);
    control(data, size);
    if (size > sizeof buf) return 0;
    std::memcpy(buf, data, size);
    open_one(size);
    if (size < frame_overhead + frame_tag_bytes) return 0;
    // fix up: sealed bit, length, tag over (header, ciphertext), CRC
    std::memcpy(buf, data, size);
    buf[3] = static_cast<std::uint8_t>(buf[3] | frame_sealed_bit);
    const std::size_t payload = size - frame_overhead - frame_tag_bytes;
    le::put32(buf + 24, static_cast<std::uint32_t>(payload));
    const Nonce nonce = make_nonce(device, le::get32(buf + 28), le::get16(buf + 8), Direction::uplink);
    split_test::ToyAead{}.tag_for(nonce, std::span<const std::uint8_t>(buf, frame_header_bytes),
                                  std::span<const std::uint8_t>(buf + frame_header_bytes, payload),
                                  std::span<std::uint8_t>(buf + frame_header_bytes + payload, frame_tag_bytes));
    le::put32(buf + size - 4, crc32c(std::span<const std::uint8_t>(buf, size - 4)));
    open_one(size);
    return 0;
}
