#pragma once
// x86-64 primitives with AVX2 (g++ -mavx2, or -march=haswell and later: config::x86_avx2). The
// SSE2 set with its GEMM, depthwise and requantization on 256-bit registers; the column fill is
// SSE2's. GEMM: VPMADDWD on 16 k at a time, the int16 column against int8 weights widened by one
// VPMOVSXBW each; the whole GEMM of a column pair is one gemm_block (conv2d.hpp's gemm_rows),
// in blocks of 2 pixels × 4 output channels (8 accumulators: each weight vector read once for
// both pixels, each column vector once for 4 channels), then requantization 8 channels at a time.
#include <immintrin.h>

#include <cstdint>

#include "mote/kernels/arch/x86/primitives.hpp"
#include "mote/kernels/requant.hpp"

namespace mote::kernels::arch::x86 {

namespace avx2 {

inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
inline void store(void* p, __m256i v) { _mm256_storeu_si256(static_cast<__m256i*>(p), v); }
inline __m128i load128(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline void store128(void* p, __m128i v) { _mm_storeu_si128(static_cast<__m128i*>(p), v); }

// K (16 or 8) int16 lanes: column elements as stored, or int8 weights widened; for K = 8 the
// upper half is zero.
template <int K>
inline __m256i column(const std::int16_t* c) {
    if constexpr (K == 16) return load(c);
    else return _mm256_zextsi128_si256(load128(c));
}
template <int K>
inline __m256i widen(const std::int8_t* w) {
    if constexpr (K == 16) return _mm256_cvtepi8_epi16(load128(w));
    else return _mm256_cvtepi8_epi16(_mm_loadl_epi64(static_cast<const __m128i*>(static_cast<const void*>(w))));
}

// acc[i][j] += c_i[e .. e + K) · w_j[e .. e + K), pairwise in the eight 32-bit lanes.
template <int K, int C, int R>
inline void mac(const std::int16_t* const (&c)[C], const std::int8_t* const (&w)[R], int e,
                __m256i (&acc)[C][R]) {
    __m256i x[C];
#pragma GCC unroll 2
    for (int i = 0; i < C; ++i) x[i] = column<K>(c[i] + e);
#pragma GCC unroll 4
    for (int j = 0; j < R; ++j) {
        const __m256i v = widen<K>(w[j] + e);
#pragma GCC unroll 2
        for (int i = 0; i < C; ++i) acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(x[i], v));
    }
}

inline std::int32_t sum(__m256i a) {
    return hsum(_mm_add_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1)));
}
// The sums of a[0] .. a[3], in order.
inline __m128i sum4(const __m256i (&a)[4]) {
    const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a[0], a[1]), _mm256_hadd_epi32(a[2], a[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// acc[i·stride + j] += Σ_e c_i[e]·w_j[e] over e < k, for C columns and R weight rows (R = 1, 2
// or 4): 16 k per step, then 8, the last k % 8 scalar.
template <int C, int R>
inline void dot(const std::int16_t* const (&c)[C], const std::int8_t* const (&w)[R], int k,
                std::int32_t* acc, int stride) {
    __m256i lanes[C][R];
#pragma GCC unroll 2
    for (int i = 0; i < C; ++i)
#pragma GCC unroll 4
        for (int j = 0; j < R; ++j) lanes[i][j] = _mm256_setzero_si256();
    int e = 0;
    for (; e + 16 <= k; e += 16) mac<16>(c, w, e, lanes);
    if (e + 8 <= k) mac<8>(c, w, e, lanes), e += 8;
#pragma GCC unroll 2
    for (int i = 0; i < C; ++i) {
        std::int32_t* a = acc + i * stride;
        if constexpr (R == 4) {
            store128(a, _mm_add_epi32(load128(a), sum4(lanes[i])));
        } else {
#pragma GCC unroll 2
            for (int j = 0; j < R; ++j) a[j] += sum(lanes[i][j]);
        }
        for (int t = e; t < k; ++t)
#pragma GCC unroll 4
            for (int j = 0; j < R; ++j) a[j] += c[i][t] * w[j][t];
    }
}

// Requantization (kernels/requant.hpp, exponent < 0) of 8 channels' accumulators:
// v = ((round − s·2^31 + acc·m) >> 32) >> shift, the 64-bit products by VPMULDQ. The channel
// records {multiplier, shift, round} regrouped once for every row of the same channels: 64-bit
// lanes of channels (0, 2 | 1, 3) and (4, 6 | 5, 7), multiplier and shift in each lane's low
// and high word, the rounding constant as one 64-bit lane.
struct Records8 {
    __m256i ms_a, round_a, ms_b, round_b;

    explicit Records8(const ChannelQ* cq) {
        const __m256i r01 = load(cq), r23 = load(cq + 2), r45 = load(cq + 4), r67 = load(cq + 6);
        ms_a = _mm256_unpacklo_epi64(r01, r23), round_a = _mm256_unpackhi_epi64(r01, r23);
        ms_b = _mm256_unpacklo_epi64(r45, r67), round_b = _mm256_unpackhi_epi64(r45, r67);
    }
    __m256i requantize(__m256i acc) const {
        // Each channel's accumulator in both words of its 64-bit lane; the results in the high
        // words, interleaved (0, 4, 2, 6, 1, 5, 3, 7), then put in order.
        const __m256i a = _mm256_permutevar8x32_epi32(acc, _mm256_setr_epi32(0, 0, 2, 2, 1, 1, 3, 3));
        const __m256i b = _mm256_permutevar8x32_epi32(acc, _mm256_setr_epi32(4, 4, 6, 6, 5, 5, 7, 7));
        const __m256i va = high_shifted(a, ms_a, round_a), vb = high_shifted(b, ms_b, round_b);
        const __m256i v = _mm256_blend_epi32(_mm256_srli_epi64(va, 32), vb, 0xAA);
        return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 4, 2, 6, 1, 5, 3, 7));
    }

private:
    static __m256i high_shifted(__m256i acc, __m256i ms, __m256i round) {
        const __m256i sign = _mm256_slli_epi64(_mm256_srai_epi32(acc, 31), 31);  // −2^31 if acc < 0
        const __m256i q = _mm256_add_epi64(_mm256_add_epi64(_mm256_mul_epi32(acc, ms), round), sign);
        return _mm256_srav_epi32(q, ms);
    }
};

