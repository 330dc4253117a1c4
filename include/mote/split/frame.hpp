#pragma once
// A self-describing frame for a cut tensor (kind tensor) or a model's final output (kind result).
// Fixed little-endian layout (docs/split.md):
//
//   off  size  field
//     0     2  magic 0x6D 0x53 ("mS")
//     2     1  version (2)
//     3     1  kind: 1 tensor, 2 result; bit 7 set: sealed (sealed.hpp)
//     4     4  model id (e.g. the first 8 hex digits of the converted model's sha256)
//     8     2  sequence number
//    10     1  cut index K (units run on the device)
//    11     1  dtype: 1 int8, 2 float32
//    12     2  h
//    14     2  w
//    16     2  c
//    18     4  scale (IEEE-754 float32 bits; 0 for float32 tensors)
//    22     1  zero point (int8; 0 for float32 tensors)
//    23     1  payload encoding (encoding.hpp)
//    24     4  payload length L (encoded bytes)
//    28     4  epoch: the sender's boot/session counter (sequence numbers restart in a new one)
//    32     L  payload
//  32+L     4  CRC-32C of bytes [0, 32+L)
//
// A sealed frame (sealed.hpp) has bit 7 of the kind byte set, its payload encrypted and a 16-byte
// AEAD tag between the payload and the CRC-32C; the 32-byte header is its associated data.
//
// encode_frame writes into a caller buffer; decode_frame validates every field before it writes
// a byte of output, so a frame that fails leaves the caller's buffer untouched.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/encoding.hpp"
#include "mote/split/le.hpp"

namespace mote::split {

inline constexpr std::uint8_t frame_magic0 = 0x6D;
inline constexpr std::uint8_t frame_magic1 = 0x53;
inline constexpr std::uint8_t frame_version = 2;
inline constexpr std::size_t frame_header_bytes = 32;
inline constexpr std::size_t frame_crc_bytes = 4;
inline constexpr std::size_t frame_overhead = frame_header_bytes + frame_crc_bytes;
inline constexpr std::uint8_t frame_sealed_bit = 0x80;   // in the kind byte
inline constexpr std::size_t frame_tag_bytes = 16;       // sealed frames: AEAD tag before the CRC

enum class Kind : std::uint8_t { tensor = 1, result = 2 };
enum class DType : std::uint8_t { int8 = 1, float32 = 2 };

constexpr std::size_t dtype_size(DType d) { return d == DType::float32 ? 4 : 1; }

struct FrameHeader {
    Kind kind = Kind::tensor;
    std::uint32_t model_id = 0;
    std::uint32_t epoch = 0;      // a device raises it at every boot (kept in non-volatile memory)
    std::uint16_t sequence = 0;   // frame number within the epoch
    std::uint8_t cut = 0;
    DType dtype = DType::int8;
    std::uint16_t h = 0, w = 0, c = 0;
    std::uint32_t scale_bits = 0;
    std::int8_t zero_point = 0;
    Encoding encoding = Encoding::raw;   // decode: as sent; encode: ignored (see EncodeOptions)
    std::uint32_t payload_bytes = 0;     // decode: encoded length; encode: ignored
    bool sealed = false;                 // decode: as sent; encode: ignored (sealed.hpp seals)

