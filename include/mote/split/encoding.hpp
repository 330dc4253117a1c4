#pragma once
// Lossless payload encodings for cut tensors. A ReLU output is mostly its zero point (the
// "fill" byte: the int8 zero point, 0 for float32 bytes), so both codings spend little on it.
//
//   raw          the tensor bytes as they are.
//   fill_rle     tokens; control byte c < 0x80: c+1 literal bytes follow; c >= 0x80: a run of
//                c-0x7F fill bytes (1..128). Decoders accept any well-formed token stream.
//   fill_bitmap  ceil(n/8) bitmap bytes (bit i%8 of byte i/8, LSB first, is 1 when byte i is not
//                the fill byte; unused bits of the last byte are 0), then the non-fill bytes in
//                order. Its size follows from n and the bitmap alone.
//
// Encoders write only into the caller's buffer; decoders bounds-check every read and write, and
// with out == nullptr only validate (a dry run that counts). Nothing here allocates or throws.
#include <cstddef>
#include <cstdint>
#include <span>

namespace mote::split {

enum class Encoding : std::uint8_t { raw = 0, fill_rle = 1, fill_bitmap = 2 };
inline constexpr std::size_t encoding_count = 3;

constexpr bool is_valid_encoding(std::uint8_t e) { return e < encoding_count; }

constexpr const char* encoding_name(Encoding e) {
    switch (e) {
        case Encoding::raw: return "raw";
        case Encoding::fill_rle: return "fill_rle";
        case Encoding::fill_bitmap: return "fill_bitmap";
    }
    return "?";
}

namespace detail {

// One pass of the RLE encoder; writes when out != nullptr (capacity already checked).
constexpr std::size_t rle_pass(std::span<const std::uint8_t> in, std::uint8_t fill,
                               std::uint8_t* out) {
    std::size_t n = 0;   // bytes produced
    std::size_t i = 0;
    const std::size_t size = in.size();
    while (i < size) {
        std::size_t run = 0;
        while (i + run < size && in[i + run] == fill && run < 128) ++run;
        if (run > 0) {
            if (out) out[n] = static_cast<std::uint8_t>(0x7F + run);
            ++n;
            i += run;
            continue;
        }
        // Literal block: stop before a run of two or more fill bytes (one fill byte costs the
        // same inside a literal as a token would, and keeps the literal open).
        std::size_t len = 0;
        while (i + len < size && len < 128) {
            if (in[i + len] == fill && (i + len + 1 >= size || in[i + len + 1] == fill)) break;
            ++len;
        }
        if (out) {
            out[n] = static_cast<std::uint8_t>(len - 1);
            for (std::size_t k = 0; k < len; ++k) out[n + 1 + k] = in[i + k];
        }
        n += 1 + len;
        i += len;
    }
    return n;
}

}  // namespace detail

// Bytes `e` would produce for `in` (no output written).
constexpr std::size_t encoded_size(Encoding e, std::span<const std::uint8_t> in, std::uint8_t fill) {
    switch (e) {
        case Encoding::raw: return in.size();
        case Encoding::fill_rle: return detail::rle_pass(in, fill, nullptr);
        case Encoding::fill_bitmap: {
            std::size_t nonfill = 0;
            for (const std::uint8_t b : in) nonfill += b != fill;
            return (in.size() + 7) / 8 + nonfill;
        }
    }
    return static_cast<std::size_t>(-1);
}

// The smallest encoding of `in` (ties: raw, then fill_rle, then fill_bitmap).
constexpr Encoding smallest_encoding(std::span<const std::uint8_t> in, std::uint8_t fill) {
    Encoding best = Encoding::raw;
    std::size_t best_size = in.size();
    for (const Encoding e : {Encoding::fill_rle, Encoding::fill_bitmap}) {
        const std::size_t s = encoded_size(e, in, fill);
        if (s < best_size) {
            best = e;
            best_size = s;
        }
    }
    return best;
}

// Encodes into `out`; returns the bytes written, or 0 when `out` is too small (nothing is
// written then) or `e` is unknown. (An empty input encodes to 0 bytes in every encoding.)
constexpr std::size_t encode_payload(Encoding e, std::span<const std::uint8_t> in, std::uint8_t fill,
                                     std::span<std::uint8_t> out) {
    const std::size_t need = encoded_size(e, in, fill);
    if (need > out.size()) return 0;
    switch (e) {
        case Encoding::raw:
            for (std::size_t i = 0; i < in.size(); ++i) out[i] = in[i];
            return need;
        case Encoding::fill_rle: return detail::rle_pass(in, fill, out.data());
        case Encoding::fill_bitmap: {
            const std::size_t map = (in.size() + 7) / 8;
            for (std::size_t i = 0; i < map; ++i) out[i] = 0;
            std::size_t n = map;
            for (std::size_t i = 0; i < in.size(); ++i) {
                if (in[i] != fill) {
                    out[i / 8] = static_cast<std::uint8_t>(out[i / 8] | (1u << (i % 8)));
                    out[n++] = in[i];
                }
            }
            return n;
        }
    }
    return 0;
}

// Decodes `in` into exactly `expected` bytes. Returns false (having written nothing when
// out == nullptr, possibly a prefix otherwise — callers that must not expose partial output do
// a dry run first, as decode_frame does) when the stream is malformed, would produce more or
// fewer than `expected` bytes, or has bytes left over.
constexpr bool decode_payload(Encoding e, std::span<const std::uint8_t> in, std::uint8_t fill,
                              std::size_t expected, std::uint8_t* out) {
    switch (e) {
        case Encoding::raw:
            if (in.size() != expected) return false;
            if (out)
                for (std::size_t i = 0; i < expected; ++i) out[i] = in[i];
            return true;
        case Encoding::fill_rle: {
            std::size_t i = 0, n = 0;
            while (i < in.size()) {
                const std::uint8_t c = in[i++];
                if (c < 0x80) {
                    const std::size_t len = std::size_t{c} + 1;
                    if (len > in.size() - i || len > expected - n) return false;
                    if (out)
                        for (std::size_t k = 0; k < len; ++k) out[n + k] = in[i + k];
                    i += len;
                    n += len;
                } else {
                    const std::size_t len = std::size_t{c} - 0x7F;
                    if (len > expected - n) return false;
                    if (out)
                        for (std::size_t k = 0; k < len; ++k) out[n + k] = fill;
                    n += len;
                }
            }
            return n == expected;
        }
        case Encoding::fill_bitmap: {
            const std::size_t map = expected / 8 + (expected % 8 != 0);
            if (in.size() < map) return false;
            std::size_t nonfill = 0;
            for (std::size_t i = 0; i < map; ++i) {
                std::uint8_t b = in[i];
                if (i + 1 == map && expected % 8 != 0 && (b >> (expected % 8)) != 0) return false;
                for (; b != 0; b = static_cast<std::uint8_t>(b & (b - 1))) ++nonfill;
            }
            if (in.size() - map != nonfill) return false;
            std::size_t v = map;
            for (std::size_t i = 0; i < expected; ++i) {
                const bool set = (in[i / 8] >> (i % 8)) & 1u;
                // A value stored under a set bit must not be the fill byte: one encoding, one
                // meaning (and no silent acceptance of a bitmap that disagrees with its data).
                if (set && in[v] == fill) return false;
                if (out) out[i] = set ? in[v] : fill;
                v += set;
            }
            return true;
        }
    }
    return false;
}

}  // namespace mote::split