// Rows rows of accumulators of the same channels first .. first + n − 1 to int8.
template <int Rows>
inline void requantize_rows(const std::int32_t* const (&acc)[Rows], const Requant& q, int first, int n,
                            std::int8_t* const (&out)[Rows]) {
    int i = 0;
    if (q.all_right_shifts) {
        const __m256i zp = _mm256_set1_epi32(q.zero_point_to_add());
        const __m256i lo = _mm256_set1_epi32(q.min), hi = _mm256_set1_epi32(q.max);
        for (; i + 8 <= n; i += 8) {
            const Records8 records(q.q + first + i);
#pragma GCC unroll 2
            for (int r = 0; r < Rows; ++r) {
                __m256i v = _mm256_add_epi32(records.requantize(load(acc[r] + i)), zp);
                v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);  // within int8: the packs keep it
                const __m128i v16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
                _mm_storel_epi64(static_cast<__m128i*>(static_cast<void*>(out[r] + i)), _mm_packs_epi16(v16, v16));
            }
        }
    }
#pragma GCC unroll 2
    for (int r = 0; r < Rows; ++r) requantize_row_scalar(acc[r] + i, q, first + i, n - i, out[r] + i);
}

// Depthwise, W (16 or 8) channels from c of two pixels: taps in pairs (t, u), whose weights and
// inputs are interleaved (VPUNPCKLWD/HWD) so that one VPMADDWD takes both taps of 8 channels; an
// odd last tap pairs with zeros. The unpacks work within 128-bit halves: the accumulators hold
// channels (0–3 | 8–11) and (4–7 | 12–15).
template <int W>
inline void dw_pass(const std::int8_t* const* tab, int c, const std::int32_t* bias, std::int32_t* acc0,
                    std::int32_t* acc1) {
    const __m256i b_lo = load(bias + c), b_hi = W == 16 ? load(bias + c + 8) : _mm256_setzero_si256();
    __m256i lo0 = _mm256_permute2x128_si256(b_lo, b_hi, 0x20), hi0 = _mm256_permute2x128_si256(b_lo, b_hi, 0x31);
    __m256i lo1 = lo0, hi1 = hi0;
    const auto taps = [&](__m256i wt, __m256i wu, __m256i xt, __m256i xu, __m256i yt, __m256i yu) {
        const __m256i wl = _mm256_unpacklo_epi16(wt, wu), wh = _mm256_unpackhi_epi16(wt, wu);
        lo0 = _mm256_add_epi32(lo0, _mm256_madd_epi16(_mm256_unpacklo_epi16(xt, xu), wl));
        hi0 = _mm256_add_epi32(hi0, _mm256_madd_epi16(_mm256_unpackhi_epi16(xt, xu), wh));
        lo1 = _mm256_add_epi32(lo1, _mm256_madd_epi16(_mm256_unpacklo_epi16(yt, yu), wl));
        hi1 = _mm256_add_epi32(hi1, _mm256_madd_epi16(_mm256_unpackhi_epi16(yt, yu), wh));
    };
    const std::int8_t* const* e = tab;
    for (; e[0] && e[3]; e += 6)
        taps(widen<W>(e[0] + c), widen<W>(e[3] + c), widen<W>(e[1] + c), widen<W>(e[4] + c),
             widen<W>(e[2] + c), widen<W>(e[5] + c));
    if (e[0]) {
        const __m256i zero = _mm256_setzero_si256();
        taps(widen<W>(e[0] + c), zero, widen<W>(e[1] + c), zero, widen<W>(e[2] + c), zero);
    }
    store(acc0 + c, _mm256_permute2x128_si256(lo0, hi0, 0x20));
    store(acc1 + c, _mm256_permute2x128_si256(lo1, hi1, 0x20));
    if constexpr (W == 16) {
        store(acc0 + c + 8, _mm256_permute2x128_si256(lo0, hi0, 0x31));
        store(acc1 + c + 8, _mm256_permute2x128_si256(lo1, hi1, 0x31));
    }
}

}  // namespace avx2

