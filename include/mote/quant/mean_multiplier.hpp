#pragma once
// MEAN's requantization multiplier (TFLite reference QuantizedMeanOrSum): the multiplier for
// s_in/s_out with the division by the element count n folded in by integer arithmetic:
//   shift = min(floor(log2 n), 32, 31 + exponent)
//   multiplier' = (multiplier << shift) / n      (int64, truncating)
//   exponent'   = exponent − shift
// A left shift that would have been applied before the high multiply thus becomes (part of) a
// right shift after it, so the high multiply rounds only a few bits above the final LSB and the
// second rounding is often visible (results 1 off a correctly rounded mean are expected).
#include <bit>
#include <cstdint>

#include "mote/quant/multiplier.hpp"

namespace mote::quant {

constexpr Multiplier fold_mean_count(Multiplier m, std::int64_t n) {
    if (n <= 0) return m;
    int shift = 63 - std::countl_zero(static_cast<std::uint64_t>(n));
    if (shift > 32) shift = 32;
    if (shift > 31 + m.exponent) shift = 31 + m.exponent;
    if (shift < 0) shift = 0;
    const std::int64_t folded = (static_cast<std::int64_t>(m.multiplier) << shift) / n;
    return {static_cast<std::int32_t>(folded), m.exponent - shift};
}

}  // namespace mote::quant
