// CRC-32C, payload encodings, tensor frames and result frames: round trips, every single-byte
// corruption and every truncation rejected, and a failed decode never touches the output.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "mote/split/crc32c.hpp"
#include "mote/split/encoding.hpp"
#include "mote/split/frame.hpp"
#include "mote/split/result.hpp"
#include "prng.hpp"

using namespace mote::split;
using split_test::Rng;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A ReLU-like tensor: a fraction `density` of the bytes differ from `fill`.
Bytes sparse(Rng& rng, std::size_t n, double density, std::uint8_t fill) {
    Bytes v(n, fill);
    for (auto& b : v)
        if (rng.chance(density)) {
            do b = rng.byte();
            while (b == fill);
        }
    return v;
}

FrameHeader int8_header(std::uint16_t h, std::uint16_t w, std::uint16_t c) {
    FrameHeader hd;
    hd.kind = Kind::tensor;
    hd.model_id = 0x1234'ABCDu;
    hd.epoch = 0x0102'0304u;
    hd.sequence = 77;
    hd.cut = 1;
    hd.dtype = DType::int8;
    hd.h = h;
    hd.w = w;
    hd.c = c;
    hd.scale_bits = std::bit_cast<std::uint32_t>(0.0235f);
    hd.zero_point = -128;
    return hd;
}

Expect expect_model(std::uint32_t id) {
    Expect e;
    e.model_id = id;
    return e;
}
Expect expect_cut(std::uint8_t cut) {
    Expect e;
    e.cut = cut;
    return e;
}
Expect expect_kind(Kind k) {
    Expect e;
    e.kind = k;
    return e;
}
Expect expect_all(std::uint32_t id, std::uint8_t cut, Kind k) {
    Expect e = expect_model(id);
    e.cut = cut;
    e.kind = k;
    return e;
}

constexpr Encoding all_encodings[] = {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap};

}  // namespace