struct Avx2Primitives : Primitives {
    static constexpr Capabilities capabilities{.gemm_block = true, .four_row_dot = true};
    // From 8 elements on, a tail is one more vector ending at n (rewriting some of the elements).
    static void load_col(const std::int8_t* src, col_t* dst, int n) {
        const auto eight = [&](int i) { avx2::store128(dst + i, _mm256_castsi256_si128(avx2::widen<8>(src + i))); };
        if (n >= 16) {
            for (int i = 0; i + 16 <= n; i += 16) avx2::store(dst + i, avx2::widen<16>(src + i));
            if (n % 16 != 0) avx2::store(dst + n - 16, avx2::widen<16>(src + n - 16));
        } else if (n >= 8) {
            eight(0), eight(n - 8);
        } else {
            for (int i = 0; i < n; ++i) dst[i] = src[i];
        }
    }
    static void dot_2x2(const col_t* c0, const col_t* c1, const std::int8_t* w0,
                        const std::int8_t* w1, int k, std::int32_t* acc) {
        avx2::dot<2, 2>({c0, c1}, {w0, w1}, k, acc, 2);
    }
    static void dot_1x2(const col_t* c, const std::int8_t* w0, const std::int8_t* w1, int k,
                        std::int32_t* acc) {
        avx2::dot<1, 2>({c}, {w0, w1}, k, acc, 2);
    }
    // Four weight rows w, w + k, w + 2k, w + 3k (Dense, LSTM gates).
    static void dot_1x4(const col_t* c, const std::int8_t* w, int k, std::int32_t* acc) {
        avx2::dot<1, 4>({c}, {w, w + k, w + 2 * k, w + 3 * k}, k, acc, 4);
    }
    static std::int32_t dot_1x1(const col_t* c, const std::int8_t* w, int k, std::int32_t acc) {
        avx2::dot<1, 1>({c}, {w}, k, &acc, 1);
        return acc;
    }

