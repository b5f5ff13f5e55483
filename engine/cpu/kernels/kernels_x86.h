#pragma once
// Internal: x86 SIMD kernels written once and compiled twice, by kernels_avx2.cpp (AVX2 + FMA +
// F16C) and kernels_avx512.cpp (the same code with AVX-512 encodings and VNNI vpdpbusd for the
// int8 dot products). The includer wraps this header in its own anonymous namespace and sets
// HEARTH_X86_VNNI, so the two builds never share a symbol.
//
// Integer sums are exact and equal to the scalar reference's; only the float accumulation order
// differs (per-lane partial sums instead of one running sum).
// (No includes here: the includer provides immintrin.h, <cstring>, <type_traits> and the
// kernel headers before opening its namespace.)

inline float h2f(uint16_t h) {
    return _cvtsh_ss(h);
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsumI32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

// Sums of 4 adjacent u8*s8 products in 8 int32 lanes.
inline __m256i dotU8S8(__m256i u, __m256i s) {
#if HEARTH_X86_VNNI
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

// Signed x signed via |x| and y*sign(x) (x never -128 here).
inline __m256i dotS8S8(__m256i x, __m256i y) {
    return dotU8S8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

// Pairwise u8*s8 products in 16 int16 lanes, then scaled by 16-bit scales into 8 int32 lanes.
inline __m256i scaledDot(__m256i u, __m256i s, __m256i scales16) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), scales16);
}

// 16 bytes of nibbles -> 32 bytes: low nibbles first, then high nibbles (ggml's element order).
inline __m256i nibbles32(const uint8_t* qs) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(b, 4), b);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// Bit j of a 32-bit mask -> byte j = 0xFF when set.
inline __m256i bitsToBytes(const uint8_t* p) {
    uint32_t bits;
    std::memcpy(&bits, p, 4);
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(static_cast<int>(bits)),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
    const __m256i bitInByte = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    return _mm256_cmpeq_epi8(_mm256_and_si256(spread, bitInByte), bitInByte);
}

inline __m256i loadI(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// Two int16 scales: lanes 0-7 get lo, lanes 8-15 get hi (one per 16-element group).
inline __m256i scalePair(int lo, int hi) {
    return _mm256_set_m128i(_mm_set1_epi16(static_cast<short>(hi)),
                            _mm_set1_epi16(static_cast<short>(lo)));
}

// ---------------------------------------------------------------- 32-element block formats
// Each Kernel: W (weight block), A (activation block), kBlock (elements), and
// accumulate(w, a, acc, extra) adding the block's contribution to a float vector plus a scalar.

struct KQ8_0 {
    using W = BlockQ8_0;
    using A = BlockQ8_0;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float&) {
        const __m256i p = dotS8S8(loadI(w.qs), loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
    }
};

struct KQ4_0 {
    using W = BlockQ4_0;
    using A = BlockQ8_0;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float&) {
        const __m256i q = _mm256_sub_epi8(nibbles32(w.qs), _mm256_set1_epi8(8));
        const __m256i p = dotS8S8(q, loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
    }
};

struct KQ4_1 {
    using W = BlockQ4_1;
    using A = BlockQ8_1;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        const __m256i p = dotU8S8(nibbles32(w.qs), loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
        extra += h2f(w.m) * h2f(a.s);
    }
};

struct KQ5_0 {
    using W = BlockQ5_0;
    using A = BlockQ8_0;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float&) {
        // Level = nibble | bit4 - 16: subtract 16 exactly where the fifth bit is clear.
        const __m256i clear =
            _mm256_andnot_si256(bitsToBytes(w.qh), _mm256_set1_epi8(static_cast<char>(0xF0)));
        const __m256i q = _mm256_or_si256(nibbles32(w.qs), clear);
        const __m256i p = dotS8S8(q, loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
    }
};

struct KQ5_1 {
    using W = BlockQ5_1;
    using A = BlockQ8_1;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        const __m256i high = _mm256_and_si256(bitsToBytes(w.qh), _mm256_set1_epi8(0x10));
        const __m256i p = dotU8S8(_mm256_or_si256(nibbles32(w.qs), high), loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
        extra += h2f(w.m) * h2f(a.s);
    }
};

inline __m256i nlTable() {
    return _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NLValues)));
}

