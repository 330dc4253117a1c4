// libFuzzer target: the tensor frame decoder. Whatever the input, decode_frame must not read or
// write out of bounds, must leave the output untouched on failure, and a frame it accepts must
// re-encode (in the same encoding) to a frame that decodes to the same tensor. Each input is
// tried twice: as it is, and with its length field and CRC-32C fixed up, so that mutations reach
// the field and payload checks behind the CRC (sealed frames: fuzz_sealed.cpp).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/split/frame.hpp"

namespace {
std::uint8_t out[1 << 14];
std::uint8_t again[1 << 14];
std::uint8_t frame[(1 << 15) + 64];
std::uint8_t fixed[1 << 15];

void one(std::span<const std::uint8_t> in) {
    using namespace mote::split;
    const std::size_t size = in.size();
    std::memset(out, 0xA5, sizeof out);
    const DecodeResult d = decode_frame(in, out);
    if (d.error != FrameError::ok) {
        for (const std::uint8_t b : out)
            if (b != 0xA5) __builtin_trap();   // a failed decode wrote output
        return;
    }
    if (d.tensor_bytes != d.header.tensor_bytes() || d.header.payload_bytes + frame_overhead != size)
        __builtin_trap();
    // validate-only agrees
    if (decode_frame(in, std::span<std::uint8_t>{}).error != FrameError::ok) __builtin_trap();
    // expectations
    Expect e;
    e.model_id = d.header.model_id ^ 1u;
    if (decode_frame(in, out, e).error != FrameError::wrong_model) __builtin_trap();
    // re-encode and decode again
    const auto tensor = std::span<const std::uint8_t>(out, d.tensor_bytes);
    const EncodeResult r = encode_frame(d.header, tensor, frame, {d.header.encoding});
    if (r.error != FrameError::ok) return;   // e.g. larger than the fuzz buffer
    const DecodeResult d2 = decode_frame(std::span<const std::uint8_t>(frame, r.bytes), again);
    if (d2.error != FrameError::ok || d2.tensor_bytes != d.tensor_bytes ||
        std::memcmp(out, again, d.tensor_bytes) != 0)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mote::split;
    one({data, size});
    if (size < frame_overhead || size > sizeof fixed) return 0;
    std::memcpy(fixed, data, size);
    // a sealed frame keeps room for its tag (decode_frame must then refuse it as sealed)
    std::size_t tag = (fixed[3] & frame_sealed_bit) ? frame_tag_bytes : 0;
    if (size < frame_overhead + tag) {
        fixed[3] = static_cast<std::uint8_t>(fixed[3] & ~frame_sealed_bit);
        tag = 0;
    }
    le::put32(fixed + 24, static_cast<std::uint32_t>(size - frame_overhead - tag));
    le::put32(fixed + size - 4, crc32c(std::span<const std::uint8_t>(fixed, size - 4)));
    one({fixed, size});
    return 0;
}
