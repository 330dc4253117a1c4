#pragma once
// Sealed frames: a frame (frame.hpp) whose payload is encrypted and authenticated with an AEAD
// under a per-device key, for links that give the application no security of their own (NB-IoT
// over UDP, raw serial, a gateway the operator does not trust). LoRaWAN users do not need it
// (the AppSKey already encrypts, the MIC authenticates) and pay nothing: the AEAD is an object
// the caller passes in, this header only arranges the bytes.
//
//   sealed frame = header (32 B, kind bit 7 set) | ciphertext (L B) | tag (16 B) | CRC-32C (4 B)
//
// The header is the associated data: model id, cut, kind, shape, quantization, epoch and sequence
// are authenticated, not encrypted (a server routes and rejects by them before decrypting). The
// nonce (12 B) is the device id, the epoch, the sequence and the direction: unique per key as long
// as the device never reuses an (epoch, sequence) pair, which the epoch kept in non-volatile
// memory and raised at every boot (and after 65,536 frames) guarantees. The CRC-32C stays so
// that reassembly treats sealed and plain frames alike; it protects nothing against an attacker.
//
// An AEAD is any object with (12-byte nonce, 16-byte tag; e.g. ChaCha20-Poly1305 or AES-CCM):
//   bool seal(nonce, associated_data, data, tag)   encrypts data in place, writes the tag (false:
//                                                  refused, data untouched)
//   bool open(nonce, associated_data, data, tag)   checks the tag; only then decrypts in place
// (the device needs only seal, the server only open).
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/le.hpp"

