// libFuzzer target: the payload decoders on their own. Input: [encoding][fill][n lo][n hi]
// then the encoded stream. The dry run and the real decode must agree; an accepted stream's
// tensor must re-encode, in every encoding, to something that decodes back to it.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mote/split/encoding.hpp"

namespace {
std::uint8_t out[1 << 16];
std::uint8_t enc[(1 << 16) * 2 + 16];
std::uint8_t back[1 << 16];
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mote::split;
    if (size < 4) return 0;
    const auto e = static_cast<Encoding>(data[0] % 4);   // 3: not an encoding, must be rejected
    const std::uint8_t fill = data[1];
    const std::size_t n = data[2] | (std::size_t{data[3]} << 8);
    const std::span<const std::uint8_t> stream(data + 4, size - 4);
    const bool dry = decode_payload(e, stream, fill, n, nullptr);
    const bool real = decode_payload(e, stream, fill, n, out);
    if (dry != real) __builtin_trap();
    if (!real) return 0;
    if (!is_valid_encoding(static_cast<std::uint8_t>(e))) __builtin_trap();
    const std::span<const std::uint8_t> tensor(out, n);
    for (const Encoding x : {Encoding::raw, Encoding::fill_rle, Encoding::fill_bitmap}) {
        const std::size_t m = encode_payload(x, tensor, fill, enc);
        if (m != encoded_size(x, tensor, fill) || (m == 0 && n != 0)) __builtin_trap();
        if (!decode_payload(x, std::span<const std::uint8_t>(enc, m), fill, n, back)) __builtin_trap();
        if (n != 0 && std::memcmp(back, out, n) != 0) __builtin_trap();
    }
    return 0;
}
