// Model composition: branch order, the arena plan's safety, run_bytes, describe().
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <mote/mote.hpp>

namespace g {
using namespace mote;
inline constexpr QuantParams in_q{0.04f, 5};
inline constexpr QuantParams add_q{0.07f, -20};
inline constexpr std::array<std::int8_t, 4 * 3 * 3 * 4> conv_values = [] {
    std::array<std::int8_t, 4 * 3 * 3 * 4> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::int8_t>((i * 37) % 255 - 127);
    return a;
}();
inline constexpr std::array<float, 4> conv_scales{0.002f, 0.004f, 0.001f, 0.003f};
inline constexpr QuantizedWeights conv_a{conv_values, conv_scales, {}, {0.03f, -128}};
inline constexpr QuantizedWeights conv_b{conv_values, conv_scales, {}, {0.11f, 9}};

using Main = Sequential<Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::relu, conv_a>,
                        Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, conv_b>>;
// The same block with the join's inputs in either order: each input must stay paired with its
// own quantization parameters.
using ShortcutFirst = Sequential<Input<Shape{6, 7, 4}, in_q>, Branch<Add<Activation::none, add_q>, Identity, Main>>;
using ShortcutLast = Sequential<Input<Shape{6, 7, 4}, in_q>, Branch<Add<Activation::none, add_q>, Main, Identity>>;
using Unsplit = Sequential<Input<Shape{6, 7, 4}, in_q>, Main>;
using ConvOnly = Sequential<Input<Shape{6, 7, 4}, in_q>,
                            Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, conv_b>>;
using ConvRelu = Sequential<Input<Shape{6, 7, 4}, in_q>,
                            Conv2D<4, Kernel{3, 3}, Stride{1, 1}, Padding::same, Activation::none, conv_b>,
                            ReLU<>>;
}  // namespace g

TEST_CASE("A residual block keeps its input alive until the join, inputs paired with their quantization", "[model]") {
    std::array<std::int8_t, 6 * 7 * 4> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::int8_t>((i * 53) % 256 - 128);
    static g::ShortcutFirst::Arena a;
    static g::ShortcutLast::Arena b;
    static g::Unsplit::Arena u;
    const std::int8_t* first = g::ShortcutFirst::run(a, in.data());
    const std::int8_t* last = g::ShortcutLast::run(b, in.data());
    const std::int8_t* main_only = g::Unsplit::run(u, in.data());

    // Recompute the ADD from the main path and the untouched input with the kernel itself.
    constexpr auto shortcut_first = mote::reference::make_add_params(g::in_q, {0.11f, 9}, g::add_q);
    constexpr auto shortcut_last = mote::reference::make_add_params({0.11f, 9}, g::in_q, g::add_q);
    for (std::size_t i = 0; i < in.size(); ++i) {
        INFO("element " << i);
        REQUIRE(first[i] == mote::reference::add_value(shortcut_first, in[i], main_only[i]));
        REQUIRE(last[i] == mote::reference::add_value(shortcut_last, main_only[i], in[i]));
    }
    // 3 tensors of 168 B (aligned 176) live at once inside the block; the input is the caller's.
    STATIC_REQUIRE(g::ShortcutFirst::arena_bytes == 2 * 176);
}

TEST_CASE("The arena plan never overlaps two tensors that are alive together", "[model][plan]") {
    using Net = g::ShortcutFirst;
    // Every model asserts this at compile time (model/model.hpp), for both input placements.
    STATIC_REQUIRE(mote::plan::disjoint(Net::items, Net::placement));
    STATIC_REQUIRE(mote::plan::disjoint(Net::items_with_inputs, Net::placement_with_inputs));
    // The check itself: moving one live item onto another, or past the arena's end, fails it.
    for (std::size_t i = 0; i < Net::items.size(); ++i)
        for (std::size_t j = 0; j < Net::items.size(); ++j) {
            if (i == j || !mote::plan::lifetimes_overlap(Net::items[i], Net::items[j])) continue;
            auto moved = Net::placement;
            moved.offset[i] = moved.offset[j];
            INFO("item " << i << " onto item " << j);
            REQUIRE_FALSE(mote::plan::disjoint(Net::items, moved));
        }
    auto shrunk = Net::placement;
    shrunk.bytes -= mote::plan::alignment;
    REQUIRE_FALSE(mote::plan::disjoint(Net::items, shrunk));
}

