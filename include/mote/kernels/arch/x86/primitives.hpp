#pragma once
// x86-64 primitives: SSE2 (the x86-64 baseline, so the default build without -march uses them;
// an AVX2 build uses avx2_primitives.hpp, which builds on these).
// PMADDWD is the SMLAD of SSE2: int16 column × int8 weights widened in registers. Tails scalar.
#include <emmintrin.h>

#include <cstdint>

#include "mote/kernels/primitive_set.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels::arch::x86 {

inline __m128i widen8(const std::int8_t* p) {  // 8 int8 → 8 int16
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8);
}
inline __m128i load16(const std::int16_t* p) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline std::int32_t hsum(__m128i v) {
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4E));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xB1));
    return _mm_cvtsi128_si32(v);
}
// dw_taps2 (portable.hpp) for the channels c .. n − 1 only, one at a time: the vector passes' tail.
inline void dw_taps2_scalar(const std::int8_t* const* tab, int c, int n, const std::int32_t* bias,
                            std::int32_t* acc0, std::int32_t* acc1) {
    for (; c < n; ++c) {
        std::int32_t a = bias[c], b = a;
        for (const std::int8_t* const* e = tab; *e; e += 3) {
            const std::int32_t v = e[0][c];
            a += e[1][c] * v, b += e[2][c] * v;
        }
        acc0[c] = a, acc1[c] = b;
    }
}

struct Primitives {
    using col_t = std::int16_t;
    using weight_t = std::int8_t;
    static constexpr WeightLayout layout = WeightLayout::rows;
    static constexpr Capabilities capabilities{};

    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 8), _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8));
        }
        for (; i < n; ++i) dst[i] = src[i];
    }
    static void fill_col(col_t* dst, int n, std::int32_t v) {
        for (int i = 0; i < n; ++i) dst[i] = static_cast<col_t>(v);
    }
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t* w1, int k, std::int32_t* acc) {
        __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 8 <= k; i += 8) {
            const __m128i x0 = load16(c0 + i), x1 = load16(c1 + i);
            const __m128i v0 = widen8(w0 + i), v1 = widen8(w1 + i);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(x0, v0));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(x0, v1));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(x1, v0));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(x1, v1));
        }
        std::int32_t s0 = acc[0] + hsum(a0), s1 = acc[1] + hsum(a1), s2 = acc[2] + hsum(a2),
                     s3 = acc[3] + hsum(a3);
        for (; i < k; ++i) {
            s0 += c0[i] * w0[i], s1 += c0[i] * w1[i], s2 += c1[i] * w0[i], s3 += c1[i] * w1[i];
        }
        acc[0] = s0, acc[1] = s1, acc[2] = s2, acc[3] = s3;
    }
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                        std::int32_t* acc) {
        __m128i a0 = _mm_setzero_si128(), a1 = a0;
        int i = 0;
        for (; i + 8 <= k; i += 8) {
            const __m128i x = load16(c + i);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(x, widen8(w0 + i)));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(x, widen8(w1 + i)));
        }
        std::int32_t s0 = acc[0] + hsum(a0), s1 = acc[1] + hsum(a1);
        for (; i < k; ++i) s0 += c[i] * w0[i], s1 += c[i] * w1[i];
        acc[0] = s0, acc[1] = s1;
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        __m128i a = _mm_setzero_si128();
        int i = 0;
        for (; i + 8 <= k; i += 8) a = _mm_add_epi32(a, _mm_madd_epi16(load16(c + i), widen8(w + i)));
        acc += hsum(a);
        for (; i < k; ++i) acc += c[i] * w[i];
        return acc;
    }
    // Depthwise, two output pixels (see portable.hpp): 8 channels per pass, each weight vector
    // widened once for both pixels.
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        int c = 0;
        for (; c + 8 <= n; c += 8) {
            __m128i lo0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bias + c));
            __m128i hi0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bias + c + 4));
            __m128i lo1 = lo0, hi1 = hi0;
            for (const std::int8_t* const* e = tab; *e; e += 3) {
                const __m128i w = widen8(e[0] + c);
                const __m128i p0 = _mm_mullo_epi16(widen8(e[1] + c), w);
                const __m128i p1 = _mm_mullo_epi16(widen8(e[2] + c), w);
                lo0 = _mm_add_epi32(lo0, _mm_srai_epi32(_mm_unpacklo_epi16(p0, p0), 16));
                hi0 = _mm_add_epi32(hi0, _mm_srai_epi32(_mm_unpackhi_epi16(p0, p0), 16));
                lo1 = _mm_add_epi32(lo1, _mm_srai_epi32(_mm_unpacklo_epi16(p1, p1), 16));
                hi1 = _mm_add_epi32(hi1, _mm_srai_epi32(_mm_unpackhi_epi16(p1, p1), 16));
            }
            _mm_storeu_si128(reinterpret_cast<__m128i*>(acc0 + c), lo0);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(acc0 + c + 4), hi0);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(acc1 + c), lo1);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(acc1 + c + 4), hi1);
        }
        dw_taps2_scalar(tab, c, n, bias, acc0, acc1);
    }
    // out[i] = requantized acc[i] for channels first .. first + n − 1
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        requantize_row_scalar(acc, q, first, n, out);
    }
};

}  // namespace mote::kernels::arch::x86
