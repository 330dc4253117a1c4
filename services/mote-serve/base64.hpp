#pragma once
// Base64 decoding (RFC 4648 section 4, the standard alphabet, '=' padding required): what The
// Things Stack and ChirpStack put in their uplink JSON. Strict: a character outside the alphabet,
// missing or misplaced padding, or non-zero bits after the last byte make the input invalid, so
// every payload has exactly one encoding. Writes nothing to `out` unless the whole input is valid.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mote_serve {

// Bytes the input decodes to, or nothing when its length is not a multiple of 4 (no characters
// are checked here).
constexpr std::optional<std::size_t> base64_decoded_size(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::size_t n = in.size() / 4 * 3;
    if (!in.empty() && in.back() == '=') --n;
    if (in.size() >= 2 && in[in.size() - 2] == '=') --n;
    return n;
}

namespace detail {
constexpr int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
}  // namespace detail

// Decodes `in` into `out`; returns the bytes written, or nothing when `in` is not valid base64 or
// `out` is too small.
constexpr std::optional<std::size_t> base64_decode(std::string_view in, std::span<std::uint8_t> out) {
    const auto size = base64_decoded_size(in);
    if (!size || *size > out.size()) return std::nullopt;
    const std::size_t pad = in.size() / 4 * 3 - *size;
    // validate everything first: out stays untouched on failure
    for (std::size_t i = 0; i < in.size(); ++i) {
        const bool padding_slot = i >= in.size() - pad;
        if (padding_slot ? in[i] != '=' : detail::base64_value(in[i]) < 0) return std::nullopt;
    }
    if (pad > 0) {   // the bits of the last character beyond the last byte must be zero
        const int last = detail::base64_value(in[in.size() - pad - 1]);
        if ((last & (pad == 1 ? 0x03 : 0x0F)) != 0) return std::nullopt;
    }
    std::size_t w = 0;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        std::uint32_t v = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            const int d = in[i + k] == '=' ? 0 : detail::base64_value(in[i + k]);
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        for (int k = 2; k >= 0 && w < *size; --k) out[w++] = static_cast<std::uint8_t>(v >> (8 * k));
    }
    return w;
}

// Encodes `in` (standard alphabet, padded) into `out`; returns the characters written, or
// nothing when `out` is too small. For the fleet simulator and the tests.
constexpr std::optional<std::size_t> base64_encode(std::span<const std::uint8_t> in, std::span<char> out) {
    constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::size_t n = (in.size() + 2) / 3 * 4;
    if (n > out.size()) return std::nullopt;
    std::size_t w = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        const std::size_t left = in.size() - i;
        const std::uint32_t v = std::uint32_t{in[i]} << 16 | (left > 1 ? std::uint32_t{in[i + 1]} << 8 : 0) |
                                (left > 2 ? std::uint32_t{in[i + 2]} : 0);
        for (std::size_t k = 0; k < 4; ++k)
            out[w++] = k <= left ? alphabet[(v >> (18 - 6 * k)) & 0x3F] : '=';
    }
    return w;
}

}  // namespace mote_serve
