// Sealed frames (sealed.hpp) through a stand-in AEAD (toy_aead.hpp; mote-serve's PSA Crypto AEAD
// is tested in tests/cloud): round trips, every change to a sealed frame (header, ciphertext,
// tag; CRC recomputed so that only the tag can tell) is refused and leaves the buffer as it was,
// expectations are judged only for authentic frames, and the replay window.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <vector>

#include "mote/split/frame.hpp"
#include "mote/split/sealed.hpp"
#include "prng.hpp"
#include "toy_aead.hpp"

using namespace mote::split;
using split_test::Rng;
using split_test::ToyAead;

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::uint32_t device = 0x0000'BEEFu;

FrameHeader header() {
    FrameHeader h;
    h.model_id = 0x5151'0001u;
    h.epoch = 12;
    h.sequence = 345;
    h.cut = 1;
    h.h = 4;
    h.w = 5;
    h.c = 6;
    h.scale_bits = std::bit_cast<std::uint32_t>(0.125f);
    h.zero_point = -128;
    return h;
}

Bytes tensor(Rng& rng, std::size_t n) {
    Bytes t(n, 0x80);
    for (auto& b : t)
        if (rng.chance(0.4)) b = rng.byte();
    return t;
}

// A sealed frame of `t` (a buffer with room to spare).
Bytes sealed(const FrameHeader& h, const Bytes& t, ToyAead& aead, Encoding e = Encoding::fill_bitmap) {
    Bytes buf(t.size() + frame_overhead + frame_tag_bytes + 8);
    const auto r = encode_frame(h, t, buf, {e});
    REQUIRE(r.error == FrameError::ok);
    const auto s = seal_frame(buf, r.bytes, device, aead);
    REQUIRE(s.error == FrameError::ok);
    REQUIRE(s.bytes == r.bytes + frame_tag_bytes);
    buf.resize(s.bytes);
    return buf;
}

void recrc(Bytes& b) { le::put32(b.data() + b.size() - 4, crc32c(std::span(b).first(b.size() - 4))); }

}  // namespace

TEST_CASE("sealed: nonce layout") {
    const Nonce n = make_nonce(0x0403'0201u, 0x0807'0605u, 0x0A09, Direction::downlink, 7);
    REQUIRE(n == Nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'D', 7});
    REQUIRE(make_nonce(1, 2, 3, Direction::uplink) != make_nonce(1, 2, 3, Direction::downlink));
}

TEST_CASE("sealed: round trip in every encoding; the payload is encrypted, the header is not") {
    Rng rng{1};
    ToyAead aead;
    for (const Encoding e : {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap}) {
        const FrameHeader h = header();
        const Bytes t = tensor(rng, h.tensor_bytes());
        Bytes plain(t.size() + frame_overhead);
        plain.resize(encode_frame(h, t, plain, {e}).bytes);
        Bytes s = sealed(h, t, aead, e);
        REQUIRE(s[3] == (0x80 | 1));
        REQUIRE(Bytes(s.begin() + 4, s.begin() + 32) == Bytes(plain.begin() + 4, plain.begin() + 32));
        REQUIRE(Bytes(s.begin() + 32, s.end() - 20) != Bytes(plain.begin() + 32, plain.end() - 4));
        Bytes out(t.size());
        REQUIRE(decode_frame(s, out).error == FrameError::sealed);
        const OpenResult o = open_frame(s, device, aead);
        REQUIRE(o.error == FrameError::ok);
        REQUIRE(o.bytes == plain.size());
        REQUIRE(Bytes(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(o.bytes)) == plain);
        REQUIRE(o.header.epoch == 12);
        REQUIRE(o.header.sequence == 345);
        REQUIRE_FALSE(o.header.sealed);
        REQUIRE(decode_frame(std::span(s).first(o.bytes), out).error == FrameError::ok);
        REQUIRE(out == t);
    }
}