TEST_CASE("Inputs in the arena: the same outputs, the input's bytes reused once it is read",
          "[model][plan]") {
    using Net = g::ShortcutFirst;
    std::array<std::int8_t, 6 * 7 * 4> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::int8_t>((i * 53) % 256 - 128);
    static Net::Arena caller;
    static Net::ArenaWithInputs with_inputs;
    const std::int8_t* want = Net::run(caller, in.data());
    for (int run = 0; run < 2; ++run) {   // the input is rewritten before every run
        std::memcpy(Net::input_buffer(with_inputs), in.data(), in.size());
        REQUIRE(std::memcmp(Net::run(with_inputs), want, Net::output::bytes) == 0);
    }
    // The residual block keeps its input until the join: three 176 B tensors live at once.
    STATIC_REQUIRE(Net::arena_with_inputs_bytes == 3 * 176);
    // A chain frees its input after the first layer: input + first output ≤ the peak later.
    using Chain = g::Unsplit;
    STATIC_REQUIRE(Chain::arena_with_inputs_bytes == Chain::arena_bytes);
    STATIC_REQUIRE(Chain::arena_with_inputs_bytes < Chain::arena_bytes + Chain::input_bytes);
}

TEST_CASE("An element-wise layer writes over the input it is the last to read", "[model][plan]") {
    using Net = g::ConvRelu;
    // The ReLU's output takes the convolution's bytes: no more arena than the convolution alone.
    STATIC_REQUIRE(Net::arena_bytes == g::ConvOnly::arena_bytes);
    STATIC_REQUIRE(Net::placement.offset[2] == Net::placement.offset[1]);
    STATIC_REQUIRE(Net::items[2].size == 0 && Net::items[1].last == static_cast<int>(Net::layer_count));
    // In the arena the input can be overwritten too, but not by the convolution (not in place).
    STATIC_REQUIRE(Net::arena_with_inputs_bytes == g::ConvOnly::arena_with_inputs_bytes);
    std::array<std::int8_t, 6 * 7 * 4> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::int8_t>((i * 71) % 256 - 128);
    static g::ConvOnly::Arena conv_arena;
    static Net::Arena arena;
    static Net::ArenaWithInputs with_inputs;
    const std::int8_t* conv = g::ConvOnly::run(conv_arena, in.data());
    const std::int8_t* relu = Net::run(arena, in.data());
    std::memcpy(Net::input_buffer(with_inputs), in.data(), in.size());
    const std::int8_t* relu_in_arena = Net::run(with_inputs);
    constexpr auto p = mote::reference::make_relu_params({0.11f, 9}, {0.11f, 9});
    for (std::size_t i = 0; i < Net::output::elements; ++i) {
        INFO("element " << i);
        REQUIRE(relu[i] == mote::reference::relu_value(p, conv[i]));
        REQUIRE(relu_in_arena[i] == relu[i]);
    }
}

TEST_CASE("run_bytes gives the bytes run gives", "[model]") {
    alignas(16) std::array<std::byte, 6 * 7 * 4> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::byte>(i * 29);
    static g::ShortcutLast::Arena arena;
    std::array<std::byte, g::ShortcutLast::output::bytes> out{};
    g::ShortcutLast::run_bytes(arena, in.data(), out.data());
    const std::int8_t* direct = g::ShortcutLast::run(arena, reinterpret_cast<const std::int8_t*>(in.data()));
    REQUIRE(std::memcmp(out.data(), direct, out.size()) == 0);
}