struct KIQ4_NL {
    using W = BlockIQ4_NL;
    using A = BlockQ8_0;
    static constexpr int kBlock = 32;
    static void accumulate(const W& w, const A& a, __m256& acc, float&) {
        const __m256i q = _mm256_shuffle_epi8(nlTable(), nibbles32(w.qs));
        const __m256i p = dotS8S8(q, loadI(a.qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * h2f(a.d)), _mm256_cvtepi32_ps(p), acc);
    }
};

// ---------------------------------------------------------------- 256-element super-blocks

struct KQ2_K {
    using W = BlockQ2_K;
    using A = BlockQ8_K;
    static constexpr int kBlock = 256;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        int summs = 0;
        for (int g = 0; g < 16; ++g) summs += (w.scales[g] >> 4) * a.bsums[g];
        extra -= a.d * h2f(w.dmin) * static_cast<float>(summs);
        const __m256i three = _mm256_set1_epi8(3);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qs = loadI(w.qs + 32 * h);
            for (int p = 0; p < 4; ++p) {
                const __m256i q = _mm256_and_si256(_mm256_srli_epi16(qs, 2 * p), three);
                const int g = 8 * h + 2 * p;
                sumi = _mm256_add_epi32(
                    sumi, scaledDot(q, loadI(a.qs + 128 * h + 32 * p),
                                    scalePair(w.scales[g] & 0xF, w.scales[g + 1] & 0xF)));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(a.d * h2f(w.d)), _mm256_cvtepi32_ps(sumi), acc);
    }
};

struct KQ3_K {
    using W = BlockQ3_K;
    using A = BlockQ8_K;
    static constexpr int kBlock = 256;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        int8_t sc[16];
        q3kScales(w.scales, sc);
        // Levels are stored as 0..7 here; the -4 offset comes back through the bsums.
        int offset = 0;
        for (int g = 0; g < 16; ++g) offset += sc[g] * a.bsums[g];
        const float d = h2f(w.d) * a.d;
        extra -= d * static_cast<float>(4 * offset);
        const __m256i three = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
        const __m256i hm = loadI(w.hmask);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qs = loadI(w.qs + 32 * h);
            for (int p = 0; p < 4; ++p) {
                const __m256i low = _mm256_and_si256(_mm256_srli_epi16(qs, 2 * p), three);
                const __m256i high = _mm256_and_si256(_mm256_srli_epi16(hm, 4 * h + p), one);
                const __m256i q = _mm256_or_si256(low, _mm256_slli_epi16(high, 2));
                const int g = 8 * h + 2 * p;
                sumi = _mm256_add_epi32(sumi, scaledDot(q, loadI(a.qs + 128 * h + 32 * p),
                                                        scalePair(sc[g], sc[g + 1])));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
};

template <bool kFiveBit> struct KScaleMin {
    using W = std::conditional_t<kFiveBit, BlockQ5_K, BlockQ4_K>;
    using A = BlockQ8_K;
    static constexpr int kBlock = 256;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        uint8_t sc[8], mn[8];
        int summs = 0;
        for (int j = 0; j < 8; ++j) {
            kquantScaleMin(j, w.scales, sc[j], mn[j]);
            summs += mn[j] * (a.bsums[2 * j] + a.bsums[2 * j + 1]);
        }
        extra -= h2f(w.dmin) * a.d * static_cast<float>(summs);
        const __m256i m4 = _mm256_set1_epi8(0x0F);
        __m256i sumi = _mm256_setzero_si256();
        [[maybe_unused]] __m256i hb;
        if constexpr (kFiveBit) hb = loadI(w.qh);
        for (int c = 0; c < 4; ++c) {
            const __m256i bytes = loadI(w.qs + 32 * c);
            __m256i lo = _mm256_and_si256(bytes, m4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), m4);
            if constexpr (kFiveBit) {
                const __m256i one = _mm256_set1_epi8(1);
                lo = _mm256_or_si256(
                    lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2 * c), one), 4));
                hi = _mm256_or_si256(
                    hi,
                    _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2 * c + 1), one), 4));
            }
            sumi = _mm256_add_epi32(
                sumi, scaledDot(lo, loadI(a.qs + 64 * c), _mm256_set1_epi16(sc[2 * c])));
            sumi = _mm256_add_epi32(
                sumi, scaledDot(hi, loadI(a.qs + 64 * c + 32), _mm256_set1_epi16(sc[2 * c + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * a.d), _mm256_cvtepi32_ps(sumi), acc);
    }
};

