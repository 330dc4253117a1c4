#pragma once
// Result frames for the extreme edge (LoRa SF12: ~1 mJ per bit on air): only the top-k classes
// and their int8 scores (the model output's quantized values; the receiver knows the output's
// quantization from the model id). Little-endian:
//
//   off  size  field
//     0     1  tag 0xB1 (high nibble 0xB: result, low nibble: version 1)
//     1     4  model id
//     5     2  sequence number
//     7     1  k (1..16)
//     8    2k  k × (class index u8, score int8), best first
//  8+2k     4  CRC-32C of bytes [0, 8+2k)
//
// Top-1 is 14 bytes, top-5 22 bytes: well inside LoRaWAN's 51-byte DR0 payload.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "mote/split/crc32c.hpp"
#include "mote/split/le.hpp"

namespace mote::split {

inline constexpr std::uint8_t result_tag = 0xB1;
inline constexpr std::size_t max_top_k = 16;

constexpr std::size_t result_frame_bytes(std::size_t k) { return 8 + 2 * k + 4; }

struct TopEntry {
    std::uint8_t cls = 0;
    std::int8_t score = 0;
    friend constexpr bool operator==(const TopEntry&, const TopEntry&) = default;
};

struct ResultFrame {
    std::uint32_t model_id = 0;
    std::uint16_t sequence = 0;
    std::uint8_t k = 0;
    TopEntry top[max_top_k]{};
};

// The k best scores (ties: lower class index first); returns how many were written
// (min(k, scores, 256, out.size(), max_top_k)).
constexpr std::size_t top_k(std::span<const std::int8_t> scores, std::size_t k,
                            std::span<TopEntry> out) {
    std::size_t n = scores.size() < 256 ? scores.size() : 256;
    if (k > n) k = n;
    if (k > out.size()) k = out.size();
    if (k > max_top_k) k = max_top_k;
    for (std::size_t j = 0; j < k; ++j) {
        std::size_t best = n;
        for (std::size_t i = 0; i < n; ++i) {
            bool taken = false;
            for (std::size_t t = 0; t < j; ++t) taken |= out[t].cls == i;
            if (!taken && (best == n || scores[i] > scores[best])) best = i;
        }
        out[j] = {static_cast<std::uint8_t>(best), scores[best]};
    }
    return k;
}

// Returns the bytes written, 0 when k is not in [1, 16] or `out` is too small.
constexpr std::size_t encode_result(const ResultFrame& r, std::span<std::uint8_t> out) {
    if (r.k == 0 || r.k > max_top_k) return 0;
    const std::size_t total = result_frame_bytes(r.k);
    if (out.size() < total) return 0;
    std::uint8_t* p = out.data();
    p[0] = result_tag;
    le::put32(p + 1, r.model_id);
    le::put16(p + 5, r.sequence);
    p[7] = r.k;
    for (std::size_t i = 0; i < r.k; ++i) {
        p[8 + 2 * i] = r.top[i].cls;
        p[9 + 2 * i] = static_cast<std::uint8_t>(r.top[i].score);
    }
    le::put32(p + total - 4, crc32c(out.first(total - 4)));
    return total;
}

enum class ResultError : std::uint8_t { ok = 0, truncated, bad_tag, bad_k, bad_length, bad_crc, wrong_model, bad_order };

// Validates the whole buffer as one result frame; `out` is assigned only on success.
constexpr ResultError decode_result(std::span<const std::uint8_t> in, ResultFrame& out,
                                    std::optional<std::uint32_t> expect_model = {}) {
    if (in.size() < result_frame_bytes(1)) return ResultError::truncated;
    const std::uint8_t* p = in.data();
    if (p[0] != result_tag) return ResultError::bad_tag;
    const std::size_t k = p[7];
    if (k == 0 || k > max_top_k) return ResultError::bad_k;
    if (in.size() != result_frame_bytes(k)) return ResultError::bad_length;
    if (crc32c(in.first(in.size() - 4)) != le::get32(p + in.size() - 4)) return ResultError::bad_crc;
    ResultFrame r;
    r.model_id = le::get32(p + 1);
    r.sequence = le::get16(p + 5);
    r.k = static_cast<std::uint8_t>(k);
    for (std::size_t i = 0; i < k; ++i) {
        r.top[i] = {p[8 + 2 * i], static_cast<std::int8_t>(p[9 + 2 * i])};
        // best first, no class twice
        if (i > 0 && r.top[i].score > r.top[i - 1].score) return ResultError::bad_order;
        for (std::size_t t = 0; t < i; ++t)
            if (r.top[t].cls == r.top[i].cls) return ResultError::bad_order;
    }
    if (expect_model && *expect_model != r.model_id) return ResultError::wrong_model;
    out = r;
    return ResultError::ok;
}

}  // namespace mote::split
