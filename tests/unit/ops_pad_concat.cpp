// PAD and CONCATENATION reference kernels: bit-exact against TFLM, plus properties; the
// Concatenate layer along each axis.
#include "mote/kernels/reference/concat.hpp"
#include "mote/kernels/reference/pad.hpp"

#include <vector>

#include <mote/mote.hpp>

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
        const std::vector<int> s1 = shape_of(in1), s2 = shape_of(in2);
        REQUIRE(s1.size() == 4);
        const Shape a{s1[1], s1[2], s1[3]}, b{s2[1], s2[2], s2[3]};
        const int blocks[2] = {reference::concat_block(a, Axis::channels),
                               reference::concat_block(b, Axis::channels)};
        for (const Sample& s : samples_of(*c)) {
            std::vector<std::int8_t> got(static_cast<std::size_t>(elements_of(out)));
            const std::int8_t* ins[2] = {as_int8(s.input, input_offset(*c, 0)),
                                         as_int8(s.input, input_offset(*c, 1))};
            reference::concat(ins, blocks, 2, reference::concat_outer(a, Axis::channels), got.data());
            check_int8_output(s, got);
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
    const std::int8_t* ins[2] = {a, b};
    const int blocks[2] = {2, 1};
    std::int8_t out[6] = {};
    reference::concat(ins, blocks, 2, 2, out);
    const std::int8_t expected[6] = {1, 2, 9, 3, 4, 8};
    for (int k = 0; k < 6; ++k) CHECK(out[k] == expected[k]);
    static_assert(reference::make_concat_params({0.05f, -12}, {0.05f, -11}, {0.05f, -12}).error != nullptr);
}

TEST_CASE("concat: outer steps and blocks per axis", "[concat]") {
    constexpr Shape s{2, 3, 4};
    STATIC_REQUIRE(reference::concat_outer(s, Axis::height) == 1);
    STATIC_REQUIRE(reference::concat_block(s, Axis::height) == 24);
    STATIC_REQUIRE(reference::concat_outer(s, Axis::width) == 2);
    STATIC_REQUIRE(reference::concat_block(s, Axis::width) == 12);
    STATIC_REQUIRE(reference::concat_outer(s, Axis::channels) == 6);
    STATIC_REQUIRE(reference::concat_block(s, Axis::channels) == 4);
}

namespace {
inline constexpr QuantParams cat_q{0.06f, 9};
// Shape{2, 3, 2} with another extent along `axis`.
constexpr Shape varied(Axis axis, int extent) {
    Shape s{2, 3, 2};
    (axis == Axis::height ? s.h : (axis == Axis::width ? s.w : s.c)) = extent;
    return s;
}
template <Axis A>
using Cat3 = Sequential<Inputs<Input<varied(A, 1), cat_q>, Input<Shape{2, 3, 2}, cat_q>,
                               Input<varied(A, 5), cat_q>>,
                        Concatenate<A>>;

// Element (y, x, k) of the concatenation of inputs of shapes `in` along `axis`, read directly.
std::int8_t cat_element(const std::vector<std::vector<std::int8_t>>& data,
                        const std::vector<Shape>& in, Axis axis, int y, int x, int k) {
    int pos[3] = {y, x, k};
    const int a = static_cast<int>(axis);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const int dims[3] = {in[i].h, in[i].w, in[i].c};
        if (pos[a] < dims[a])
            return data[i][static_cast<std::size_t>((pos[0] * in[i].w + pos[1]) * in[i].c + pos[2])];
        pos[a] -= dims[a];
    }
    return -1;
}

template <Axis A>
void check_cat3() {
    using Net = Cat3<A>;
    const std::vector<Shape> shapes = {Net::template input<0>::shape, Net::template input<1>::shape,
                                       Net::template input<2>::shape};
    std::vector<std::vector<std::int8_t>> data;
    for (std::size_t i = 0; i < 3; ++i) {
        std::vector<std::int8_t> v(static_cast<std::size_t>(shapes[i].elements()));
        for (std::size_t j = 0; j < v.size(); ++j)
            v[j] = static_cast<std::int8_t>(40 * static_cast<int>(i) + static_cast<int>(j) - 60);
        data.push_back(v);
    }
    static typename Net::Arena arena;
    const std::int8_t* out = Net::run(arena, data[0].data(), data[1].data(), data[2].data());
    constexpr Shape o = Net::output::shape;
    STATIC_REQUIRE(Net::output::quant == cat_q);
    for (int y = 0; y < o.h; ++y)
        for (int x = 0; x < o.w; ++x)
            for (int k = 0; k < o.c; ++k)
                REQUIRE(out[(y * o.w + x) * o.c + k] == cat_element(data, shapes, A, y, x, k));
}
}  // namespace

TEST_CASE("Concatenate<Axis>: three int8 inputs along height, width and channels", "[concat]") {
    STATIC_REQUIRE(Cat3<Axis::height>::output::shape == Shape{8, 3, 2});
    STATIC_REQUIRE(Cat3<Axis::width>::output::shape == Shape{2, 9, 2});
    STATIC_REQUIRE(Cat3<Axis::channels>::output::shape == Shape{2, 3, 8});
    check_cat3<Axis::height>();
    check_cat3<Axis::width>();
    check_cat3<Axis::channels>();
}
