#pragma once
// Which kernel primitives this build uses: derived once, here, from the compiler's feature
// macros. Everything else asks `mote::config::isa` (an `if constexpr` ladder), never the macros.
//
//   MOTE_FORCE_REFERENCE_KERNELS   the reference kernels only (CMake option of the same name)
//   __ARM_FEATURE_MVE (integer)    Helium: Cortex-M55/M85
//   MOTE_PORTABLE_KERNELS          the portable primitives whatever the core
//   __ARM_FEATURE_DSP              SMLAD/SXTB16: Cortex-M4/M7/M33, in optimized builds only
//                                  (its inline-asm micro-kernels need 14 registers: an -O0
//                                  build cannot give them; it gets the portable kernels; a
//                                  build with -fno-omit-frame-pointer must define
//                                  MOTE_PORTABLE_KERNELS=1)
//   __SSE2__ (x86-64 baseline)     SSE2; with __AVX2__ (-mavx2, -march=haswell...) the AVX2
//                                  set (config::x86_avx2), the SSE2 one otherwise
//   otherwise                      portable C++ (Cortex-M0/M3, anything else)
// Every path is bit-exact to the reference kernels (tests/unit/kernels_differential.cpp).

#if defined(MOTE_FORCE_REFERENCE_KERNELS) && MOTE_FORCE_REFERENCE_KERNELS
#define MOTE_ISA_REFERENCE 1
#elif defined(MOTE_PORTABLE_KERNELS) && MOTE_PORTABLE_KERNELS
#define MOTE_ISA_PORTABLE 1
#elif defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#define MOTE_ISA_MVE 1
#elif defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__OPTIMIZE__)
#define MOTE_ISA_DSP 1
#elif defined(__SSE2__)
#define MOTE_ISA_X86 1
#else
#define MOTE_ISA_PORTABLE 1
#endif

namespace mote::config {

enum class Isa { reference, portable, dsp, mve, x86 };

#if defined(MOTE_ISA_REFERENCE)
inline constexpr Isa isa = Isa::reference;
#elif defined(MOTE_ISA_MVE)
inline constexpr Isa isa = Isa::mve;
#elif defined(MOTE_ISA_DSP)
inline constexpr Isa isa = Isa::dsp;
#elif defined(MOTE_ISA_X86)
inline constexpr Isa isa = Isa::x86;
#else
inline constexpr Isa isa = Isa::portable;
#endif

inline constexpr bool reference_kernels = isa == Isa::reference;

// On x86 (Isa::x86): whether the compiler may use AVX2, so that the AVX2 primitive set is chosen.
#if defined(__AVX2__)
inline constexpr bool x86_avx2 = true;
#else
inline constexpr bool x86_avx2 = false;
#endif

// MOTE_WIDE_WEIGHTS=1 trades flash for speed where a primitive set can use it (Arm DSP): GEMM
// weights (convolutions, dense layers) are stored widened to int16 at compile time, so the
// micro-kernels skip the SXTB16 of every weight word. Their flash doubles; off by default.
#if defined(MOTE_WIDE_WEIGHTS) && MOTE_WIDE_WEIGHTS
inline constexpr bool wide_weights = true;
#else
inline constexpr bool wide_weights = false;
#endif

constexpr const char* isa_name(Isa i) {
    switch (i) {
        case Isa::reference: return "reference";
        case Isa::portable: return "portable";
        case Isa::dsp: return "arm-dsp";
        case Isa::mve: return "arm-mve";
        case Isa::x86: return x86_avx2 ? "x86-avx2" : "x86-sse2";
    }
    return "?";
}

}  // namespace mote::config