namespace mote::split {

inline constexpr std::size_t nonce_bytes = 12;
using Nonce = std::array<std::uint8_t, nonce_bytes>;
using Tag = std::span<std::uint8_t, frame_tag_bytes>;
using ConstTag = std::span<const std::uint8_t, frame_tag_bytes>;

// Which way a sealed message goes, so that an uplink and a downlink never share a nonce.
enum class Direction : std::uint8_t { uplink = 'U', downlink = 'D' };

// Nonce: device id (4) | epoch (4) | sequence (2) | direction (1) | message (1), little-endian.
// `message` numbers the downlinks about one frame (a control message per ARQ round); 0 uplink.
constexpr Nonce make_nonce(std::uint32_t device_id, std::uint32_t epoch, std::uint16_t sequence,
                           Direction direction, std::uint8_t message = 0) {
    Nonce n{};
    le::put32(n.data(), device_id);
    le::put32(n.data() + 4, epoch);
    le::put16(n.data() + 8, sequence);
    n[10] = static_cast<std::uint8_t>(direction);
    n[11] = message;
    return n;
}

template <class A>
concept FrameSealer = requires(A& a, const Nonce& nonce, std::span<const std::uint8_t> ad,
                               std::span<std::uint8_t> data, Tag tag) {
    { a.seal(nonce, ad, data, tag) } -> std::same_as<bool>;
};
template <class A>
concept FrameOpener = requires(A& a, const Nonce& nonce, std::span<const std::uint8_t> ad,
                               std::span<std::uint8_t> data, ConstTag tag) {
    { a.open(nonce, ad, data, tag) } -> std::same_as<bool>;
};

struct SealResult {
    FrameError error = FrameError::ok;
    std::size_t bytes = 0;   // the sealed frame's size (frame_bytes + 16)
};

// Seals, in place, the plain frame in buf[0, frame_bytes) (as encode_frame wrote it; buf needs 16
// bytes more). A frame that does not validate is left as it is and its error returned.
template <FrameSealer A>
constexpr SealResult seal_frame(std::span<std::uint8_t> buf, std::size_t frame_bytes,
                                std::uint32_t device_id, A& aead) {
    if (frame_bytes > buf.size()) return {FrameError::truncated};
    const DecodeResult d = decode_frame(buf.first(frame_bytes), {});
    if (d.error != FrameError::ok) return {d.error};
    const std::size_t payload = d.header.payload_bytes;
    const std::size_t total = frame_bytes + frame_tag_bytes;
    if (buf.size() < total) return {FrameError::buffer_too_small};
    buf[3] = static_cast<std::uint8_t>(buf[3] | frame_sealed_bit);
    const Nonce nonce = make_nonce(device_id, d.header.epoch, d.header.sequence, Direction::uplink);
    const Tag tag = buf.subspan(frame_header_bytes + payload).template first<frame_tag_bytes>();
    if (!aead.seal(nonce, buf.first(frame_header_bytes), buf.subspan(frame_header_bytes, payload), tag)) {
        // the AEAD refused (e.g. no key): leave a plain frame, never a half-sealed one
        buf[3] = static_cast<std::uint8_t>(buf[3] & ~frame_sealed_bit);
        le::put32(buf.data() + frame_header_bytes + payload,
                  crc32c(buf.first(frame_header_bytes + payload)));
        return {FrameError::seal_failed};
    }
    le::put32(buf.data() + total - frame_crc_bytes, crc32c(buf.first(total - frame_crc_bytes)));
    return {FrameError::ok, total};
}

struct OpenResult {
    FrameError error = FrameError::ok;
    FrameHeader header{};   // meaningful only when error == ok (header.sealed is then false)
    std::size_t bytes = 0;  // the plain frame now at the start of the buffer
};

// Opens, in place, the sealed frame that is the whole of `frame`: checks its fields, then its
// tag (error `forged` when it fails), then the caller's expectations (wrong_model, wrong_cut,
// wrong_kind: reported only for authentic frames); then the buffer's start holds the plain frame
// (decode_frame it). A frame that is not authentic leaves the buffer as it was.
template <FrameOpener A>
constexpr OpenResult open_frame(std::span<std::uint8_t> frame, std::uint32_t device_id, A& aead,
                                const Expect& expect = {}) {
    FrameHeader h;
    if (const FrameError e = detail::read_header(frame, h); e != FrameError::ok) return {e};
    if (!h.sealed) return {FrameError::not_sealed};
    const std::size_t payload = h.payload_bytes;
    const Nonce nonce = make_nonce(device_id, h.epoch, h.sequence, Direction::uplink);
    const ConstTag tag = std::span<const std::uint8_t>(frame).subspan(frame_header_bytes + payload)
                             .template first<frame_tag_bytes>();
    if (!aead.open(nonce, frame.first(frame_header_bytes), frame.subspan(frame_header_bytes, payload), tag))
        return {FrameError::forged};
    // Authentic: the plain frame replaces it (the expectations below leave it so).
    frame[3] = static_cast<std::uint8_t>(frame[3] & ~frame_sealed_bit);
    const std::size_t body = frame_header_bytes + payload;
    le::put32(frame.data() + body, crc32c(frame.first(body)));
    h.sealed = false;
    if (expect.model_id && *expect.model_id != h.model_id) return {FrameError::wrong_model, h, body + frame_crc_bytes};
    if (expect.cut && *expect.cut != h.cut) return {FrameError::wrong_cut, h, body + frame_crc_bytes};
    if (expect.kind && *expect.kind != h.kind) return {FrameError::wrong_kind, h, body + frame_crc_bytes};
    return {FrameError::ok, h, body + frame_crc_bytes};
}

// Replay protection for one device's sealed frames: the 48-bit counter (epoch, sequence) of every
// authentic frame is remembered in a window of the Bits newest; anything older, or seen, is a
// replay. Check with fresh() before opening (cheap), record with accept() after.
template <std::size_t Bits = 64>
    requires(Bits >= 1 && Bits <= 4096)
class ReplayWindow {
public:
    static constexpr std::uint64_t counter(std::uint32_t epoch, std::uint16_t sequence) {
        return (std::uint64_t{epoch} << 16) | sequence;
    }
    constexpr bool fresh(std::uint32_t epoch, std::uint16_t sequence) const {
        const std::uint64_t c = counter(epoch, sequence);
        if (!used_ || c > top_) return true;
        if (top_ - c >= Bits) return false;
        return !bit(c);
    }
    // Records an authentic frame; false (nothing changes) when it is not fresh.
    constexpr bool accept(std::uint32_t epoch, std::uint16_t sequence) {
        if (!fresh(epoch, sequence)) return false;
        const std::uint64_t c = counter(epoch, sequence);
        if (!used_ || c > top_) {
            const std::uint64_t ahead = used_ ? c - top_ : Bits;
            for (std::uint64_t i = 1; i <= ahead && i <= Bits; ++i) set(top_ + i, false);
            top_ = c;
            used_ = true;
        }
        set(c, true);
        return true;
    }

private:
    constexpr bool bit(std::uint64_t c) const { return (bits_[(c % Bits) / 8] >> (c % Bits % 8)) & 1u; }
    constexpr void set(std::uint64_t c, bool on) {
        const auto mask = static_cast<std::uint8_t>(1u << (c % Bits % 8));
        std::uint8_t& b = bits_[(c % Bits) / 8];
        b = static_cast<std::uint8_t>(on ? b | mask : b & ~mask);
    }
    bool used_ = false;
    std::uint64_t top_ = 0;
    std::uint8_t bits_[(Bits + 7) / 8]{};
};

}  // namespace mote::split
