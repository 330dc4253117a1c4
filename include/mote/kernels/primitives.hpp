#pragma once
// The primitive set this build uses: an `if constexpr` ladder over mote::config::isa ending in
// the portable primitives. Each set is a PrimitiveSet (primitive_set.hpp: the required hooks,
// and the optional ones its `capabilities` declare); the generic algorithms (conv2d.hpp,
// depthwise_conv2d.hpp, fully_connected.hpp) take it as a template argument defaulting to
// `Primitives`, so tests can run every set this target can.
#include "mote/core/config.hpp"
#include "mote/kernels/portable.hpp"
#if defined(MOTE_ISA_DSP)
#include "mote/kernels/arch/dsp/primitives.hpp"
#include "mote/kernels/arch/dsp/wide_primitives.hpp"
#endif
#if defined(MOTE_ISA_MVE)
#include "mote/kernels/arch/mve/primitives.hpp"
#endif
#if defined(MOTE_ISA_X86)
#include "mote/kernels/arch/x86/primitives.hpp"
#endif
#if defined(MOTE_ISA_X86) && defined(__AVX2__)
#include "mote/kernels/arch/x86/avx2_primitives.hpp"
#endif

namespace mote::kernels {

namespace detail {
constexpr auto select_primitives() {
#if defined(MOTE_ISA_MVE)
    if constexpr (config::isa == config::Isa::mve) return arch::mve::Primitives{};
    else
#endif
#if defined(MOTE_ISA_DSP)
    if constexpr (config::isa == config::Isa::dsp && config::wide_weights) return arch::dsp::WidePrimitives{};
    else if constexpr (config::isa == config::Isa::dsp) return arch::dsp::Primitives{};
    else
#endif
#if defined(MOTE_ISA_X86) && defined(__AVX2__)
    if constexpr (config::isa == config::Isa::x86 && config::x86_avx2) return arch::x86::Avx2Primitives{};
    else
#endif
#if defined(MOTE_ISA_X86)
    if constexpr (config::isa == config::Isa::x86) return arch::x86::Primitives{};
    else
#endif
    return portable::Primitives{};
}
}  // namespace detail

using Primitives = decltype(detail::select_primitives());
static_assert(PrimitiveSet<Primitives>, "the selected primitive set lacks a hook it declares (kernels/primitive_set.hpp)");

}  // namespace mote::kernels
