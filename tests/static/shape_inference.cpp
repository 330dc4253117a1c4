// Shape inference and SAME/VALID geometry, checked by the compiler alone.
#include <mote/mote.hpp>

using mote::Kernel;
using mote::Padding;
using mote::Shape;
using mote::Stride;

// KWS conv0: 10x4 stride 2 SAME on 49x10 -> 25x5, padding 4 before (5 after) in H, 1/1 in W.
constexpr auto kws0 = mote::make_window(Shape{49, 10, 1}, 64, Kernel{10, 4}, Stride{2, 2},
                                        mote::Dilation{}, Padding::same);
static_assert(kws0.out_h == 25 && kws0.out_w == 5 && kws0.pad_top == 4 && kws0.pad_left == 1);

// 3x3 stride 2 SAME on an even size: 0 before, 1 after.
constexpr auto s2 = mote::make_window(Shape{96, 96, 3}, 8, Kernel{3, 3}, Stride{2, 2},
                                      mote::Dilation{}, Padding::same);
static_assert(s2.out_h == 48 && s2.pad_top == 0 && s2.pad_left == 0);

// VALID stride 2 drops the last row/column; dilation widens the footprint.
constexpr auto v = mote::make_window(Shape{13, 11, 8}, 33, Kernel{5, 5}, Stride{2, 2},
                                     mote::Dilation{}, Padding::valid);
static_assert(v.out_h == 5 && v.out_w == 4);
constexpr auto dil = mote::make_window(Shape{11, 9, 3}, 7, Kernel{3, 3}, Stride{1, 1},
                                       mote::Dilation{2, 2}, Padding::valid);
static_assert(dil.out_h == 7 && dil.out_w == 5);

namespace m {
inline constexpr mote::QuantParams in_q{0.5f, 3};
inline constexpr std::int8_t conv_w[16 * 3 * 3 * 3] = {};
inline constexpr float conv_s[16] = {0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f,
                                     0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f};
inline constexpr mote::QuantizedWeights conv{conv_w, conv_s, {}, {0.1f, -128}};
inline constexpr std::int8_t dw_w[3 * 3 * 32] = {};
inline constexpr float dw_s[1] = {0.01f};
inline constexpr mote::QuantizedWeights dw{dw_w, dw_s, {}, {0.2f, -128}};
inline constexpr std::int8_t fc_w[10 * 3 * 3 * 32] = {};
inline constexpr mote::QuantizedWeights fc{fc_w, dw_s, {}, {0.3f, 7}};

using Net = mote::Sequential<
    mote::Input<Shape{15, 15, 3}, in_q>,
    mote::Conv2D<16, Kernel{3, 3}, Stride{2, 2}, Padding::same, mote::Activation::relu, conv>,
    mote::DepthwiseConv2D<2, Kernel{3, 3}, Stride{2, 2}, Padding::valid,
                          mote::Activation::relu6, dw>,
    mote::Flatten, mote::Dense<10, mote::Activation::none, fc>>;

static_assert(Net::layer_count == 4);
static_assert(Net::input<0>::shape == Shape{15, 15, 3});
static_assert(Net::output::shape == Shape{1, 1, 10});
static_assert(Net::output::quant == mote::QuantParams{0.3f, 7});
// 8x8x16 conv output, 3x3x32 depthwise output (dm 2), 288 features into Dense.
static_assert(Net::layer_info()[0].output == Shape{8, 8, 16});
static_assert(Net::layer_info()[1].output == Shape{3, 3, 32});
static_assert(Net::layer_info()[2].output == Shape{1, 1, 288} && Net::layer_info()[2].alias);
static_assert(Net::macs == 8 * 8 * 16 * 27 + 3 * 3 * 32 * 9 + 10 * 288);
// Weight bytes: int8 values plus, per output channel, the record its kernel reads in flash:
// reference kernels 4 B bias + 4 B multiplier + 1 B exponent; optimized kernels 4 B bias + a
// ChannelQ (depth multiplier 2 runs on the optimized depthwise path too).
constexpr std::size_t reference_record = 9;
constexpr std::size_t fast_record = 4 + sizeof(mote::kernels::ChannelQ);
constexpr std::size_t record = mote::config::reference_kernels ? reference_record : fast_record;
static_assert(Net::weight_bytes ==
              (16 * 27 + 16 * record) + (9 * 32 + 32 * record) + (2880 + 10 * record));
}  // namespace m

int main() {}
