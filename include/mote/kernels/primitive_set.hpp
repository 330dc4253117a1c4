#pragma once
// What a primitive set is (docs/kernels.md, "Primitive sets"): the hooks every set provides
// (kernels/portable.hpp is the plain C++ one), and the optional ones it declares in
// `capabilities`. The generic algorithms (conv2d.hpp, depthwise_conv2d.hpp, fully_connected.hpp,
// add.hpp) choose a path by those declarations, never by probing for a function: a set that
// declares a capability must have its hooks with the signatures below (the PrimitiveSet concept
// says which is missing), and one that misspells a hook without declaring it is a compile error
// at its first use, not a silent fallback to the slow path.
#include <concepts>
#include <cstdint>

#include "mote/core/shape.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels {

struct Capabilities {
    // dot_3x2 and requantize_store_3: three pixels × two channels per GEMM step, on a column
    // block of three interleaved lanes (load_col_lanes, fill_col_lanes); convolutions pad K to 8.
    bool three_pixel_gemm = false;
    // block_3x2_plain: a whole three-pixel block of a Requant::plain() layer, requantized and
    // stored by the same code that computes it.
    bool fused_three_pixel_block = false;
    // requantize_plain, requantize_store_2x2 and dw_taps2_plain: Requant::plain() layers
    // requantized in registers, as computed.
    bool fused_requantize = false;
    // gemm_block<Pixels>: a column pair's whole GEMM over `rows` weight rows, requantized and
    // stored, replacing the 2×2 loop.
    bool gemm_block = false;
    // depthwise: a whole multiplier-1 depthwise layer of up to depthwise_stack_taps taps.
    bool whole_depthwise = false;
    // dot_1x4: four weight rows against one column (dense layers, LSTM gates, SVDF).
    bool four_row_dot = false;
    // requantize_right: the merged-rounding requantization of one value by a right shift (Add).
    bool right_shift_requantize = false;

    friend constexpr bool operator==(const Capabilities&, const Capabilities&) = default;
};

namespace detail {
template <class P>
concept RequiredHooks = requires(const std::int8_t* src, typename P::col_t* col, const typename P::col_t* c,
                                 const typename P::weight_t* w, const std::int8_t* const* tab,
                                 const std::int32_t* bias, std::int32_t* acc, const Requant& q, std::int8_t* out) {
    typename P::col_t;
    typename P::weight_t;
    { P::layout } -> std::convertible_to<WeightLayout>;
    { P::capabilities } -> std::convertible_to<Capabilities>;
    P::load_col(src, col, 0);
    P::fill_col(col, 0, std::int32_t{0});
    P::dot_2x2(c, c, w, w, 0, acc);
    P::dot_1x2(c, w, w, 0, acc);
    { P::dot_1x1(c, w, 0, std::int32_t{0}) } -> std::same_as<std::int32_t>;
    P::dw_taps2(tab, 0, bias, acc, acc);
    P::requantize_row(bias, q, 0, 0, out);
};

template <class P>
concept ThreePixelHooks = requires(const std::int8_t* src, typename P::col_t* col, const typename P::col_t* c,
                                   const typename P::weight_t* w, std::int32_t* acc, const ChannelQ* cq,
                                   std::int8_t* out) {
    P::template load_col_lanes<3>(src, col, 0);
    P::template fill_col_lanes<3>(col, 0, std::int32_t{0});
    P::dot_3x2(c, w, 8, acc);
    P::requantize_store_3(std::int32_t{0}, std::int32_t{0}, std::int32_t{0}, cq, out, 1);
};

template <class P>
concept FusedThreePixelHooks = requires(const typename P::col_t* block, const typename P::weight_t* w,
                                        const std::int32_t* bias, const ChannelQ* cq, std::int8_t* out) {
    { P::block_3x2_plain(block, w, 8, bias, cq, out, 2) } -> std::same_as<const typename P::weight_t*>;
};

template <class P>
concept FusedRequantizeHooks = requires(std::int32_t a, const ChannelQ& c, const std::int32_t* acc,
                                        const ChannelQ* cq, const std::int8_t* const* tab,
                                        const std::int32_t* bias, std::int8_t* out) {
    P::requantize_plain(a, c);
    P::requantize_store_2x2(acc, cq, out, out);
    P::dw_taps2_plain(tab, 0, bias, cq, out, out);
};

template <class P>
concept GemmBlockHooks = requires(const typename P::col_t* c, const Requant& q, const typename P::weight_t* w,
                                  std::int8_t* out, const std::int16_t* index) {
    P::template gemm_block<1>(c, c, 0, 0, q, w, out, out, index);
    P::template gemm_block<2>(c, c, 0, 0, q, w, out, out, index);
};

template <class P>
concept WholeDepthwiseHooks = requires(const WindowGeometry& g, const Requant& q, const std::int8_t* in,
                                       std::int8_t* out) {
    P::depthwise(g, q, std::int32_t{0}, in, in, out);
};

template <class P>
concept FourRowDotHooks = requires(const typename P::col_t* c, const typename P::weight_t* w, std::int32_t* acc) {
    P::dot_1x4(c, w, 0, acc);
};

template <class P>
concept RightShiftRequantizeHooks = requires(std::int32_t x, const ChannelQ& c) {
    { P::requantize_right(x, c) } -> std::convertible_to<std::int32_t>;
};
}  // namespace detail

// A primitive set: the required hooks, and the hooks of every capability it declares.
template <class P>
concept PrimitiveSet = detail::RequiredHooks<P> &&
                       (!P::capabilities.three_pixel_gemm || detail::ThreePixelHooks<P>) &&
                       (!P::capabilities.fused_three_pixel_block ||
                        (P::capabilities.three_pixel_gemm && detail::FusedThreePixelHooks<P>)) &&
                       (!P::capabilities.fused_requantize || detail::FusedRequantizeHooks<P>) &&
                       (!P::capabilities.gemm_block || detail::GemmBlockHooks<P>) &&
                       (!P::capabilities.whole_depthwise || detail::WholeDepthwiseHooks<P>) &&
                       (!P::capabilities.four_row_dot || detail::FourRowDotHooks<P>) &&
                       (!P::capabilities.right_shift_requantize || detail::RightShiftRequantizeHooks<P>);

}  // namespace mote::kernels
