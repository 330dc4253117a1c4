#pragma once
// Validity of int8 tensor quantization parameters, for the constexpr "make params" functions.
#include <cstdint>

#include "mote/core/quant_params.hpp"

namespace mote::quant {

// A positive, finite scale and a zero point inside the int8 range.
constexpr bool valid_int8_quant(QuantParams q) {
    return q.scale > 0.0f && q.scale <= 3.4028234663852886e38f && q.zero_point >= -128 &&
           q.zero_point <= 127;
}

}  // namespace mote::quant