TEST_CASE("crc32c: standard check value, incremental equals one-shot") {
    const std::array<std::uint8_t, 9> check{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    REQUIRE(crc32c(check) == 0xE306'9283u);
    REQUIRE(crc32c(std::span<const std::uint8_t>{}) == 0u);
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, 32 bytes of 0xFF
    REQUIRE(crc32c(Bytes(32, 0x00)) == 0x8A91'36AAu);
    REQUIRE(crc32c(Bytes(32, 0xFF)) == 0x62A8'AB43u);
    Rng rng{1};
    Bytes data(1000);
    for (auto& b : data) b = rng.byte();
    for (std::size_t cut : {0u, 1u, 499u, 1000u}) {
        auto s = crc32c_update(crc32c_init(), std::span(data).first(cut));
        s = crc32c_update(s, std::span(data).subspan(cut));
        REQUIRE(crc32c_final(s) == crc32c(data));
    }
}

TEST_CASE("encodings: round trip at every density, size and fill byte") {
    Rng rng{42};
    for (std::size_t n : {0u, 1u, 2u, 7u, 8u, 9u, 127u, 128u, 129u, 300u, 8000u}) {
        for (double density : {0.0, 0.01, 0.1, 0.5, 0.9, 1.0}) {
            for (std::uint8_t fill : {std::uint8_t{0x80}, std::uint8_t{0x00}, std::uint8_t{0xC0}}) {
                const Bytes in = sparse(rng, n, density, fill);
                for (const Encoding e : all_encodings) {
                    Bytes enc(encoded_size(e, in, fill) + 1, 0xEE);
                    const std::size_t m = encode_payload(e, in, fill, enc);
                    REQUIRE(m == encoded_size(e, in, fill));
                    enc.resize(m);
                    REQUIRE(decode_payload(e, enc, fill, n, nullptr));
                    Bytes out(n, 0x5A);
                    REQUIRE(decode_payload(e, enc, fill, n, out.data()));
                    REQUIRE(out == in);
                    // wrong expected sizes fail (a bitmap's size is only known to a multiple
                    // of 8 from its own bytes: the frame's shape fixes it)
                    if (e != Encoding::fill_bitmap || (n + 1) % 8 == 1)
                        REQUIRE_FALSE(decode_payload(e, enc, fill, n + 1, nullptr));
                    if (n > 0 && (e != Encoding::fill_bitmap || n % 8 == 1))
                        REQUIRE_FALSE(decode_payload(e, enc, fill, n - 1, nullptr));
                    // every truncation fails
                    for (std::size_t t = 0; t < m; ++t)
                        REQUIRE_FALSE(decode_payload(e, std::span(enc).first(t), fill, n, nullptr));
                }
                const Encoding best = smallest_encoding(in, fill);
                for (const Encoding e : all_encodings)
                    REQUIRE(encoded_size(best, in, fill) <= encoded_size(e, in, fill));
            }
        }
    }
}

TEST_CASE("encodings: all-fill tensors shrink, sparse ones choose a fill coding") {
    const Bytes zeros(8000, 0x80);
    REQUIRE(encoded_size(Encoding::fill_rle, zeros, 0x80) == 63);   // ceil(8000/128)
    REQUIRE(encoded_size(Encoding::fill_bitmap, zeros, 0x80) == 1000);
    REQUIRE(smallest_encoding(zeros, 0x80) == Encoding::fill_rle);
    Rng rng{3};
    const Bytes dense = sparse(rng, 4000, 1.0, 0x80);
    REQUIRE(smallest_encoding(dense, 0x80) == Encoding::raw);
    REQUIRE(encode_payload(Encoding::fill_rle, dense, 0x80, std::span<std::uint8_t>{}) == 0);
}

TEST_CASE("encodings: malformed streams are rejected") {
    const std::uint8_t fill = 0x80;
    // rle: literal running past the end; run past the expected size
    REQUIRE_FALSE(decode_payload(Encoding::fill_rle, Bytes{0x03, 1, 2}, fill, 4, nullptr));
    REQUIRE_FALSE(decode_payload(Encoding::fill_rle, Bytes{0xFF}, fill, 127, nullptr));
    REQUIRE(decode_payload(Encoding::fill_rle, Bytes{0xFF}, fill, 128, nullptr));
    // bitmap: stray bit beyond n, value under a set bit equal to the fill, wrong value count
    REQUIRE_FALSE(decode_payload(Encoding::fill_bitmap, Bytes{0x08, 1}, fill, 3, nullptr));
    REQUIRE_FALSE(decode_payload(Encoding::fill_bitmap, Bytes{0x01, 0x80}, fill, 3, nullptr));
    REQUIRE_FALSE(decode_payload(Encoding::fill_bitmap, Bytes{0x01}, fill, 3, nullptr));
    REQUIRE_FALSE(decode_payload(Encoding::fill_bitmap, Bytes{0x01, 5, 6}, fill, 3, nullptr));
    REQUIRE(decode_payload(Encoding::fill_bitmap, Bytes{0x01, 5}, fill, 3, nullptr));
    REQUIRE_FALSE(decode_payload(static_cast<Encoding>(3), Bytes{1}, fill, 1, nullptr));
}

TEST_CASE("frame: round trip for every encoding, int8 and float32, kinds") {
    Rng rng{7};
    for (const Encoding e : all_encodings) {
        FrameHeader hd = int8_header(25, 5, 64);
        const Bytes t = sparse(rng, hd.tensor_bytes(), 0.3, 0x80);
        Bytes buf(t.size() + frame_overhead + 64);
        const auto r = encode_frame(hd, t, buf, {e});
        REQUIRE(r.error == FrameError::ok);
        REQUIRE(r.encoding == e);
        REQUIRE(r.bytes == frame_overhead + encoded_size(e, t, 0x80));
        Bytes out(t.size());
        const auto d = decode_frame(std::span(buf).first(r.bytes), out,
                                    expect_all(hd.model_id, hd.cut, Kind::tensor));
        REQUIRE(d.error == FrameError::ok);
        REQUIRE(d.tensor_bytes == t.size());
        REQUIRE(out == t);
        REQUIRE(d.header.encoding == e);
        REQUIRE(d.header.sequence == 77);
        REQUIRE(d.header.epoch == 0x0102'0304u);
        REQUIRE_FALSE(d.header.sealed);
        REQUIRE(d.header.scale_bits == hd.scale_bits);
        REQUIRE(d.header.zero_point == -128);
        REQUIRE(d.header.h == 25);
        REQUIRE(d.header.w == 5);
        REQUIRE(d.header.c == 64);
    }
    // float32 result tensor: fill byte 0
    FrameHeader f;
    f.kind = Kind::result;
    f.dtype = DType::float32;
    f.h = 1;
    f.w = 1;
    f.c = 10;
    std::array<float, 10> values{0, 0, 0.5f, 0, 0, 0, -1.25f, 0, 0, 0};
    Bytes t(40);
    for (std::size_t i = 0; i < 10; ++i) {
        const auto u = std::bit_cast<std::uint32_t>(values[i]);
        for (int k = 0; k < 4; ++k) t[4 * i + k] = static_cast<std::uint8_t>(u >> (8 * k));
    }
    Bytes buf(200);
    const auto r = encode_frame(f, t, buf);
    REQUIRE(r.error == FrameError::ok);
    REQUIRE(r.encoding != Encoding::raw);
    Bytes out(40);
    REQUIRE(decode_frame(std::span(buf).first(r.bytes), out).error == FrameError::ok);
    REQUIRE(out == t);
}

TEST_CASE("frame: encoder rejects bad headers and small buffers") {
    FrameHeader hd = int8_header(2, 2, 2);
    const Bytes t(8, 0x80);
    Bytes buf(100);
    REQUIRE(encode_frame(hd, Bytes(7), buf).error == FrameError::payload_size_mismatch);
    REQUIRE(encode_frame(hd, t, std::span(buf).first(10)).error == FrameError::buffer_too_small);
    auto bad = hd;
    bad.h = 0;
    REQUIRE(encode_frame(bad, Bytes{}, buf).error == FrameError::bad_shape);
    bad = hd;
    bad.scale_bits = std::bit_cast<std::uint32_t>(-1.0f);
    REQUIRE(encode_frame(bad, t, buf).error == FrameError::bad_quant);
    bad.scale_bits = 0x7F80'0000u;   // +inf
    REQUIRE(encode_frame(bad, t, buf).error == FrameError::bad_quant);
    bad = hd;
    bad.dtype = DType::float32;   // float32 needs scale 0, zero point 0
    REQUIRE(encode_frame(bad, Bytes(32), buf).error == FrameError::bad_quant);
    bad = hd;
    bad.kind = static_cast<Kind>(9);
    REQUIRE(encode_frame(bad, t, buf).error == FrameError::bad_kind);
}

TEST_CASE("frame: every single-byte corruption and every truncation is rejected, output untouched") {
    Rng rng{11};
    for (const Encoding e : all_encodings) {
        FrameHeader hd = int8_header(3, 4, 5);
        const Bytes t = sparse(rng, hd.tensor_bytes(), 0.4, 0x80);
        Bytes buf(200);
        const auto r = encode_frame(hd, t, buf, {e});
        REQUIRE(r.error == FrameError::ok);
        const Bytes good(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r.bytes));
        Bytes out(t.size(), 0x5A);
        const Bytes untouched = out;
        std::size_t rejected = 0;
        for (std::size_t i = 0; i < good.size(); ++i) {
            for (int x = 1; x < 256; ++x) {
                Bytes bad = good;
                bad[i] = static_cast<std::uint8_t>(bad[i] ^ x);
                const auto d = decode_frame(bad, out);
                REQUIRE(d.error != FrameError::ok);
                REQUIRE(d.tensor_bytes == 0);
                ++rejected;
            }
        }
        REQUIRE(out == untouched);
        for (std::size_t n = 0; n < good.size(); ++n)
            REQUIRE(decode_frame(std::span(good).first(n), out).error != FrameError::ok);
        Bytes longer = good;
        longer.push_back(0);
        REQUIRE(decode_frame(longer, out).error == FrameError::bad_length);
        REQUIRE(out == untouched);
        REQUIRE(rejected == good.size() * 255);
        // and the good one still decodes
        REQUIRE(decode_frame(good, out).error == FrameError::ok);
        REQUIRE(out == t);
    }
}

TEST_CASE("frame: expectations, output size, and field checks behind a valid CRC") {
    FrameHeader hd = int8_header(2, 3, 4);
    Rng rng{5};
    const Bytes t = sparse(rng, 24, 0.5, 0x80);
    Bytes buf(100);
    const auto r = encode_frame(hd, t, buf);
    const auto frame = std::span(buf).first(r.bytes);
    Bytes out(24, 0x11);
    REQUIRE(decode_frame(frame, out, expect_model(0xDEAD'BEEFu)).error == FrameError::wrong_model);
    REQUIRE(decode_frame(frame, out, expect_cut(2)).error == FrameError::wrong_cut);
    REQUIRE(decode_frame(frame, out, expect_kind(Kind::result)).error == FrameError::wrong_kind);
    Bytes small(23, 0x11);
    REQUIRE(decode_frame(frame, small, {}).error == FrameError::output_too_small);
    REQUIRE(small == Bytes(23, 0x11));
    REQUIRE(out == Bytes(24, 0x11));
    // validate only
    const auto v = decode_frame(frame, std::span<std::uint8_t>{});
    REQUIRE(v.error == FrameError::ok);
    REQUIRE(v.tensor_bytes == 0);

    // A field changed and the CRC recomputed: the field checks themselves must catch it.
    const auto patched = [&](std::size_t at, std::uint8_t value) {
        Bytes b(frame.begin(), frame.end());
        b[at] = value;
        le::put32(b.data() + b.size() - 4, crc32c(std::span(b).first(b.size() - 4)));
        return decode_frame(b, out).error;
    };
    REQUIRE(patched(0, 0x00) == FrameError::bad_magic);
    REQUIRE(patched(2, 1) == FrameError::bad_version);   // version 1 (no epoch) is not read
    REQUIRE(patched(2, 3) == FrameError::bad_version);
    REQUIRE(patched(3, 3) == FrameError::bad_kind);
    REQUIRE(patched(11, 7) == FrameError::bad_dtype);
    REQUIRE(patched(11, 2) == FrameError::bad_quant);   // float32 with an int8 scale
    REQUIRE(patched(12, 0) == FrameError::bad_shape);
    REQUIRE(patched(12, 3) == FrameError::bad_payload);  // shape product no longer matches
    REQUIRE(patched(21, 0xFF) == FrameError::bad_quant);  // negative scale
    REQUIRE(patched(23, 9) == FrameError::bad_encoding);
    // the sealed bit: the length no longer matches (a sealed frame has a tag) ...
    REQUIRE(patched(3, 0x81) == FrameError::bad_length);
    REQUIRE(out == Bytes(24, 0x11));
    // huge shape with a tiny payload
    {
        Bytes b(frame.begin(), frame.end());
        le::put16(b.data() + 12, 0xFFFF);
        le::put16(b.data() + 14, 0xFFFF);
        le::put16(b.data() + 16, 0xFFFF);
        le::put32(b.data() + b.size() - 4, crc32c(std::span(b).first(b.size() - 4)));
        REQUIRE(decode_frame(b, out).error == FrameError::bad_payload);
    }
    // ... and with room for a tag, decode_frame refuses it (sealed.hpp opens it)
    {
        Bytes b(frame.begin(), frame.end());
        b[3] = 0x81;
        b.insert(b.end() - 4, frame_tag_bytes, 0);
        le::put32(b.data() + b.size() - 4, crc32c(std::span(b).first(b.size() - 4)));
        REQUIRE(decode_frame(b, out).error == FrameError::sealed);
        REQUIRE(out == Bytes(24, 0x11));
    }
}

TEST_CASE("result frames: top-k, round trip, corruption") {
    const std::array<std::int8_t, 12> scores{-128, -100, 90, -128, 127, 3, 90, -5, 0, 1, 2, -128};
    std::array<TopEntry, 5> top{};
    REQUIRE(top_k(scores, 5, top) == 5);
    REQUIRE(top[0] == TopEntry{4, 127});
    REQUIRE(top[1] == TopEntry{2, 90});   // tie: lower class first
    REQUIRE(top[2] == TopEntry{6, 90});
    REQUIRE(top[3] == TopEntry{5, 3});
    REQUIRE(top[4] == TopEntry{10, 2});
    std::array<TopEntry, 1> one{};
    REQUIRE(top_k(scores, 3, one) == 1);

    ResultFrame r;
    r.model_id = 0xCAFE'F00Du;
    r.sequence = 513;
    r.k = 5;
    for (std::size_t i = 0; i < 5; ++i) r.top[i] = top[i];
    std::array<std::uint8_t, 64> buf{};
    const std::size_t n = encode_result(r, buf);
    REQUIRE(n == 22);
    REQUIRE(result_frame_bytes(1) == 14);
    ResultFrame back;
    REQUIRE(decode_result(std::span(buf).first(n), back, 0xCAFE'F00Du) == ResultError::ok);
    REQUIRE(back.sequence == 513);
    REQUIRE(back.k == 5);
    for (std::size_t i = 0; i < 5; ++i) REQUIRE(back.top[i] == top[i]);
    REQUIRE(decode_result(std::span(buf).first(n), back, 1u) == ResultError::wrong_model);
    for (std::size_t i = 0; i < n; ++i)
        for (int x = 1; x < 256; ++x) {
            auto bad = buf;
            bad[i] = static_cast<std::uint8_t>(bad[i] ^ x);
            ResultFrame untouched;
            untouched.sequence = 9;
            REQUIRE(decode_result(std::span(bad).first(n), untouched) != ResultError::ok);
            REQUIRE(untouched.sequence == 9);
        }
    for (std::size_t t = 0; t < n; ++t)
        REQUIRE(decode_result(std::span(buf).first(t), back) != ResultError::ok);
    r.k = 0;
    REQUIRE(encode_result(r, buf) == 0);
}
