// mote-serve's AEAD (PSA Crypto from Mbed TLS) under mote/split/sealed.hpp and control.hpp: the
// RFC 8439 ChaCha20-Poly1305 test vector, sealed frames and control messages through the real
// AEAD for both algorithms, forgeries and wrong keys refused.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mote/split/control.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/sealed.hpp"
#include "psa_aead.hpp"

using namespace mote::split;
using mote_serve::AeadAlgorithm;
using mote_serve::PsaAead;
using Bytes = std::vector<std::uint8_t>;

namespace {
Bytes hex(const std::string& s) {
    Bytes b;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) b.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return b;
}
Bytes key_of(std::size_t n, std::uint8_t first) {
    Bytes k(n);
    for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(first + i);
    return k;
}
}  // namespace

TEST_CASE("psa aead: RFC 8439 section 2.8.2 test vector") {
    PsaAead aead{AeadAlgorithm::chacha20_poly1305, key_of(32, 0x80)};
    REQUIRE(aead.ok());
    const std::string text =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    Bytes data(text.begin(), text.end());
    Nonce nonce{};
    const Bytes n = hex("070000004041424344454647");
    std::memcpy(nonce.data(), n.data(), 12);
    const Bytes ad = hex("50515253c0c1c2c3c4c5c6c7");
    std::uint8_t tag[16];
    REQUIRE(aead.seal(nonce, ad, data, tag));
    REQUIRE(Bytes(data.begin(), data.begin() + 16) == hex("d31a8d34648e60db7b86afbc53ef7ec2"));
    REQUIRE(Bytes(tag, tag + 16) == hex("1ae10b594f09e26a7e902ecbd0600691"));
    REQUIRE(aead.open(nonce, ad, data, tag));
    REQUIRE(std::string(data.begin(), data.end()) == text);
    tag[0] ^= 1;
    const Bytes before = data;
    REQUIRE_FALSE(aead.open(nonce, ad, data, tag));
    REQUIRE(data == before);
    REQUIRE_FALSE(PsaAead(AeadAlgorithm::chacha20_poly1305, key_of(16, 0)).ok());
}

TEST_CASE("psa aead: sealed frames and control messages, both algorithms") {
    for (const AeadAlgorithm alg : {AeadAlgorithm::chacha20_poly1305, AeadAlgorithm::aes128_ccm}) {
        PsaAead device_side{alg, key_of(mote_serve::aead_key_bytes(alg), 1)};
        PsaAead server_side{alg, key_of(mote_serve::aead_key_bytes(alg), 1)};
        PsaAead other{alg, key_of(mote_serve::aead_key_bytes(alg), 2)};
        REQUIRE(device_side.ok());
        FrameHeader h;
        h.model_id = 0x1234'5678u;
        h.epoch = 3;
        h.sequence = 9;
        h.cut = 1;
        h.h = 5;
        h.w = 5;
        h.c = 8;
        h.scale_bits = std::bit_cast<std::uint32_t>(0.5f);
        h.zero_point = -128;
        Bytes t(200, 0x80);
        for (std::size_t i = 0; i < t.size(); i += 3) t[i] = static_cast<std::uint8_t>(i);
        Bytes buf(400);
        const auto r = encode_frame(h, t, buf);
        const auto s = seal_frame(buf, r.bytes, 77, device_side);
        REQUIRE(s.error == FrameError::ok);
        buf.resize(s.bytes);
        const Bytes good = buf;
        REQUIRE(open_frame(buf, 77, other).error == FrameError::forged);
        REQUIRE(open_frame(buf, 78, server_side).error == FrameError::forged);
        buf[40] ^= 4;
        le::put32(buf.data() + buf.size() - 4, crc32c(std::span(buf).first(buf.size() - 4)));
        REQUIRE(open_frame(buf, 77, server_side).error == FrameError::forged);
        buf = good;
        buf[9] ^= 1;   // the sequence: associated data
        le::put32(buf.data() + buf.size() - 4, crc32c(std::span(buf).first(buf.size() - 4)));
        REQUIRE(open_frame(buf, 77, server_side).error == FrameError::forged);
        buf = good;
        const auto o = open_frame(buf, 77, server_side);
        REQUIRE(o.error == FrameError::ok);
        Bytes out(t.size());
        REQUIRE(decode_frame(std::span(buf).first(o.bytes), out).error == FrameError::ok);
        REQUIRE(out == t);

        ControlMessage m;
        m.type = Control::nack;
        m.epoch = 3;
        m.sequence = 9;
        m.message = 2;
        m.n = 3;
        m.indices[0] = 1;
        m.indices[1] = 4;
        m.indices[2] = 5;
        Bytes c(max_control_bytes);
        c.resize(seal_control(m, 77, server_side, c));
        REQUIRE(c.size() == 9 + 3 + 16);
        ControlMessage got;
        REQUIRE(open_control(c, 77, device_side, got) == ControlError::ok);
        REQUIRE(got.n == 3);
        REQUIRE(got.indices[2] == 5);
        REQUIRE(open_control(c, 77, other, got) == ControlError::forged);
        c[7] ^= 1;   // another message number: another nonce
        REQUIRE(open_control(c, 77, device_side, got) == ControlError::forged);
    }
}
