// RESIZE_NEAREST_NEIGHBOR, TRANSPOSE and STRIDED_SLICE: index maps against TFLite's formulas
// and direct index arithmetic, odd shapes, and the layers through the model API (int8 keeps its
// quantization, other element types move the same way).
#include "mote/kernels/reference/resize.hpp"
#include "mote/kernels/reference/slice.hpp"
#include "mote/kernels/reference/transpose.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <mote/mote.hpp>

using namespace mote;

namespace {

// TFLite's GetNearestNeighbor with <cmath>, evaluated at run time.
int tflite_nearest(int out_index, int in_size, int out_size, bool align, bool half) {
    const auto f = [](int i) { return static_cast<float>(i); };  // TFLite's implicit conversions
    const float scale = (align && out_size > 1) ? f(in_size - 1) / f(out_size - 1) : f(in_size) / f(out_size);
    const float offset = half ? 0.5f : 0.0f;
    int v = std::min(align ? static_cast<int>(std::round((f(out_index) + offset) * scale))
                           : static_cast<int>(std::floor((f(out_index) + offset) * scale)),
                     in_size - 1);
    if (half) v = std::max(0, v);
    return v;
}

template <class T>
std::vector<T> iota_values(int n, int start) {
    std::vector<T> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<T>(start + i);
    return v;
}

int at(Shape s, int y, int x, int k) { return (y * s.w + x) * s.c + k; }

}  // namespace

TEST_CASE("resize nearest: source indices equal TFLite's for every size and option", "[resize]") {
    int compared = 0;
    for (int in = 1; in <= 23; ++in)
        for (int out = 1; out <= 40; ++out)
            for (int options = 0; options < 4; ++options) {
                const bool align = (options & 1) != 0, half = (options & 2) != 0;
                for (int i = 0; i < out; ++i) {
                    INFO("in " << in << " out " << out << " align " << align << " half " << half << " i " << i);
                    REQUIRE(reference::nearest_source_index(i, in, out, align, half) ==
                            tflite_nearest(i, in, out, align, half));
                    ++compared;
                }
            }
    CHECK(compared == 23 * 4 * (40 * 41 / 2));
    // Worked cases: 2× up, align_corners rounding halves up, half-pixel centres.
    constexpr auto up = reference::make_nearest_sources<6, 4>(Shape{3, 2, 1}, false, false);
    STATIC_REQUIRE(up.row == std::array<int, 6>{0, 0, 1, 1, 2, 2});
    STATIC_REQUIRE(up.col == std::array<int, 4>{0, 0, 1, 1});
    constexpr auto aligned = reference::make_nearest_sources<5, 1>(Shape{3, 1, 1}, true, false);
    STATIC_REQUIRE(aligned.row == std::array<int, 5>{0, 1, 1, 2, 2});  // 0, 0.5, 1, 1.5, 2
    constexpr auto half = reference::make_nearest_sources<4, 3>(Shape{2, 5, 1}, false, true);
    STATIC_REQUIRE(half.row == std::array<int, 4>{0, 0, 1, 1});  // (y + 0.5) / 2
    STATIC_REQUIRE(half.col == std::array<int, 3>{0, 2, 4});     // (x + 0.5) · 5/3
    constexpr auto down = reference::make_nearest_sources<2, 1>(Shape{7, 1, 1}, false, false);
    STATIC_REQUIRE(down.row == std::array<int, 2>{0, 3});  // floor(y · 3.5)
}

TEST_CASE("resize nearest: whole pixels copied, channels kept together", "[resize]") {
    const Shape in{2, 3, 2};
    const auto x = iota_values<std::int8_t>(in.elements(), -6);
    constexpr auto s = reference::make_nearest_sources<3, 5>(Shape{2, 3, 2}, false, true);
    std::vector<std::int8_t> y(3 * 5 * 2);
    reference::resize_nearest_neighbor(s, x.data(), in, y.data());
    for (int oy = 0; oy < 3; ++oy)
        for (int ox = 0; ox < 5; ++ox)
            for (int k = 0; k < 2; ++k)
                REQUIRE(y[static_cast<std::size_t>(at({3, 5, 2}, oy, ox, k))] ==
                        x[static_cast<std::size_t>(at(in, tflite_nearest(oy, 2, 3, false, true),
                                                      tflite_nearest(ox, 3, 5, false, true), k))]);
}

TEST_CASE("transpose: all six permutations against direct indexing", "[transpose]") {
    constexpr Axis H = Axis::height, W = Axis::width, C = Axis::channels;
    const Permutation perms[6] = {{H, W, C}, {H, C, W}, {W, H, C}, {W, C, H}, {C, H, W}, {C, W, H}};
    const Shape in{3, 4, 5};
    const auto x = iota_values<float>(in.elements(), 0);
    for (const Permutation p : perms) {
        const Shape o = reference::transposed_shape(in, p);
        REQUIRE(o.elements() == in.elements());
        std::vector<float> y(static_cast<std::size_t>(o.elements()), -1.0f);
        reference::transpose(p, x.data(), in, y.data());
        for (int a = 0; a < o.h; ++a)
            for (int b = 0; b < o.w; ++b)
                for (int k = 0; k < o.c; ++k) {
                    int idx[3] = {};  // input (y, x, c) of output (a, b, k)
                    idx[static_cast<int>(p.h)] = a;
                    idx[static_cast<int>(p.w)] = b;
                    idx[static_cast<int>(p.c)] = k;
                    REQUIRE(y[static_cast<std::size_t>(at(o, a, b, k))] ==
                            x[static_cast<std::size_t>(at(in, idx[0], idx[1], idx[2]))]);
                }
    }
    STATIC_REQUIRE(reference::transposed_shape({3, 4, 5}, {C, H, W}) == Shape{5, 3, 4});
    STATIC_REQUIRE(!reference::is_permutation({H, H, C}));
}