struct KQ6_K {
    using W = BlockQ6_K;
    using A = BlockQ8_K;
    static constexpr int kBlock = 256;
    static void accumulate(const W& w, const A& a, __m256& acc, float& extra) {
        // Levels are stored as 0..63 here; the -32 offset comes back through the bsums.
        int offset = 0;
        for (int g = 0; g < 16; ++g) offset += w.scales[g] * a.bsums[g];
        const float d = h2f(w.d) * a.d;
        extra -= d * static_cast<float>(32 * offset);
        const __m256i m4 = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
        __m256i sumi = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qlA = loadI(w.ql + 64 * h), qlB = loadI(w.ql + 64 * h + 32);
            const __m256i qh = loadI(w.qh + 32 * h);
            const __m256i lows[4] = {_mm256_and_si256(qlA, m4), _mm256_and_si256(qlB, m4),
                                     _mm256_and_si256(_mm256_srli_epi16(qlA, 4), m4),
                                     _mm256_and_si256(_mm256_srli_epi16(qlB, 4), m4)};
            for (int p = 0; p < 4; ++p) {
                const __m256i high = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * p), three);
                const __m256i q = _mm256_or_si256(lows[p], _mm256_slli_epi16(high, 4));
                const int g = 8 * h + 2 * p;
                sumi = _mm256_add_epi32(sumi, scaledDot(q, loadI(a.qs + 128 * h + 32 * p),
                                                        scalePair(w.scales[g], w.scales[g + 1])));
            }
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
};

struct KIQ4_XS {
    using W = BlockIQ4_XS;
    using A = BlockQ8_K;
    static constexpr int kBlock = 256;
    static void accumulate(const W& w, const A& a, __m256& acc, float&) {
        const __m256i table = nlTable();
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const int ls = (((w.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf) |
                            (((w.scales_h >> (2 * ib)) & 3) << 4)) -
                           32;
            const __m256i q = _mm256_shuffle_epi8(table, nibbles32(w.qs + 16 * ib));
            const __m256i y = loadI(a.qs + 32 * ib);
            const __m256i p16 =
                _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(y, q));
            sumi = _mm256_add_epi32(
                sumi, _mm256_madd_epi16(p16, _mm256_set1_epi16(static_cast<short>(ls))));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w.d) * a.d), _mm256_cvtepi32_ps(sumi), acc);
    }
};

// ---------------------------------------------------------------- generic drivers

// How far ahead of the rows being read decode fetches weights: out of cache, the hardware
// prefetcher alone leaves the row kernels well below the memory bandwidth. At least 16 KiB (the
// next four rows when they are longer): Q8_0 streams 32.3 -> 34.5 GB/s per core (2048 columns)
// and 35.4 -> 36.2 (8192) against 8 KiB on this project's Zen 5 machine; 32 KiB is no better.
// Non-temporal, like the AVX-512 kernels' (kernels_avx512.cpp says why).
constexpr size_t kPrefetchAhead = 16384;

inline void prefetchLines(const void* p, size_t bytes) {
    for (size_t off = 0; off < bytes; off += 64)
        _mm_prefetch(static_cast<const char*>(p) + off, _MM_HINT_NTA);
}

