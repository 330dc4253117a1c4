// PAD and CONCATENATION reference kernels: bit-exact against TFLM, plus properties.
#include "mote/kernels/reference/concat.hpp"
#include "mote/kernels/reference/pad.hpp"

#include <vector>

#include "ops_check.hpp"

using namespace mote;
using namespace mote_test;

TEST_CASE("pad golden: every case and sample matches TFLM", "[golden][pad]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("PAD");
    CHECK(cases.size() == 2);
    for (const Json* c : cases) {
        const Json& in = c->at("inputs").at(0);
        const Json& out = c->at("outputs").at(0);
        REQUIRE(is_int8(in));
        const auto p = reference::make_pad_params(quant_of(in), quant_of(out));
        REQUIRE(p.error == nullptr);
        const Json& pd = c->at("params").at("paddings");
        REQUIRE(pd.at(0).at(0).as_int() == 0);
        REQUIRE(pd.at(0).at(1).as_int() == 0);
        const Pads pads{pd.at(1).at(0).as_int(), pd.at(1).at(1).as_int(), pd.at(2).at(0).as_int(),
                        pd.at(2).at(1).as_int(), pd.at(3).at(0).as_int(), pd.at(3).at(1).as_int()};
        const std::vector<int> si = shape_of(in);
        const Shape so = reference::pad_output_shape(Shape{si[1], si[2], si[3]}, pads);
        CHECK(so.elements() == elements_of(out));
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(so.elements()));
            reference::pad(pads, p.pad_value, as_int8(s.input), got.data(), si[1], si[2], si[3]);
            check_int8_output(s, got);
        }
    }
}

TEST_CASE("concatenation golden: every case and sample matches TFLM", "[golden][concat]") {
    MOTE_REQUIRE_OPS_DATA();
    const auto cases = cases_for_op("CONCATENATION");
    CHECK(cases.size() == 1);
    for (const Json* c : cases) {
        const Json& in1 = c->at("inputs").at(0);
        const Json& in2 = c->at("inputs").at(1);
        const Json& out = c->at("outputs").at(0);
        REQUIRE(is_int8(in1));
        REQUIRE(c->at("params").at("axis").as_int() == 3);
        const auto p = reference::make_concat_params(quant_of(in1), quant_of(in2), quant_of(out));
        REQUIRE(p.error == nullptr);
        const int c1 = shape_of(in1).back(), c2 = shape_of(in2).back();
        const int pixels = elements_of(in1) / c1;
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(elements_of(out)));
            reference::concat_channels(as_int8(s.input, input_offset(*c, 0)), c1,
                                       as_int8(s.input, input_offset(*c, 1)), c2, pixels, got.data());
            check_int8_output(s, got);
            // The N-input form gives the same bytes.
            const std::int8_t* ins[2] = {as_int8(s.input, input_offset(*c, 0)),
                                         as_int8(s.input, input_offset(*c, 1))};
            const int chans[2] = {c1, c2};
            std::vector<std::int8_t> got_n(got.size());
            reference::concat_channels(ins, chans, 2, pixels, got_n.data());
            check_int8_output(s, got_n);
        }
    }
}

TEST_CASE("pad: every side and the channel axis, float pads with 0", "[pad]") {
    const Pads pads{1, 0, 0, 2, 1, 1};
    const float x[1 * 2 * 1] = {5.0f, 6.0f};
    const Shape so = reference::pad_output_shape(Shape{1, 2, 1}, pads);
    REQUIRE(so == Shape{2, 4, 3});
    std::vector<float> y(static_cast<std::size_t>(so.elements()), -1.0f);
    reference::pad(pads, 0.0f, x, y.data(), 1, 2, 1);
    const std::vector<float> expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   // top row
                                         0, 5, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};  // data + right pad
    CHECK(y == expected);
    constexpr auto bad = reference::make_pad_params({0.04f, -21}, {0.05f, -21});
    static_assert(bad.error != nullptr);
    constexpr auto ok = reference::make_pad_params({0.04f, -21}, {0.04f, -21});
    STATIC_REQUIRE(ok.pad_value == -21);
}

TEST_CASE("concat: interleaves channels per pixel, mismatched quantization rejected", "[concat]") {
    const std::int8_t a[4] = {1, 2, 3, 4};        // 2 pixels x 2 channels
    const std::int8_t b[2] = {9, 8};              // 2 pixels x 1 channel
    std::int8_t out[6] = {};
    reference::concat_channels(a, 2, b, 1, 2, out);
    const std::int8_t expected[6] = {1, 2, 9, 3, 4, 8};
    for (int k = 0; k < 6; ++k) CHECK(out[k] == expected[k]);
    static_assert(reference::make_concat_params({0.05f, -12}, {0.05f, -11}, {0.05f, -12}).error != nullptr);
}
