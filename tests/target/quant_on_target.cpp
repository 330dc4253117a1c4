// mote::quant on the target vs. constants: the multiplier derivation and the TFLite-style
// requantization, evaluated at run time on the device (inputs through volatile, so nothing is
// folded) and at compile time, against values from an independent model of TFLite's reference
// arithmetic. Exit status = number of mismatches.
#include <cstdint>

#include "mote/quant/multiplier.hpp"
#include "mote/quant/requantize.hpp"
#include "mote_board.hpp"

namespace {

struct MultiplierCase {
    double real;
    std::int32_t multiplier;
    int exponent;
};
constexpr MultiplierCase multiplier_cases[] = {
    {0.00392156862745098, 1077952576, -7},
    {0.5, 1073741824, 0},
    {1.0, 1073741824, 1},
    {0.75, 1610612736, 0},
    {1e-10, 0, 0},
    {3.5, 1879048192, 2},
    {0.000123, 1081919442, -12},
    {0.9999999999, 1073741824, 1},
};

struct RequantCase {
    std::int32_t x, multiplier;
    int exponent;
    std::int32_t expected;
};
constexpr RequantCase requant_cases[] = {
    {1000, 1073741824, 0, 500},
    {1000, 1518500250, 0, 707},
    {1000, 2147483647, 0, 1000},
    {1000, 1073741825, 0, 500},
    {-1000, 1073741824, 0, -500},
    {-1000, 1518500250, 0, -707},
    {-1000, 2147483647, 0, -1000},
    {-1000, 1073741825, 0, -500},
    {123456, 1073741824, 1, 123456},
    {123456, 1518500250, 1, 174593},
    {123456, 2147483647, 1, 246912},
    {123456, 1073741825, 1, 123456},
    {-123456, 1073741824, -3, -7716},
    {-123456, 1518500250, -3, -10912},
    {-123456, 2147483647, -3, -15432},
    {-123456, 1073741825, -3, -7716},
    {2147483647, 1073741824, -31, 1},
    {2147483647, 1518500250, -31, 1},
    {2147483647, 2147483647, -31, 1},
    {2147483647, 1073741825, -31, 1},
    {-2147483648, 1073741824, -31, -1},
    {-2147483648, 1518500250, -31, -1},
    {-2147483648, 2147483647, -31, -1},
    {-2147483648, 1073741825, -31, -1},
    {77, 1073741824, 5, 1232},
    {77, 1518500250, 5, 1742},
    {77, 2147483647, 5, 2464},
    {77, 1073741825, 5, 1232},
    {-77, 1073741824, -7, 0},
    {-77, 1518500250, -7, 0},
    {-77, 2147483647, -7, -1},
    {-77, 1073741825, -7, 0},
    {5, 1073741824, -1, 2},
    {5, 1518500250, -1, 2},
    {5, 2147483647, -1, 3},
    {5, 1073741825, -1, 2},
    {-5, 1073741824, -1, -1},
    {-5, 1518500250, -1, -2},
    {-5, 2147483647, -1, -3},
    {-5, 1073741825, -1, -2},
    {3, 1073741824, -1, 1},
    {3, 1518500250, -1, 1},
    {3, 2147483647, -1, 2},
    {3, 1073741825, -1, 1},
    {-3, 1073741824, -1, -1},
    {-3, 1518500250, -1, -1},
    {-3, 2147483647, -1, -2},
    {-3, 1073741825, -1, -1},
};

constexpr bool all_constexpr_match() {
    for (const auto& c : multiplier_cases) {
        const auto m = mote::quant::quantize_multiplier(c.real);
        if (m.multiplier != c.multiplier || m.exponent != c.exponent) return false;
    }
    for (const auto& c : requant_cases)
        if (mote::quant::multiply_by_quantized_multiplier(c.x, c.multiplier, c.exponent) !=
            c.expected)
            return false;
    return true;
}
static_assert(all_constexpr_match(), "mote::quant differs from the reference constants");

}  // namespace

int main() {
    int failures = 0;
    for (const auto& c : multiplier_cases) {
        volatile double real = c.real;
        const auto m = mote::quant::quantize_multiplier(real);
        if (m.multiplier != c.multiplier || m.exponent != c.exponent) {
            mote::board::print("FAIL quantize_multiplier case ", static_cast<int>(&c - multiplier_cases),
                               ": got ", m.multiplier, " 2^", m.exponent, "\n");
            ++failures;
        }
    }
    const std::uint64_t start = mote::board::instructions();
    for (const auto& c : requant_cases) {
        volatile std::int32_t x = c.x, multiplier = c.multiplier;
        volatile int exponent = c.exponent;
        const std::int32_t got =
            mote::quant::multiply_by_quantized_multiplier(x, multiplier, exponent);
        if (got != c.expected) {
            mote::board::print("FAIL requantize(", c.x, ", ", c.multiplier, ", ", c.exponent,
                               ") = ", got, ", expected ", c.expected, "\n");
            ++failures;
        }
    }
    const std::uint64_t spent = mote::board::instructions() - start;
    mote::board::print("mote::quant on ", MOTE_BOARD_NAME, ": ",
                       sizeof multiplier_cases / sizeof multiplier_cases[0], " multipliers, ",
                       sizeof requant_cases / sizeof requant_cases[0], " requantizations (",
                       spent, " instructions), ", failures, " failures\n");
    return failures;
}
