// Graph models, several outputs and state: resource variables carried between runs, reset(),
// and the per-step state layout.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <tuple>

#include <mote/mote.hpp>

namespace st {
using namespace mote;
inline constexpr QuantParams in_q{0.05f, 3};
inline constexpr QuantParams acc_q{0.1f, -5};
inline constexpr std::array<std::int8_t, 16> acc_init = [] {
    std::array<std::int8_t, 16> a{};
    for (int k = 0; k < 16; ++k) a[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(-5 + 4 * (k - 8));
    return a;
}();
inline constexpr Variable<Shape{1, 1, 16}, std::int8_t> acc{acc_q, acc_init};

// acc_new = acc + in (int8 ADD with two input scales); acc = acc_new; outputs acc_new.
using Accumulator = Graph<Input<Shape{1, 1, 16}, in_q>,
                          Node<ReadVariable<acc>>,                      // value 1
                          Node<Add<Activation::none, acc_q>, 1, 0>,     // value 2
                          Node<AssignVariable<acc>, 2>,                 // value 3
                          Outputs<2>>;

inline constexpr std::array<float, 4> ramp{0.f, 0.25f, 0.5f, 0.75f};
inline constexpr Variable<Shape{1, 1, 4}, float> fsum{{}, ramp};
using FloatTwoOutputs = Graph<Input<Shape{1, 1, 4}, float32>,
                              Node<ReadVariable<fsum>>,       // 1
                              Node<Add<>, 1, 0>,              // 2: running sum
                              Node<AssignVariable<fsum>, 2>,  // 3
                              Node<Mul<>, 2, 0>,              // 4: sum * input
                              Outputs<4, 2>>;
}  // namespace st

TEST_CASE("A resource variable carries an int8 running sum from run to run; reset restores it", "[model][state]") {
    using Net = st::Accumulator;
    STATIC_REQUIRE(Net::stateful);
    STATIC_REQUIRE(Net::state_bytes == 16);
    STATIC_REQUIRE(Net::output_count == 1);
    constexpr auto p = mote::reference::make_add_params(st::acc_q, st::in_q, st::acc_q);
    static Net::Arena arena;
    Net::State state;
    std::array<std::int8_t, 16> in{}, expect = st::acc_init;
    for (int frame = 0; frame < 6; ++frame) {
        for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::int8_t>(frame * 20 + static_cast<int>(i) * 7 - 60);
        const std::int8_t* out = Net::run(arena, state, in.data());
        for (std::size_t i = 0; i < in.size(); ++i) {
            expect[i] = mote::reference::add_value(p, expect[i], in[i]);
            INFO("frame " << frame << " element " << i);
            REQUIRE(out[i] == expect[i]);
        }
    }
    // Fresh state again: the first frame's result equals init + in.
    Net::reset(state);
    const std::int8_t* out = Net::run(arena, state, in.data());
    for (std::size_t i = 0; i < in.size(); ++i)
        REQUIRE(out[i] == mote::reference::add_value(p, st::acc_init[i], in[i]));
}

TEST_CASE("A Graph returns every output in order; float state accumulates exactly", "[model][state]") {
    using Net = st::FloatTwoOutputs;
    STATIC_REQUIRE(Net::output_count == 2);
    STATIC_REQUIRE(Net::output_bytes == 32);
    STATIC_REQUIRE(Net::state_bytes == 16);
    static Net::Arena arena;
    Net::State state;
    std::array<float, 4> sum{0.f, 0.25f, 0.5f, 0.75f};
    const std::array<float, 4> in{1.f, -2.f, 0.5f, 3.f};
    for (int frame = 0; frame < 3; ++frame) {
        const auto [product, running] = Net::run(arena, state, in.data());
        for (std::size_t i = 0; i < 4; ++i) {
            sum[i] += in[i];
            REQUIRE(running[i] == sum[i]);
            REQUIRE(product[i] == sum[i] * in[i]);
        }
    }
    std::array<std::byte, Net::output_bytes> bytes{};
    Net::reset(state);
    Net::run_bytes(arena, state, reinterpret_cast<const std::byte*>(in.data()), bytes.data());
    std::array<float, 8> got{};
    std::memcpy(got.data(), bytes.data(), bytes.size());
    for (std::size_t i = 0; i < 4; ++i) {
        REQUIRE(got[4 + i] == st::ramp[i] + in[i]);
        REQUIRE(got[i] == (st::ramp[i] + in[i]) * in[i]);
    }
}

TEST_CASE("describe() lists the outputs and the state", "[model][state]") {
    std::string text;
    mote::describe<st::FloatTwoOutputs>([&](const char* s) { text += s; });
    INFO(text);
    REQUIRE(text.find("output 1") != std::string::npos);
    REQUIRE(text.find("state 16 B kept between runs") != std::string::npos);
    REQUIRE(text.find("ReadVariable") != std::string::npos);
}
