#pragma once
// SLIP (RFC 1055) packet framing for a byte stream such as a UART to a radio modem: a packet is
// sent as END, the bytes with END -> ESC ESC_END and ESC -> ESC ESC_ESC, then END. The decoder
// has a fixed buffer; an over-long packet or a bad escape is reported and skipped up to the next
// END, so the stream resynchronises after noise or a lost byte.
#include <cstddef>
#include <cstdint>
#include <span>

namespace mote::split::slip {

inline constexpr std::uint8_t end = 0xC0, esc = 0xDB, esc_end = 0xDC, esc_esc = 0xDD;

// Calls put(byte) for the encoded packet; returns the bytes produced.
template <class Put>
constexpr std::size_t encode(std::span<const std::uint8_t> packet, Put&& put) {
    std::size_t n = 2;
    put(end);
    for (const std::uint8_t b : packet) {
        if (b == end || b == esc) {
            put(esc);
            put(b == end ? esc_end : esc_esc);
            n += 2;
        } else {
            put(b);
            ++n;
        }
    }
    put(end);
    return n;
}

enum class Status : std::uint8_t { more = 0, packet, overflow, bad_escape };

template <std::size_t MaxPacket>
class Decoder {
public:
    // Feeds one byte. `packet`: packet() holds a complete, non-empty packet (until the next feed).
    constexpr Status feed(std::uint8_t b) {
        if (done_) {
            n_ = 0;
            done_ = false;
        }
        if (b == end) {
            const bool bad = discard_;
            discard_ = escaped_ = false;
            if (bad || n_ == 0) {
                n_ = 0;
                return Status::more;
            }
            done_ = true;
            return Status::packet;
        }
        if (discard_) return Status::more;
        if (escaped_) {
            escaped_ = false;
            if (b != esc_end && b != esc_esc) return fail(Status::bad_escape);
            b = b == esc_end ? end : esc;
        } else if (b == esc) {
            escaped_ = true;
            return Status::more;
        }
        if (n_ == MaxPacket) return fail(Status::overflow);
        buf_[n_++] = b;
        return Status::more;
    }
    constexpr std::span<const std::uint8_t> packet() const {
        return done_ ? std::span<const std::uint8_t>(buf_, n_) : std::span<const std::uint8_t>{};
    }

private:
    constexpr Status fail(Status s) {
        discard_ = true;
        n_ = 0;
        return s;
    }
    std::uint8_t buf_[MaxPacket]{};
    std::size_t n_ = 0;
    bool escaped_ = false, discard_ = false, done_ = false;
};

}  // namespace mote::split::slip
