// Fast paths beside the reference kernels: the output zero point folded into the per-channel
// rounding constant (kernels/requant.hpp, channel_params) requantizes exactly on every primitive
// set this build can run (AVX2 and SSE2 in a -mavx2 build), accumulators at the int32 extremes
// included, and stays unfolded where the bound does not hold; the optimized Add equals
// reference::add.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

#include <mote/mote.hpp>

#include "primitive_sets.hpp"

namespace {

using mote_test::PrimitiveSets;

namespace k = mote::kernels;
namespace ref = mote::reference;
constexpr int channels = 19;

std::mt19937& rng() {
    static std::mt19937 g(777u);
    return g;
}
int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng()); }

mote::quant::ChannelRequant<channels> random_requant(int most_negative_exponent) {
    mote::quant::ChannelRequant<channels> r{};
    for (int c = 0; c < channels; ++c) {
        r.bias[static_cast<std::size_t>(c)] = 0;
        r.multiplier[static_cast<std::size_t>(c)] = (1 << 30) + uniform(0, (1 << 30) - 1);
        r.exponent[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(uniform(most_negative_exponent, -1));
    }
    r.output_zero_point = uniform(-128, 127);
    r.clamp = uniform(0, 1) ? mote::quant::ClampRange{-128, 127}
                            : mote::quant::ClampRange{std::max(-128, r.output_zero_point), 127};
    return r;
}

template <class P>
void check(const mote::quant::ChannelRequant<channels>& r) {
    const auto params = k::channel_params(r);
    const ref::RequantView view{r.bias.data(), r.multiplier.data(), r.exponent.data(),
                                r.input_zero_point, r.output_zero_point, r.clamp};
    const std::int32_t specials[] = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MIN + 1, 1 << 30, -(1 << 30)};
    std::vector<std::int32_t> acc(channels);
    for (int trial = 0; trial < 300; ++trial) {
        for (auto& a : acc)
            a = uniform(0, 3) == 0 ? specials[uniform(0, 7)]
                                   : static_cast<std::int32_t>(rng()()) >> uniform(0, 31);
        std::vector<std::int8_t> want(channels), got(channels);
        for (int c = 0; c < channels; ++c)
            want[static_cast<std::size_t>(c)] = ref::requantize_to_int8(acc[static_cast<std::size_t>(c)], view, c);
        P::requantize_row(acc.data(), k::view_of(params), 0, channels, got.data());
        REQUIRE(got == want);
        for (int c = 0; c < channels; ++c)
            REQUIRE(k::requantize_to_int8(acc[static_cast<std::size_t>(c)], k::view_of(params), c) ==
                    want[static_cast<std::size_t>(c)]);
    }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("The zero point folded into the rounding constant requantizes exactly",
                        "[kernels][requant]", PrimitiveSets) {
    for (int round = 0; round < 40; ++round) {
        const auto foldable = random_requant(-23);  // right shifts ≤ 22
        REQUIRE(k::channel_params(foldable).zp_in_round);
        check<TestType>(foldable);
        auto wide = random_requant(-23);
        wide.exponent[3] = -31;  // a right shift of 30: the zero point stays outside
        REQUIRE_FALSE(k::channel_params(wide).zp_in_round);
        check<TestType>(wide);
    }
}

TEST_CASE("Optimized Add equals reference::add on random quantizations", "[kernels][add]") {
    int compared = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const auto scale = [] { return std::ldexp(1.0f + static_cast<float>(uniform(0, 1000)) / 1000.0f, -uniform(3, 9)); };
        const mote::QuantParams in1{scale(), uniform(-128, 127)}, in2{scale(), uniform(-128, 127)},
            out{scale(), uniform(-128, 127)};
        const auto act = uniform(0, 1) ? mote::Activation::none : mote::Activation::relu;
        const auto p = ref::make_add_params(in1, in2, out, act);
        if (p.error) continue;
        std::vector<std::int8_t> a(256 * 3), b(a.size()), want(a.size()), got(a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = static_cast<std::int8_t>(i % 256), b[i] = static_cast<std::int8_t>(uniform(-128, 127));
        }
        ref::add(p, a.data(), b.data(), want.data(), static_cast<int>(a.size()));
        k::add(k::add_q(p), a.data(), b.data(), got.data(), static_cast<int>(a.size()));
        INFO("trial " << trial);
        REQUIRE(got == want);
        ++compared;
    }
    REQUIRE(compared >= 150);  // most random scale triples are valid: the loop did compare
}