    // Decoded tensor size (h·w·c elements of dtype).
    constexpr std::uint64_t tensor_bytes() const {
        return std::uint64_t{h} * w * c * dtype_size(dtype);
    }
    // The byte most of the payload is expected to be (ReLU outputs): the int8 zero point, 0 for
    // float32 (+0.0f is four zero bytes).
    constexpr std::uint8_t fill_byte() const {
        return dtype == DType::int8 ? static_cast<std::uint8_t>(zero_point) : 0;
    }
};

enum class FrameError : std::uint8_t {
    ok = 0,
    truncated,         // shorter than header + CRC
    bad_magic,
    bad_version,
    bad_length,        // payload length disagrees with the buffer (short or trailing bytes)
    bad_crc,
    bad_kind,
    bad_dtype,
    bad_encoding,
    bad_shape,         // a zero dimension
    bad_quant,         // int8: scale not finite and > 0; float32: scale or zero point not 0
    wrong_model,       // valid frame, but not the model / cut / kind the caller expects
    wrong_cut,
    wrong_kind,
    bad_payload,       // malformed encoded stream, or it does not decode to exactly h·w·c elements
    output_too_small,  // decode: the caller's buffer cannot hold the tensor
    sealed,            // decode_frame: a sealed frame (open it with sealed.hpp first)
    not_sealed,        // open_frame: a plain frame where a sealed one is required
    forged,            // open_frame: the AEAD tag does not verify (forged, damaged, wrong key)
    // encoder only
    payload_size_mismatch,   // the tensor given is not h·w·c elements of dtype
    buffer_too_small,
    too_large,               // dimensions or payload beyond the format's fields
    seal_failed,             // seal_frame: the AEAD refused (the frame is left plain)
};

constexpr const char* frame_error_name(FrameError e) {
    constexpr const char* names[] = {
        "ok", "truncated", "bad_magic", "bad_version", "bad_length", "bad_crc", "bad_kind",
        "bad_dtype", "bad_encoding", "bad_shape", "bad_quant", "wrong_model", "wrong_cut",
        "wrong_kind", "bad_payload", "output_too_small", "sealed", "not_sealed", "forged",
        "payload_size_mismatch", "buffer_too_small", "too_large", "seal_failed"};
    const auto i = static_cast<std::size_t>(e);
    return i < sizeof names / sizeof names[0] ? names[i] : "?";
}

// --------------------------------------------------------------------------------------------
// Encoding

struct EncodeOptions {
    std::optional<Encoding> force;   // default: the smallest of raw / fill_rle / fill_bitmap
};

struct EncodeResult {
    FrameError error = FrameError::ok;
    std::size_t bytes = 0;      // frame bytes written
    Encoding encoding = Encoding::raw;
};

namespace detail {
constexpr bool quant_ok(DType d, std::uint32_t scale_bits, std::int8_t zero_point) {
    if (d == DType::float32) return scale_bits == 0 && zero_point == 0;
    const std::uint32_t exponent = (scale_bits >> 23) & 0xFFu;
    // finite (exponent not all ones), positive (sign clear), not zero
    return (scale_bits >> 31) == 0 && exponent != 0xFFu && (scale_bits & 0x7FFF'FFFFu) != 0;
}
}  // namespace detail

// Writes a frame for `tensor` (h·w·c elements of dtype, raw bytes) into `out`.
constexpr EncodeResult encode_frame(const FrameHeader& h, std::span<const std::uint8_t> tensor,
                                    std::span<std::uint8_t> out, EncodeOptions options = {}) {
    if (h.kind != Kind::tensor && h.kind != Kind::result) return {FrameError::bad_kind};
    if (h.dtype != DType::int8 && h.dtype != DType::float32) return {FrameError::bad_dtype};
    if (h.h == 0 || h.w == 0 || h.c == 0) return {FrameError::bad_shape};
    if (!detail::quant_ok(h.dtype, h.scale_bits, h.zero_point)) return {FrameError::bad_quant};
    if (h.tensor_bytes() != tensor.size()) return {FrameError::payload_size_mismatch};
    const std::uint8_t fill = h.fill_byte();
    const Encoding e = options.force ? *options.force : smallest_encoding(tensor, fill);
    if (!is_valid_encoding(static_cast<std::uint8_t>(e))) return {FrameError::bad_encoding};
    const std::size_t payload = encoded_size(e, tensor, fill);
    if (payload > 0xFFFF'FFFFu - frame_overhead) return {FrameError::too_large};
    const std::size_t total = frame_overhead + payload;
    if (out.size() < total) return {FrameError::buffer_too_small};

    std::uint8_t* p = out.data();
    p[0] = frame_magic0;
    p[1] = frame_magic1;
    p[2] = frame_version;
    p[3] = static_cast<std::uint8_t>(h.kind);
    le::put32(p + 4, h.model_id);
    le::put16(p + 8, h.sequence);
    p[10] = h.cut;
    p[11] = static_cast<std::uint8_t>(h.dtype);
    le::put16(p + 12, h.h);
    le::put16(p + 14, h.w);
    le::put16(p + 16, h.c);
    le::put32(p + 18, h.scale_bits);
    p[22] = static_cast<std::uint8_t>(h.zero_point);
    p[23] = static_cast<std::uint8_t>(e);
    le::put32(p + 24, static_cast<std::uint32_t>(payload));
    le::put32(p + 28, h.epoch);
    const std::size_t written =
        payload == 0 ? 0 : encode_payload(e, tensor, fill, out.subspan(frame_header_bytes, payload));
    if (written != payload) return {FrameError::buffer_too_small};   // unreachable: sized above
    const std::size_t body = frame_header_bytes + payload;
    le::put32(p + body, crc32c(out.first(body)));
    return {FrameError::ok, total, e};
}

// --------------------------------------------------------------------------------------------
// Decoding

struct Expect {
    std::optional<std::uint32_t> model_id;
    std::optional<std::uint8_t> cut;
    std::optional<Kind> kind;
};

struct DecodeResult {
    FrameError error = FrameError::ok;
    FrameHeader header{};          // meaningful only when error == ok
    std::size_t tensor_bytes = 0;  // bytes written to the caller's buffer (0 unless ok)
};

namespace detail {
// The checks every frame passes, sealed or not: size, magic, version, length (a sealed frame
// has its tag after the payload), CRC-32C, then each header field. `out` is assigned on success.
constexpr FrameError read_header(std::span<const std::uint8_t> frame, FrameHeader& out) {
    if (frame.size() < frame_overhead) return FrameError::truncated;
    const std::uint8_t* p = frame.data();
    if (p[0] != frame_magic0 || p[1] != frame_magic1) return FrameError::bad_magic;
    if (p[2] != frame_version) return FrameError::bad_version;
    const std::uint32_t payload = le::get32(p + 24);
    const bool sealed = (p[3] & frame_sealed_bit) != 0;
    if (std::uint64_t{payload} + (sealed ? frame_tag_bytes : 0) != frame.size() - frame_overhead)
        return FrameError::bad_length;
    const std::size_t body = frame.size() - frame_crc_bytes;
    if (crc32c(frame.first(body)) != le::get32(p + body)) return FrameError::bad_crc;

    FrameHeader h;
    const std::uint8_t kind = p[3] & static_cast<std::uint8_t>(~frame_sealed_bit);
    if (kind != static_cast<std::uint8_t>(Kind::tensor) && kind != static_cast<std::uint8_t>(Kind::result))
        return FrameError::bad_kind;
    h.kind = static_cast<Kind>(kind);
    h.sealed = sealed;
    h.model_id = le::get32(p + 4);
    h.sequence = le::get16(p + 8);
    h.cut = p[10];
    if (p[11] != static_cast<std::uint8_t>(DType::int8) && p[11] != static_cast<std::uint8_t>(DType::float32))
        return FrameError::bad_dtype;
    h.dtype = static_cast<DType>(p[11]);
    h.h = le::get16(p + 12);
    h.w = le::get16(p + 14);
    h.c = le::get16(p + 16);
    if (h.h == 0 || h.w == 0 || h.c == 0) return FrameError::bad_shape;
    h.scale_bits = le::get32(p + 18);
    h.zero_point = static_cast<std::int8_t>(p[22]);
    if (!quant_ok(h.dtype, h.scale_bits, h.zero_point)) return FrameError::bad_quant;
    if (!is_valid_encoding(p[23])) return FrameError::bad_encoding;
    h.encoding = static_cast<Encoding>(p[23]);
    h.payload_bytes = payload;
    h.epoch = le::get32(p + 28);
    out = h;
    return FrameError::ok;
}
}  // namespace detail

// Validates every field of `frame` (the whole buffer must be exactly one plain frame) and, when
// `out` is non-empty, decodes the tensor into it. Output is written only after every check passed.
constexpr DecodeResult decode_frame(std::span<const std::uint8_t> frame,
                                    std::span<std::uint8_t> out, const Expect& expect = {}) {
    FrameHeader h;
    if (const FrameError e = detail::read_header(frame, h); e != FrameError::ok) return {e};
    if (h.sealed) return {FrameError::sealed};
    const std::uint32_t payload = h.payload_bytes;

    if (expect.model_id && *expect.model_id != h.model_id) return {FrameError::wrong_model};
    if (expect.cut && *expect.cut != h.cut) return {FrameError::wrong_cut};
    if (expect.kind && *expect.kind != h.kind) return {FrameError::wrong_kind};

    const std::uint64_t tensor = h.tensor_bytes();
    const auto encoded = frame.subspan(frame_header_bytes, payload);
    // Dry run: the stream must decode to exactly the shape's size. (No encoding produces more
    // than 128 bytes per payload byte, so a huge shape with a short payload fails at once.)
    if (tensor > std::uint64_t{payload} * 128 ||
        tensor > static_cast<std::uint64_t>(static_cast<std::size_t>(-1)) ||
        !decode_payload(h.encoding, encoded, h.fill_byte(), static_cast<std::size_t>(tensor), nullptr))
        return {FrameError::bad_payload};
    if (out.empty()) return {FrameError::ok, h, 0};
    if (out.size() < tensor) return {FrameError::output_too_small};
    decode_payload(h.encoding, encoded, h.fill_byte(), static_cast<std::size_t>(tensor), out.data());
    return {FrameError::ok, h, static_cast<std::size_t>(tensor)};
}

}  // namespace mote::split
