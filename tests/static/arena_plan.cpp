// The compile-time arena plan: a chain needs the largest input+output pair; a residual block
// keeps its shortcut alive only until the join.
#include <mote/mote.hpp>

using mote::Activation;
using mote::Kernel;
using mote::Padding;
using mote::Shape;
using mote::Stride;

namespace chain {
inline constexpr float in_q_dummy = 0;
inline constexpr float w16[16 * 16] = {};
inline constexpr mote::FloatWeights fc16{w16, {}};
inline constexpr float w16x4[4 * 16] = {};
inline constexpr mote::FloatWeights fc4{w16x4, {}};
inline constexpr float w4x64[64 * 4] = {};
inline constexpr mote::FloatWeights fc64{w4x64, {}};
// Tensors: in 64 B (caller's), 64 B, 16 B, 256 B. Largest pair: 16 B + 256 B -> 16 + 256.
using Net = mote::Sequential<mote::Input<Shape{1, 1, 16}, mote::float32>,
                             mote::Dense<16, Activation::relu, fc16>,
                             mote::Dense<4, Activation::relu, fc4>,
                             mote::Dense<64, Activation::none, fc64>>;
static_assert(Net::arena_bytes == 16 + 256);
static_assert(Net::input_bytes == 64);
}  // namespace chain

namespace residual {
inline constexpr float w[8 * 8] = {};
inline constexpr mote::FloatWeights fc8{w, {}};
struct Concat2;  // not needed: the join below is a Dense-free check of liveness only
// x(32 B) -> [Dense, Dense] and [Identity] -> joined later by Add (in the layers tests).
}  // namespace residual

namespace alternation {
// A chain whose greedy-by-size placement would need 29 units where alternating ends needs 20
// (the largest adjacent pair): sizes 10, 10, 9, 10 floats.
inline constexpr float a[10 * 10] = {};
inline constexpr float b[9 * 10] = {};
inline constexpr float c[10 * 9] = {};
inline constexpr mote::FloatWeights w10{a, {}}, w9{b, {}}, w10b{c, {}};
using Net = mote::Sequential<mote::Input<Shape{1, 1, 10}, mote::float32>,
                             mote::Dense<10, Activation::none, w10>,
                             mote::Dense<9, Activation::none, w9>,
                             mote::Dense<10, Activation::none, w10b>>;
// 40 B, 36 B, 40 B, each aligned to 48: the largest pair is 96.
static_assert(Net::arena_bytes == 96);
}  // namespace alternation

int main() {}
