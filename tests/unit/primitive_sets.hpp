#pragma once
// The primitive sets a kernel test runs against the reference on this build: the portable set
// and the one the build selects; on an AVX2 build of x86-64, both x86 sets.
#include <tuple>

#include <mote/mote.hpp>

namespace mote_test {
#if defined(MOTE_ISA_X86) && defined(__AVX2__)
using PrimitiveSets = std::tuple<mote::kernels::portable::Primitives, mote::kernels::arch::x86::Primitives,
                                 mote::kernels::arch::x86::Avx2Primitives>;
#else
using PrimitiveSets = std::tuple<mote::kernels::portable::Primitives, mote::kernels::Primitives>;
#endif

template <class... Sets>
constexpr bool all_primitive_sets(std::tuple<Sets...>*) {
    return (mote::kernels::PrimitiveSet<Sets> && ...);
}
static_assert(all_primitive_sets(static_cast<PrimitiveSets*>(nullptr)));
}  // namespace mote_test