template <class K> float vecDotBlocks(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const typename K::W*>(vw);
    const auto* a = static_cast<const typename K::A*>(va);
    const int64_t nb = n / K::kBlock;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    float extra = 0;
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        K::accumulate(w[i], a[i], acc0, extra);
        K::accumulate(w[i + 1], a[i + 1], acc1, extra);
    }
    for (; i < nb; ++i) K::accumulate(w[i], a[i], acc0, extra);
    return hsum(_mm256_add_ps(acc0, acc1)) + extra;
}

// Four rows at a time: each activation block is loaded once and used for all four.
template <class K>
void vecDotRowsBlocks(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* va,
                      float* out) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const auto* a = static_cast<const typename K::A*>(va);
    const int64_t nb = n / K::kBlock;
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
        const typename K::W* w[4];
        for (int k = 0; k < 4; ++k)
            w[k] = reinterpret_cast<const typename K::W*>(base + (r + k) * stride);
        __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                         _mm256_setzero_ps()};
        float extra[4] = {0, 0, 0, 0};
        // Later rows (contiguous after these four) are fetched a slice per block, about
        // kPrefetchAhead bytes ahead, so their memory arrives before it is needed.
        const size_t groupBytes = 4 * stride;
        const size_t ahead = groupBytes ? (kPrefetchAhead + groupBytes - 1) / groupBytes : 0;
        const uint8_t* next = base + r * stride + ahead * groupBytes;
        const size_t perBlock = nb > 0 ? (groupBytes + nb - 1) / static_cast<size_t>(nb) : 0;
        for (int64_t i = 0; i < nb; ++i) {
            const size_t from =
                std::min(groupBytes, static_cast<size_t>(i) * perBlock) & ~size_t{63};
            const size_t to = std::min(groupBytes, static_cast<size_t>(i + 1) * perBlock);
            if (to > from) prefetchLines(next + from, to - from);
            for (int k = 0; k < 4; ++k) K::accumulate(w[k][i], a[i], acc[k], extra[k]);
        }
        for (int k = 0; k < 4; ++k) out[r + k] = hsum(acc[k]) + extra[k];
    }
    for (; r < nRows; ++r) out[r] = vecDotBlocks<K>(n, base + r * stride, va);
}

// Four rows against two activations: the same per-(row, activation) arithmetic as
// vecDotRowsBlocks, so results are bit-identical, but each weight block is decoded once for both.
template <class K>
void vecDotRows2Blocks(int64_t n, const void* weights, size_t stride, int64_t nRows,
                       const void* va0, const void* va1, float* out0, float* out1) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const auto* a0 = static_cast<const typename K::A*>(va0);
    const auto* a1 = static_cast<const typename K::A*>(va1);
    const int64_t nb = n / K::kBlock;
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
        const typename K::W* w[4];
        for (int k = 0; k < 4; ++k)
            w[k] = reinterpret_cast<const typename K::W*>(base + (r + k) * stride);
        __m256 acc0[4], acc1[4];
        float extra0[4] = {0, 0, 0, 0}, extra1[4] = {0, 0, 0, 0};
        for (int k = 0; k < 4; ++k) acc0[k] = acc1[k] = _mm256_setzero_ps();
        for (int64_t i = 0; i < nb; ++i)
            for (int k = 0; k < 4; ++k) {
                K::accumulate(w[k][i], a0[i], acc0[k], extra0[k]);
                K::accumulate(w[k][i], a1[i], acc1[k], extra1[k]);
            }
        for (int k = 0; k < 4; ++k) {
            out0[r + k] = hsum(acc0[k]) + extra0[k];
            out1[r + k] = hsum(acc1[k]) + extra1[k];
        }
    }
    for (; r < nRows; ++r) {
        out0[r] = vecDotBlocks<K>(n, base + r * stride, va0);
        out1[r] = vecDotBlocks<K>(n, base + r * stride, va1);
    }
}

// ---------------------------------------------------------------- float formats