TEST_CASE("describe() renders one row per layer and the totals", "[model][describe]") {
    std::string text;
    mote::describe<g::ShortcutFirst>([&](const char* s) { text += s; });
    CHECK(text.find("Conv2D") != std::string::npos);
    CHECK(text.find("Add") != std::string::npos);
    CHECK(text.find("6x7x4") != std::string::npos);
    CHECK(text.find(std::to_string(g::ShortcutFirst::macs)) != std::string::npos);
    CHECK(text.find(std::to_string(g::ShortcutFirst::arena_bytes)) != std::string::npos);
    const auto rows = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    CHECK(rows == g::ShortcutFirst::layer_count + 5);
    using Net = g::ShortcutFirst;
    CHECK(text.find("RAM, inputs in the caller's buffers: " + std::to_string(Net::input_bytes) +
                    " + arena " + std::to_string(Net::arena_bytes) + " + state 0 = " +
                    std::to_string(Net::input_bytes + Net::arena_bytes) + " B") != std::string::npos);
    CHECK(text.find("RAM, inputs in the arena (ArenaWithInputs): arena " +
                    std::to_string(Net::arena_with_inputs_bytes) + " + state 0 = " +
                    std::to_string(Net::arena_with_inputs_bytes) + " B") != std::string::npos);
    CHECK(text.find(mote::config::reference_kernels ? "reference" : "GEMM") != std::string::npos);
    CHECK(text.find(std::string("kernels: ") + mote::config::isa_name(mote::config::isa)) !=
          std::string::npos);
}

TEST_CASE("describe_plan() lists each step's live buffers where the plan put them",
          "[model][describe]") {
    using Net = g::ShortcutFirst;
    std::string text;
    mote::describe_plan<Net>([&](const char* s) { text += s; });
    CHECK(text.rfind("arena plan, inputs in the arena: " +
                     std::to_string(Net::arena_with_inputs_bytes) + " B\n", 0) == 0);
    // Step 0 reads the input, which the plan put in the arena.
    CHECK(text.find("in0@" + std::to_string(Net::placement_with_inputs.offset[0]) + "+168") !=
          std::string::npos);
    CHECK(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) >= Net::layer_count + 1);
    std::string caller;
    mote::describe_plan<Net>([&](const char* s) { caller += s; }, mote::InputPlace::caller);
    CHECK(caller.find("in0@") == std::string::npos);
}

namespace {
// Records the order of the observer's calls: +i at begin(i), -(i + 1) at end(i).
struct Recorder {
    std::vector<long> calls;
    void begin(std::size_t i) { calls.push_back(static_cast<long>(i)); }
    void end(std::size_t i) { calls.push_back(-static_cast<long>(i) - 1); }
};
}  // namespace

TEST_CASE("run_observed brackets every layer in order and gives run's outputs", "[model]") {
    STATIC_REQUIRE(mote::LayerObserver<Recorder>);
    std::array<std::int8_t, 6 * 7 * 4> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::int8_t>(i * 13 % 256 - 128);
    static g::ShortcutFirst::Arena arena;
    std::array<std::int8_t, g::ShortcutFirst::output::elements> plain{};
    std::memcpy(plain.data(), g::ShortcutFirst::run(arena, in.data()), plain.size());
    Recorder r;
    const std::int8_t* observed = g::ShortcutFirst::run_observed(r, arena, in.data());
    REQUIRE(std::memcmp(observed, plain.data(), plain.size()) == 0);
    REQUIRE(r.calls.size() == 2 * g::ShortcutFirst::layer_count);
    for (std::size_t i = 0; i < g::ShortcutFirst::layer_count; ++i) {
        CHECK(r.calls[2 * i] == static_cast<long>(i));
        CHECK(r.calls[2 * i + 1] == -static_cast<long>(i) - 1);
    }
}