TEST_CASE("sealed: every single-byte change is refused and the buffer is left as it was") {
    Rng rng{2};
    ToyAead aead;
    const FrameHeader h = header();
    const Bytes good = sealed(h, tensor(rng, h.tensor_bytes()), aead);
    std::size_t forged = 0;
    for (std::size_t i = 0; i + 4 < good.size(); ++i) {
        for (const int x : {0x01, 0x80, 0xFF}) {
            Bytes bad = good;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ x);
            recrc(bad);   // only the tag (or a field check) can tell
            const Bytes before = bad;
            const OpenResult o = open_frame(bad, device, aead);
            REQUIRE(o.error != FrameError::ok);
            REQUIRE(bad == before);
            forged += o.error == FrameError::forged;
        }
    }
    // everything past the header, and every header byte whose change is still a valid header,
    // fails the tag
    REQUIRE(forged > (good.size() - 36) * 3);
    // another device's key / id, a plain frame, a damaged CRC, a truncation
    Bytes copy = good;
    REQUIRE(open_frame(copy, device + 1, aead).error == FrameError::forged);
    ToyAead other{0x1234u};
    REQUIRE(open_frame(copy, device, other).error == FrameError::forged);
    REQUIRE(copy == good);
    Bytes plain(200);
    plain.resize(encode_frame(h, tensor(rng, h.tensor_bytes()), plain).bytes);
    REQUIRE(open_frame(plain, device, aead).error == FrameError::not_sealed);
    copy.back() ^= 1;
    REQUIRE(open_frame(copy, device, aead).error == FrameError::bad_crc);
    for (std::size_t n = 0; n < good.size(); n += 5) {
        Bytes t(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        REQUIRE(open_frame(t, device, aead).error != FrameError::ok);
    }
}

TEST_CASE("sealed: expectations are judged after authentication; sealing checks its input") {
    Rng rng{3};
    ToyAead aead;
    const FrameHeader h = header();
    const Bytes t = tensor(rng, h.tensor_bytes());
    Expect e;
    e.model_id = h.model_id + 1;
    Bytes s = sealed(h, t, aead);
    REQUIRE(open_frame(s, device, aead, e).error == FrameError::wrong_model);
    s = sealed(h, t, aead);
    e = {};
    e.cut = 2;
    REQUIRE(open_frame(s, device, aead, e).error == FrameError::wrong_cut);
    // a forged frame with the wrong model is forged, not wrong_model
    s = sealed(h, t, aead);
    s[40] ^= 1;
    recrc(s);
    e = {};
    e.model_id = h.model_id + 1;
    REQUIRE(open_frame(s, device, aead, e).error == FrameError::forged);

    // seal_frame: a sealed or damaged frame is not sealed again; room for the tag is needed
    Bytes buf(t.size() + 100);
    const auto r = encode_frame(h, t, buf, {Encoding::raw});
    REQUIRE(seal_frame(std::span(buf).first(r.bytes + 15), r.bytes, device, aead).error ==
            FrameError::buffer_too_small);
    REQUIRE(seal_frame(buf, r.bytes, device, aead).error == FrameError::ok);
    REQUIRE(seal_frame(buf, r.bytes + frame_tag_bytes, device, aead).error == FrameError::sealed);
    REQUIRE(seal_frame(buf, buf.size() + 1, device, aead).error == FrameError::truncated);
    struct Refuses {
        bool seal(const Nonce&, std::span<const std::uint8_t>, std::span<std::uint8_t>, Tag) { return false; }
    } refuses;
    Bytes again(t.size() + 100);
    const auto r2 = encode_frame(h, t, again, {Encoding::raw});
    const Bytes before(again.begin(), again.end());
    REQUIRE(seal_frame(again, r2.bytes, device, refuses).error == FrameError::seal_failed);
    REQUIRE(again == before);
}

TEST_CASE("sealed: replay window over (epoch, sequence)") {
    ReplayWindow<64> w;
    REQUIRE(w.fresh(0, 0));
    REQUIRE(w.accept(5, 10));
    REQUIRE_FALSE(w.accept(5, 10));   // replayed
    REQUIRE(w.accept(5, 9));          // late but new
    REQUIRE(w.accept(5, 100));
    REQUIRE_FALSE(w.fresh(5, 9));
    REQUIRE_FALSE(w.fresh(5, 36));    // 64 behind the newest: too old
    REQUIRE(w.fresh(5, 37));
    REQUIRE(w.accept(6, 0));          // restart: a new epoch, sequence 0 again
    REQUIRE_FALSE(w.fresh(5, 101));   // the old epoch is over
    REQUIRE_FALSE(w.fresh(6, 0));
    REQUIRE(w.accept(6, 1));
    // replayed after any number of newer frames: still refused
    ReplayWindow<64> v;
    REQUIRE(v.accept(1, 0));
    for (std::uint16_t s = 1; s < 5000; ++s) REQUIRE(v.accept(1, s));
    REQUIRE_FALSE(v.fresh(1, 0));
    REQUIRE_FALSE(v.fresh(1, 4999));
    REQUIRE(v.fresh(1, 5000));
    REQUIRE(v.accept(2, 65535));
    REQUIRE(v.accept(3, 0));
    REQUIRE_FALSE(v.fresh(2, 65535));
}