inline __m256 loadF16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline __m256 loadBF16(const uint16_t* p) {
    const __m256i wide =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}
inline __m256 loadF32(const float* p) {
    return _mm256_loadu_ps(p);
}

// The elements past the last multiple of 8, one at a time. One compiled copy (never inlined), so
// vecDotFloat and vecDotFloatRows round these steps alike (inlined copies may contract
// differently).
template <class T, float (*Scalar)(T)>
__attribute__((noinline)) float addTail(float sum, const T* x, const T* y, int64_t i, int64_t n) {
    for (; i < n; ++i) sum += Scalar(x[i]) * Scalar(y[i]);
    return sum;
}

template <class T, __m256 (*Load)(const T*), float (*Scalar)(T)>
float vecDotFloat(int64_t n, const void* vw, const void* va) {
    const T* x = static_cast<const T*>(vw);
    const T* y = static_cast<const T*>(va);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; ++k)
            acc[k] = _mm256_fmadd_ps(Load(x + i + 8 * k), Load(y + i + 8 * k), acc[k]);
    for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(Load(x + i), Load(y + i), acc[0]);
    const float sum =
        hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    return i < n ? addTail<T, Scalar>(sum, x, y, i, n) : sum;
}

inline float f32Id(float v) {
    return v;
}
inline float bf16Scalar(uint16_t v) {
    uint32_t u = static_cast<uint32_t>(v) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// Float rows against one vector, four rows at a time (F16/F32 weights; attention's K rows against
// a query and V rows against the softmax output): the vector is loaded and converted once per
// step for the four rows, and each row keeps vecDotFloat's accumulators, order and final sum, so
// every output equals vecDot's bit for bit wherever the row falls in a call (results must not
// depend on how rows are split between threads, and the CPU and Vulkan backends agree closely).
template <class T, __m256 (*Load)(const T*), float (*Scalar)(T)>
void vecDotFloatRows(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* va,
                     float* out) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const T* y = static_cast<const T*>(va);
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
        const T* x[4];
        __m256 acc[4][4];
        for (int k = 0; k < 4; ++k) {
            x[k] = reinterpret_cast<const T*>(base + static_cast<size_t>(r + k) * stride);
            for (int j = 0; j < 4; ++j) acc[k][j] = _mm256_setzero_ps();
        }
        int64_t i = 0;
        for (; i + 32 <= n; i += 32)
            for (int j = 0; j < 4; ++j) {
                const __m256 yv = Load(y + i + 8 * j);
                for (int k = 0; k < 4; ++k)
                    acc[k][j] = _mm256_fmadd_ps(Load(x[k] + i + 8 * j), yv, acc[k][j]);
            }
        for (; i + 8 <= n; i += 8) {
            const __m256 yv = Load(y + i);
            for (int k = 0; k < 4; ++k) acc[k][0] = _mm256_fmadd_ps(Load(x[k] + i), yv, acc[k][0]);
        }
        for (int k = 0; k < 4; ++k) {
            const float sum = hsum(_mm256_add_ps(_mm256_add_ps(acc[k][0], acc[k][1]),
                                                 _mm256_add_ps(acc[k][2], acc[k][3])));
            out[r + k] = i < n ? addTail<T, Scalar>(sum, x[k], y, i, n) : sum;
        }
    }
    for (; r < nRows; ++r)
        out[r] = vecDotFloat<T, Load, Scalar>(n, base + static_cast<size_t>(r) * stride, va);
}

inline void dequantizeF16(const void* src, float* dst, int64_t n) {
    const auto* x = static_cast<const uint16_t*>(src);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, loadF16(x + i));
    for (; i < n; ++i) dst[i] = h2f(x[i]);
}

inline void quantizeF16(const float* src, void* dst, int64_t n) {
    auto* y = static_cast<uint16_t*>(dst);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; ++i) y[i] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT);
}

// ---------------------------------------------------------------- activation quantizers

