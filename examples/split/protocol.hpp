#pragma once
// What the device and the server of the split example share: the model (KWS by default, the
// hand-written bars model without ../shared), the cut, the model id and the epoch. The downlink
// control messages of the simple ARQ are mote/split/control.hpp's (plain: the gateway's link is
// a trusted wire). Device-safe (no heap, no exceptions).
#include <cstddef>
#include <cstdint>

#include MOTE_SPLIT_HEADER   // brings in mote/mote.hpp
#include "mote/split/control.hpp"
#include "mote/split/cut.hpp"

namespace split_example {

using Net = MOTE_SPLIT_NS::Model;
inline constexpr std::size_t cut = MOTE_SPLIT_CUT;
using Head = mote::head<Net, cut>;
using Tail = mote::tail<Net, cut>;
using CutTensor = Head::output;
static_assert(mote::Int8TensorType<CutTensor>, "the example sends an int8 cut tensor");

// The model id on the wire: the first 8 hex digits of the converted model's sha256 (the
// generated header's model_sha256); the hand-written model has none and uses a fixed id.
constexpr std::uint32_t model_id() {
#ifdef MOTE_SPLIT_FIXED_MODEL_ID
    return MOTE_SPLIT_FIXED_MODEL_ID;
#else
    std::uint32_t id = 0;
    for (int i = 0; i < 8; ++i) {
        const char c = MOTE_SPLIT_NS::model_sha256[i];
        const std::uint32_t v = c >= '0' && c <= '9' ? static_cast<std::uint32_t>(c - '0')
                                : c >= 'a' && c <= 'f' ? static_cast<std::uint32_t>(c - 'a' + 10)
                                                       : static_cast<std::uint32_t>(c - 'A' + 10);
        id = (id << 4) | v;
    }
    return id;
#endif
}

// The epoch on the wire: a real device raises it at every boot from non-volatile memory (frame.hpp);
// the emulated one has none and starts at 1 every time.
inline constexpr std::uint32_t device_epoch = 1;

}  // namespace split_example
