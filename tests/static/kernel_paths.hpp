#pragma once
// The kernel paths each build takes, as the bench figures assume them (bench/results.md): the
// primitive set the ladder selects and the capabilities it declares, per core. Included by the
// host static test (tests/static/kernel_paths.cpp) and by the target firmware of every board
// (tests/target/kernel_paths.cpp), so a change of path on any core fails to compile there.
#include <type_traits>

#include <mote/mote.hpp>

namespace kernel_paths {

using mote::config::Isa;
using mote::kernels::Capabilities;
using mote::kernels::Primitives;

constexpr Capabilities expected() {
    switch (mote::config::isa) {
        case Isa::dsp:   // Cortex-M4/M7/M33: the three-pixel GEMM, fused requantize-and-store
            return {.three_pixel_gemm = true,
                    .fused_three_pixel_block = !mote::config::wide_weights,
                    .fused_requantize = true,
                    .four_row_dot = true,
                    .right_shift_requantize = true};
        case Isa::mve:   // Cortex-M55: whole-GEMM blocks and whole depthwise layers in Helium
            return {.gemm_block = true, .whole_depthwise = true, .four_row_dot = true};
        case Isa::x86:   // the server: SSE2, or AVX2's GEMM blocks
            return mote::config::x86_avx2 ? Capabilities{.gemm_block = true, .four_row_dot = true} : Capabilities{};
        case Isa::portable:
        case Isa::reference:
            return {};
    }
    return {};
}

static_assert(mote::kernels::PrimitiveSet<Primitives>);
static_assert(Primitives::capabilities == expected(), "this core's kernel paths changed: update the bench and this table");
static_assert(std::is_same_v<Primitives::weight_t, std::conditional_t<mote::config::isa == Isa::dsp && mote::config::wide_weights,
                                                                   std::int16_t, std::int8_t>>);

}  // namespace kernel_paths
