// AVERAGE_POOL_2D and MAX_POOL_2D reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/pool.hpp"

#include <string>
#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

namespace {

reference::PoolGeometry geometry_of(const Json& c) {
    const std::vector<int> in = shape_of(c.at("inputs").at(0));
    const std::vector<int> out = shape_of(c.at("outputs").at(0));
    const Json& prm = c.at("params");
    const Json& pads = prm.at("pad_top_bottom_left_right");
    return {in[1],
            in[2],
            in[3],
            out[1],
            out[2],
            prm.at("filter_hw").at(0).as_int(),
            prm.at("filter_hw").at(1).as_int(),
            prm.at("stride_hw").at(0).as_int(),
            prm.at("stride_hw").at(1).as_int(),
            pads.at(0).as_int(),
            pads.at(2).as_int()};
}

Activation activation_of(const Json& c) {
    const std::string& a = c.at("params").at("fused_activation").string;
    return a == "RELU" ? Activation::relu : a == "RELU6" ? Activation::relu6 : Activation::none;
}

void run_pool_golden(const char* op, std::size_t expected_cases, bool average) {
    const auto cases = cases_for_op(op);
    CHECK(cases.size() == expected_cases);
    for (const Json* c : cases) {
        INFO(c->at("name").string);
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        const reference::PoolGeometry g = geometry_of(*c);
        // Our own SAME/VALID geometry must agree with the one recorded in the case.
        const std::vector<int> ishape = shape_of(in);
        const auto mine = reference::make_pool_geometry(
            Shape{ishape[1], ishape[2], ishape[3]}, Kernel{g.kernel_h, g.kernel_w},
            Stride{g.stride_h, g.stride_w},
            c->at("params").at("padding").string == "SAME" ? Padding::same : Padding::valid);
        CHECK(mine.out_h == g.out_h);
        CHECK(mine.out_w == g.out_w);
        CHECK(mine.pad_top == g.pad_top);
        CHECK(mine.pad_left == g.pad_left);
        const auto n = static_cast<std::size_t>(elements_of(out));
        for (const Sample& s : samples_of(*c)) {
            if (is_int8(in)) {
                const auto p = reference::make_pool_params(quant_of(in), quant_of(out), activation_of(*c));
                REQUIRE(p.error == nullptr);
                std::vector<std::int8_t> got(n);
                if (average)
                    reference::average_pool(g, p.clamp, as_int8(s.input), got.data());
                else
                    reference::max_pool(g, p.clamp, as_int8(s.input), got.data());
                check_int8_output(s, got);
            } else {
                const auto x = as_floats(s.input, 0, static_cast<std::size_t>(elements_of(in)));
                const auto range = quant::activation_range_float(activation_of(*c));
                std::vector<float> got(n);
                if (average) {
                    reference::average_pool(g, range, x.data(), got.data());
                    // Same float32 summation order and division as TFLM: expect exact, allow 1e-6.
                    check_float_output(s, got, 1e-6);
                } else {
                    reference::max_pool(g, range, x.data(), got.data());
                    check_float_output(s, got, 0.0);
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("average pool golden: every case and sample matches TFLM", "[golden][avgpool]") {
    MOTE_REQUIRE_OPS_DATA();
    run_pool_golden("AVERAGE_POOL_2D", 6, true);
}

TEST_CASE("max pool golden: every case and sample matches TFLM", "[golden][maxpool]") {
    MOTE_REQUIRE_OPS_DATA();
    run_pool_golden("MAX_POOL_2D", 5, false);
}

TEST_CASE("average pool int8: ties round half away from zero on the raw values", "[avgpool]") {
    // One 2x2 window over 1 channel: hand-computed sums and their rounded averages.
    const reference::PoolGeometry g{2, 2, 1, 1, 1, 2, 2, 2, 2, 0, 0};
    const quant::ClampRange all{-128, 127};
    struct Case {
        std::int8_t x[4];
        int expected;
    };
    const Case cases[] = {
        {{1, 1, 0, 0}, 1},      // 2/4 = 0.5 → 1
        {{-1, -1, 0, 0}, -1},   // −0.5 → −1 (away from zero)
        {{1, 0, 0, 0}, 0},      // 0.25 → 0
        {{3, 3, 3, 1}, 3},      // 2.5 → 3
        {{-3, -3, -3, -1}, -3}, // −2.5 → −3
        {{-5, -5, -5, -6}, -5}, // −5.25 → −5
        {{127, 127, 127, 126}, 127},
        {{-128, -128, -128, -127}, -128},
    };
    for (const Case& k : cases) {
        std::int8_t out = 0;
        reference::average_pool(g, all, k.x, &out);
        CHECK(static_cast<int>(out) == k.expected);
    }
}

TEST_CASE("pool: SAME border windows count only in-bounds taps, padding never wins a max",
          "[avgpool][maxpool]") {
    // 3x3 input, 3x3 kernel, stride 1, SAME: corner windows see 4 taps, edges 6, centre 9.
    const auto g = reference::make_pool_geometry(Shape{3, 3, 1}, Kernel{3, 3}, Stride{1, 1}, Padding::same);
    REQUIRE(g.out_h == 3);
    REQUIRE(g.pad_top == 1);
    const std::int8_t x[9] = {-100, -100, -100, -100, -100, -100, -100, -100, -100};
    std::int8_t avg[9], mx[9];
    reference::average_pool(g, {-128, 127}, x, avg);
    reference::max_pool(g, {-128, 127}, x, mx);
    for (int k = 0; k < 9; ++k) {
        CHECK(avg[k] == -100);  // a zero-padded average would be pulled towards 0
        CHECK(mx[k] == -100);   // a zero pad would win the max
    }
}

TEST_CASE("pool: channel blocking gives the same result as per-channel loops", "[avgpool][maxpool]") {
    // 37 channels (two full blocks of 16 and a remainder of 5).
    const auto g = reference::make_pool_geometry(Shape{5, 4, 37}, Kernel{2, 3}, Stride{2, 1}, Padding::same);
    std::vector<std::int8_t> x(5 * 4 * 37);
    std::uint32_t state = 7;
    for (auto& v : x) {
        state = state * 1664525u + 1013904223u;
        v = static_cast<std::int8_t>(state >> 24);
    }
    std::vector<std::int8_t> avg(static_cast<std::size_t>(g.out_h * g.out_w * 37)), mx(avg.size());
    reference::average_pool(g, {-128, 127}, x.data(), avg.data());
    reference::max_pool(g, {-128, 127}, x.data(), mx.data());
    for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox)
            for (int ch = 0; ch < 37; ++ch) {
                int sum = 0, cnt = 0, m = -128;
                for (int ky = 0; ky < g.kernel_h; ++ky)
                    for (int kx = 0; kx < g.kernel_w; ++kx) {
                        const int y = oy * g.stride_h - g.pad_top + ky;
                        const int xx = ox * g.stride_w - g.pad_left + kx;
                        if (y < 0 || y >= 5 || xx < 0 || xx >= 4) continue;
                        const int v = x[static_cast<std::size_t>((y * 4 + xx) * 37 + ch)];
                        sum += v;
                        ++cnt;
                        m = v > m ? v : m;
                    }
                const int expected = sum > 0 ? (sum + cnt / 2) / cnt : (sum - cnt / 2) / cnt;
                const auto idx = static_cast<std::size_t>((oy * g.out_w + ox) * 37 + ch);
                CHECK(static_cast<int>(avg[idx]) == expected);
                CHECK(static_cast<int>(mx[idx]) == m);
            }
}

TEST_CASE("pool params: output must keep the input quantization, fused RELU6 bounds", "[avgpool]") {
    constexpr auto ok = reference::make_pool_params({0.09f, -46}, {0.09f, -46}, Activation::relu6);
    static_assert(ok.error == nullptr && ok.clamp.min == -46 && ok.clamp.max == 21);  // −46 + round(66.67)
    static_assert(reference::make_pool_params({0.09f, -46}, {0.1f, -46}).error != nullptr);
    constexpr auto g = reference::make_pool_geometry(Shape{7, 7, 3}, Kernel{2, 2}, Stride{2, 2}, Padding::same);
    static_assert(g.out_h == 4 && g.out_w == 4 && g.pad_top == 0 && g.pad_left == 0);
}