TEST_CASE("strided slice: offsets, strides, bounds", "[slice]") {
    const Shape in{5, 7, 6};
    const auto x = iota_values<std::int16_t>(in.elements(), -100);
    const Offsets begin{1, 2, 1};
    const Strides step{2, 3, 2};
    const Shape out{2, 2, 3};
    REQUIRE(reference::slice_fits(in, begin, step, out));
    std::vector<std::int16_t> y(static_cast<std::size_t>(out.elements()));
    reference::strided_slice(begin, step, x.data(), in, y.data(), out);
    for (int a = 0; a < out.h; ++a)
        for (int b = 0; b < out.w; ++b)
            for (int k = 0; k < out.c; ++k)
                REQUIRE(y[static_cast<std::size_t>(at(out, a, b, k))] ==
                        x[static_cast<std::size_t>(at(in, 1 + 2 * a, 2 + 3 * b, 1 + 2 * k))]);
    // The last index read must lie inside: 1 + 2·2 = 5 is one row too far.
    STATIC_REQUIRE(reference::slice_fits({5, 7, 6}, {1, 2, 1}, {2, 3, 2}, {2, 2, 3}));
    STATIC_REQUIRE(!reference::slice_fits({5, 7, 6}, {1, 2, 1}, {2, 3, 2}, {3, 2, 3}));
    STATIC_REQUIRE(!reference::slice_fits({5, 7, 6}, {0, 0, 6}, {1, 1, 1}, {1, 1, 1}));
    STATIC_REQUIRE(!reference::slice_fits({5, 7, 6}, {0, 0, 0}, {1, 0, 1}, {1, 1, 1}));
    STATIC_REQUIRE(!reference::slice_fits({5, 7, 6}, {-1, 0, 0}, {1, 1, 1}, {1, 1, 1}));
}

namespace {
inline constexpr QuantParams move_q{0.07f, -3};
using Moves = Sequential<Input<Shape{4, 6, 3}, move_q>,
                         ResizeNearestNeighbor<8, 9, true, false>,
                         Transpose<Permutation{Axis::channels, Axis::height, Axis::width}>,
                         StridedSlice<Offsets{1, 1, 0}, Strides{1, 2, 3}, Shape{2, 4, 3}>>;
using FloatMoves = Sequential<Input<Shape{4, 6, 3}, float32>, ResizeNearestNeighbor<2, 3>,
                              Transpose<Permutation{Axis::width, Axis::height, Axis::channels}>>;
// SPLIT of channels 3 + 5 as two slices of one input.
using Split = Sequential<Input<Shape{2, 2, 8}, float32>,
                         Branch<Concatenate<Axis::width>,
                                Sequential<StridedSlice<Offsets{0, 0, 0}, Strides{}, Shape{2, 2, 3}>>,
                                Sequential<StridedSlice<Offsets{0, 0, 5}, Strides{}, Shape{2, 2, 3}>>>>;
}  // namespace

TEST_CASE("resize, transpose, slice layers: shapes, quantization kept, int8 and float runs",
          "[resize][transpose][slice]") {
    STATIC_REQUIRE(Moves::output::shape == Shape{2, 4, 3});
    STATIC_REQUIRE(Moves::output::quant == move_q);
    STATIC_REQUIRE(FloatMoves::output::shape == Shape{3, 2, 3});

    const Shape in{4, 6, 3};
    const auto x = iota_values<std::int8_t>(in.elements(), -72);
    static Moves::Arena arena;
    const std::int8_t* y = Moves::run(arena, x.data());
    // Walk the three index maps back: slice → transpose (3×8×9) → resize (8×9×3) → input.
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 4; ++b)
            for (int k = 0; k < 3; ++k) {
                const int ty = 1 + a, tx = 1 + 2 * b, tc = 3 * k;
                const int ry = tx, rx = tc, rc = ty;
                const int sy = tflite_nearest(ry, 4, 8, true, false);
                const int sx = tflite_nearest(rx, 6, 9, true, false);
                REQUIRE(y[at({2, 4, 3}, a, b, k)] == x[static_cast<std::size_t>(at(in, sy, sx, rc))]);
            }

    const auto f = iota_values<float>(in.elements(), 0);
    static FloatMoves::Arena farena;
    const float* g = FloatMoves::run(farena, f.data());
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 2; ++b)
            for (int k = 0; k < 3; ++k)
                REQUIRE(g[at({3, 2, 3}, a, b, k)] == f[static_cast<std::size_t>(at(in, 2 * b, 2 * a, k))]);

    const auto s = iota_values<float>(32, 0);
    static Split::Arena sarena;
    const float* z = Split::run(sarena, s.data());
    STATIC_REQUIRE(Split::output::shape == Shape{2, 4, 3});
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 4; ++b)
            for (int k = 0; k < 3; ++k)
                REQUIRE(z[at({2, 4, 3}, a, b, k)] ==
                        s[static_cast<std::size_t>(at({2, 2, 8}, a, b % 2, k + (b < 2 ? 0 : 5)))]);
}