// Q8_0 / Q8_1 exactly as the scalar version: d = amax/127, q = round-half-even(x * 127/amax).
template <bool kWithSum> void quantizeQ8Blocks(const float* x, void* vy, int64_t n) {
    using Block = std::conditional_t<kWithSum, BlockQ8_1, BlockQ8_0>;
    auto* y = static_cast<Block*>(vy);
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / 32; ++i, x += 32) {
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int k = 0; k < 4; ++k) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(signBit, v[k]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float maxAbs = _mm_cvtss_f32(m);
        const float d = maxAbs / 127.f;
        y[i].d = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
        const __m256 id = _mm256_set1_ps(maxAbs != 0.0f ? 127.f / maxAbs : 0.0f);
        __m256i q[4];
        for (int k = 0; k < 4; ++k)
            q[k] = _mm256_cvtps_epi32(_mm256_round_ps(
                _mm256_mul_ps(v[k], id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        if constexpr (kWithSum) {
            const int sum = hsumI32(
                _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3])));
            y[i].s = _cvtss_sh(d * static_cast<float>(sum), _MM_FROUND_TO_NEAREST_INT);
        }
        const __m256i p01 = _mm256_packs_epi32(q[0], q[1]), p23 = _mm256_packs_epi32(q[2], q[3]);
        const __m256i packed = _mm256_permutevar8x32_epi32(
            _mm256_packs_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs), packed);
    }
}

// ---------------------------------------------------------------- table

template <class K> void setBlockKernels(KernelTable& t, GgmlType type) {
    TypeKernels& k = t[static_cast<uint32_t>(type)];
    k.vecDot = vecDotBlocks<K>;
    // Four rows at once pays for the light 32-element kernels; the super-block kernels already
    // keep every register busy and run slower interleaved (measured), so they loop vecDot.
    k.vecDotRows = K::kBlock == 32 ? vecDotRowsBlocks<K> : nullptr;
    k.vecDotRows2 = K::kBlock == 32 ? vecDotRows2Blocks<K> : nullptr;
}

inline void registerX86Kernels(KernelTable& t) {
    setBlockKernels<KQ8_0>(t, GgmlType::Q8_0);
    setBlockKernels<KQ4_0>(t, GgmlType::Q4_0);
    setBlockKernels<KQ4_1>(t, GgmlType::Q4_1);
    setBlockKernels<KQ5_0>(t, GgmlType::Q5_0);
    setBlockKernels<KQ5_1>(t, GgmlType::Q5_1);
    setBlockKernels<KIQ4_NL>(t, GgmlType::IQ4_NL);
    setBlockKernels<KQ2_K>(t, GgmlType::Q2_K);
    setBlockKernels<KQ3_K>(t, GgmlType::Q3_K);
    setBlockKernels<KScaleMin<false>>(t, GgmlType::Q4_K);
    setBlockKernels<KScaleMin<true>>(t, GgmlType::Q5_K);
    setBlockKernels<KQ6_K>(t, GgmlType::Q6_K);
    setBlockKernels<KIQ4_XS>(t, GgmlType::IQ4_XS);

    t[static_cast<uint32_t>(GgmlType::Q8_0)].quantize = quantizeQ8Blocks<false>;
    t[static_cast<uint32_t>(GgmlType::Q8_1)].quantize = quantizeQ8Blocks<true>;

    TypeKernels& f16 = t[static_cast<uint32_t>(GgmlType::F16)];
    f16.dequantize = dequantizeF16;
    f16.quantize = quantizeF16;
    f16.vecDot = vecDotFloat<uint16_t, loadF16, h2f>;
    f16.vecDotRows = vecDotFloatRows<uint16_t, loadF16, h2f>;
    t[static_cast<uint32_t>(GgmlType::BF16)].vecDot = vecDotFloat<uint16_t, loadBF16, bf16Scalar>;
    t[static_cast<uint32_t>(GgmlType::F32)].vecDot = vecDotFloat<float, loadF32, f32Id>;
    t[static_cast<uint32_t>(GgmlType::F32)].vecDotRows = vecDotFloatRows<float, loadF32, f32Id>;
}
