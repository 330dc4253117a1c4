// Small weights shared by the must-not-compile cases.
#include <mote/mote.hpp>

namespace cf {
inline constexpr mote::QuantParams in_q{0.05f, 0};
inline constexpr std::int8_t w3x3x1x4[4 * 3 * 3 * 1] = {};
inline constexpr float s4[4] = {0.01f, 0.01f, 0.01f, 0.01f};
inline constexpr mote::QuantizedWeights conv4{w3x3x1x4, s4, {}, {0.1f, 0}};
}  // namespace cf