    // GEMM of `rows` weight rows against one or two columns (conv2d.hpp's gemm_rows): per chunk
    // of channels the accumulators start at the bias, take 4 rows per block (the last rows % 4
    // one at a time), and are requantized with the records loaded once for both pixels.
    template <int Pixels>
    static void gemm_block(const col_t* c0, const col_t* c1, int k, int rows, const Requant& q,
                           const std::int8_t* w, std::int8_t* out0, std::int8_t* out1,
                           const std::int16_t* index) {
        constexpr int chunk = 64;
        alignas(32) std::int32_t acc[Pixels][chunk];
        alignas(8) std::int8_t vals[Pixels][chunk];  // compacted rows: the outputs to scatter
        const col_t* cols[Pixels] = {c0};
        std::int8_t* outs[Pixels] = {out0};
        if constexpr (Pixels == 2) cols[1] = c1, outs[1] = out1;
        for (int o0 = 0; o0 < rows; o0 += chunk) {
            const int n = rows - o0 < chunk ? rows - o0 : chunk;
            const std::int32_t* bias = q.bias + o0;
            int j = 0;
            for (; j + 4 <= n; j += 4, w += 4 * k) {
                const __m128i b = avx2::load128(bias + j);
#pragma GCC unroll 2
                for (int p = 0; p < Pixels; ++p) avx2::store128(acc[p] + j, b);
                avx2::dot<Pixels, 4>(cols, {w, w + k, w + 2 * k, w + 3 * k}, k, acc[0] + j, chunk);
            }
            for (; j < n; ++j, w += k) {
#pragma GCC unroll 2
                for (int p = 0; p < Pixels; ++p) acc[p][j] = bias[j];
                avx2::dot<Pixels, 1>(cols, {w}, k, acc[0] + j, chunk);
            }
            const std::int32_t* rows_acc[Pixels] = {acc[0]};
            std::int8_t* dst[Pixels] = {index ? vals[0] : out0 + o0};
            if constexpr (Pixels == 2) rows_acc[1] = acc[1], dst[1] = index ? vals[1] : out1 + o0;
            avx2::requantize_rows<Pixels>(rows_acc, q, o0, n, dst);
            if (index) {
                for (int i = 0; i < n; ++i)
#pragma GCC unroll 2
                    for (int p = 0; p < Pixels; ++p) outs[p][index[o0 + i]] = vals[p][i];
            }
        }
    }

    // Depthwise, two output pixels (see portable.hpp): 16 channels per pass, then 8, the rest
    // one at a time.
    static void dw_taps2(const std::int8_t* const* tab, int n, const std::int32_t* bias,
                         std::int32_t* acc0, std::int32_t* acc1) {
        int c = 0;
        for (; c + 16 <= n; c += 16) avx2::dw_pass<16>(tab, c, bias, acc0, acc1);
        if (c + 8 <= n) avx2::dw_pass<8>(tab, c, bias, acc0, acc1), c += 8;
        dw_taps2_scalar(tab, c, n, bias, acc0, acc1);
    }
    // out[i] = requantized acc[i] for channels first .. first + n − 1
    static void requantize_row(const std::int32_t* acc, const Requant& q, int first, int n,
                               std::int8_t* out) {
        avx2::requantize_rows<1>({acc}, q, first, n, {out});
    }
};

}  // namespace mote::kernels::arch::x86
