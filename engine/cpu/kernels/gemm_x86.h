#pragma once
// Internal: the x86 tiled products (gemm.h), written once and compiled twice: by gemm_avx512.cpp
// (HEARTH_GEMM_512 = 1: 16 weight rows per zmm register, vpdpbusd / vpdpwssd) and gemm_avx2.cpp
// (0: 8 rows per ymm register, maddubs + madd). The includer provides immintrin.h, <algorithm>,
// <climits>, <cstddef>, <cstring>, <vector>, block_types.h and gemm_isa.h, then includes this
// inside its anonymous namespace.
//
// A panel is kLanes weight rows unpacked to unsigned int8 levels, interleaved so that one vector
// holds the same 4 consecutive elements of every row: [group of 4 elements][row][4 bytes]. One
// broadcast 4-byte activation group then feeds all rows with one dot instruction. Per-row scales
// sit beside each block as vectors. Rows past the matrix end are zero (their lanes are dropped).

// ------------------------------------------------------------------ vector layer
#if HEARTH_GEMM_512
constexpr int kLanes = 16;
constexpr int kTokTile = 8; // tokens per micro-kernel: 8 float + 8 int accumulators fit 32 zmm
using VI = __m512i;
using VF = __m512;
inline VI viZero() {
    return _mm512_setzero_si512();
}
inline VI viSet1(int32_t v) {
    return _mm512_set1_epi32(v);
}
inline VI viLoad(const uint8_t* p) {
    return _mm512_load_si512(p);
}
inline VI viAdd(VI a, VI b) {
    return _mm512_add_epi32(a, b);
}
inline VI viSub(VI a, VI b) {
    return _mm512_sub_epi32(a, b);
}
inline VI viMul(VI a, VI b) {
    return _mm512_mullo_epi32(a, b);
}
inline VI viShl5(VI a) {
    return _mm512_maskz_slli_epi32(0xFFFF, a, 5);
}
// acc + sum over 4 bytes of (unsigned weight level * signed activation), per lane.
inline VI dot4(VI acc, VI w, const int8_t* a) {
    int32_t v;
    std::memcpy(&v, a, 4);
    return _mm512_dpbusd_epi32(acc, w, _mm512_set1_epi32(v));
}
// acc + lo16(p)*lo16(v) + hi16(p)*hi16(v), per lane (two int16 pairs).
inline VI dotPairs(VI acc, VI p, int32_t v) {
    return _mm512_dpwssd_epi32(acc, p, _mm512_set1_epi32(v));
}
inline VF vfZero() {
    return _mm512_setzero_ps();
}
inline VF vfSet1(float v) {
    return _mm512_set1_ps(v);
}
inline VF vfLoad(const uint8_t* p) {
    return _mm512_load_ps(p);
}
inline VF vfMul(VF a, VF b) {
    return _mm512_mul_ps(a, b);
}
inline VF vfFma(VF a, VF b, VF c) {
    return _mm512_fmadd_ps(a, b, c);
}
// (Masked form: GCC 12 flags the unmasked intrinsic's undefined source under -Werror.)
inline VF vfCvt(VI v) {
    return _mm512_mask_cvtepi32_ps(_mm512_setzero_ps(), 0xFFFF, v);
}
inline void vfStore(float* p, VF v, int n) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), v);
}
#else
constexpr int kLanes = 8;
constexpr int kTokTile = 4; // 16 ymm registers
using VI = __m256i;
using VF = __m256;
inline VI viZero() {
    return _mm256_setzero_si256();
}
inline VI viSet1(int32_t v) {
    return _mm256_set1_epi32(v);
}
inline VI viLoad(const uint8_t* p) {
    return _mm256_load_si256(reinterpret_cast<const VI*>(p));
}
inline VI viAdd(VI a, VI b) {
    return _mm256_add_epi32(a, b);
}
inline VI viSub(VI a, VI b) {
    return _mm256_sub_epi32(a, b);
}
inline VI viMul(VI a, VI b) {
    return _mm256_mullo_epi32(a, b);
}
inline VI viShl5(VI a) {
    return _mm256_slli_epi32(a, 5);
}
// maddubs never saturates here: levels are at most 63 (Q8_0 is not run on AVX2).
inline VI dot4(VI acc, VI w, const int8_t* a) {
    int32_t v;
    std::memcpy(&v, a, 4);
    const __m256i p16 = _mm256_maddubs_epi16(w, _mm256_set1_epi32(v));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p16, _mm256_set1_epi16(1)));
}
inline VI dotPairs(VI acc, VI p, int32_t v) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_set1_epi32(v)));
}
inline VF vfZero() {
    return _mm256_setzero_ps();
}
inline VF vfSet1(float v) {
    return _mm256_set1_ps(v);
}
inline VF vfLoad(const uint8_t* p) {
    return _mm256_load_ps(reinterpret_cast<const float*>(p));
}
inline VF vfMul(VF a, VF b) {
    return _mm256_mul_ps(a, b);
}
inline VF vfFma(VF a, VF b, VF c) {
    return _mm256_fmadd_ps(a, b, c);
}
inline VF vfCvt(VI v) {
    return _mm256_cvtepi32_ps(v);
}
inline void vfStore(float* p, VF v, int n) {
    const __m256i mask =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(p, mask, v);
}
#endif

constexpr size_t kVec = 4 * kLanes; // bytes of one vector (kLanes int32 / float / 4-byte groups)

inline float h2f(uint16_t h) {
    return _cvtsh_ss(h);
}

inline float floatOf(int32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// ------------------------------------------------------------------ unpacking to levels
// One block of one row -> unsigned levels in element order (32 or 256 bytes).

inline void storeNibbles(const uint8_t* qs16, uint8_t* lv) { // 16 bytes -> 32 levels
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs16));
    const __m128i m4 = _mm_set1_epi8(0x0F);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lv), _mm_and_si128(b, m4));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(lv + 16), _mm_and_si128(_mm_srli_epi16(b, 4), m4));
}

inline void levelsOf(const BlockQ4_0& b, uint8_t* lv) {
    storeNibbles(b.qs, lv);
}

inline void levelsOf(const BlockQ8_0& b, uint8_t* lv) {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv),
                        _mm256_xor_si256(q, _mm256_set1_epi8(static_cast<char>(0x80))));
}

inline void levelsOf(const BlockQ4_K& b, uint8_t* lv) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int c = 0; c < 4; ++c) {
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs + 32 * c));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv + 64 * c), _mm256_and_si256(q, m4));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv + 64 * c + 32),
                            _mm256_and_si256(_mm256_srli_epi16(q, 4), m4));
    }
}

inline void levelsOf(const BlockQ6_K& b, uint8_t* lv) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), three = _mm256_set1_epi8(3);
    for (int h = 0; h < 2; ++h) {
        const __m256i qlA = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.ql + 64 * h));
        const __m256i qlB =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.ql + 64 * h + 32));
        const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qh + 32 * h));
        const __m256i lows[4] = {_mm256_and_si256(qlA, m4), _mm256_and_si256(qlB, m4),
                                 _mm256_and_si256(_mm256_srli_epi16(qlA, 4), m4),
                                 _mm256_and_si256(_mm256_srli_epi16(qlB, 4), m4)};
        for (int p = 0; p < 4; ++p) {
            const __m256i high = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * p), three);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(lv + 128 * h + 32 * p),
                                _mm256_or_si256(lows[p], _mm256_slli_epi16(high, 4)));
        }
    }
}

// Copies row r's levels (nGroups groups of 4) into the interleaved layout at dst.
inline void interleave(const uint8_t* lv, int nGroups, int r, uint8_t* dst) {
    for (int g = 0; g < nGroups; ++g) std::memcpy(dst + g * kVec + 4 * r, lv + 4 * g, 4);
}

inline void putI32(uint8_t* vec, int r, int32_t v) {
    std::memcpy(vec + 4 * r, &v, 4);
}
inline void putF32(uint8_t* vec, int r, float v) {
    std::memcpy(vec + 4 * r, &v, 4);
}
inline int32_t pairI16(int lo, int hi) {
    return static_cast<int32_t>(static_cast<uint16_t>(lo) |
                                (static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16));
}

// ------------------------------------------------------------------ panel layouts
// Bytes per block of a panel, and how one row's block is written into it.

struct PanelQ8 { // Q4_0 / Q8_0: levels (8 groups), then the row scales
    static constexpr size_t kBlockBytes = 8 * kVec + kVec;
    template <class W> static void put(const W& w, int r, uint8_t* blk) {
        alignas(32) uint8_t lv[32];
        levelsOf(w, lv);
        interleave(lv, 8, r, blk);
        putScales(w, r, blk);
    }
    template <class W> static void putScales(const W& w, int r, uint8_t* blk) {
        putF32(blk + 8 * kVec, r, h2f(w.d));
    }
};

struct PanelQ4_K { // levels (64 groups), 8 scales, 4 min pairs, d, dmin
    static constexpr size_t kBlockBytes = 64 * kVec + 8 * kVec + 4 * kVec + 2 * kVec;
    static void put(const BlockQ4_K& w, int r, uint8_t* blk) {
        alignas(32) uint8_t lv[256];
        levelsOf(w, lv);
        interleave(lv, 64, r, blk);
        putScales(w, r, blk);
    }
    static void putScales(const BlockQ4_K& w, int r, uint8_t* blk) {
        uint8_t sc[8], mn[8];
        for (int j = 0; j < 8; ++j) {
            kquantScaleMin(j, w.scales, sc[j], mn[j]);
            putI32(blk + (64 + j) * kVec, r, sc[j]);
        }
        for (int m = 0; m < 4; ++m)
            putI32(blk + (72 + m) * kVec, r, pairI16(mn[2 * m], mn[2 * m + 1]));
        putF32(blk + 76 * kVec, r, h2f(w.d));
        putF32(blk + 77 * kVec, r, h2f(w.dmin));
    }
};

struct PanelQ6_K { // levels (64 groups), 16 scales, 8 scale pairs, d
    static constexpr size_t kBlockBytes = 64 * kVec + 16 * kVec + 8 * kVec + kVec;
    static void put(const BlockQ6_K& w, int r, uint8_t* blk) {
        alignas(32) uint8_t lv[256];
        levelsOf(w, lv);
        interleave(lv, 64, r, blk);
        putScales(w, r, blk);
    }
    static void putScales(const BlockQ6_K& w, int r, uint8_t* blk) {
        for (int g = 0; g < 16; ++g) putI32(blk + (64 + g) * kVec, r, w.scales[g]);
        for (int m = 0; m < 8; ++m)
            putI32(blk + (80 + m) * kVec, r, pairI16(w.scales[2 * m], w.scales[2 * m + 1]));
        putF32(blk + 88 * kVec, r, h2f(w.d));
    }
};

#if HEARTH_GEMM_512
// Panel levels straight from the 16 rows with 32-bit gathers (4 bytes of each row per gather):
// an order of magnitude fewer instructions than unpacking row by row, which matters for short
// prompts. Rows past nRows are masked out (never read) and come out as zero levels.
struct RowGather {
    __m512i offsets; // byte offset of each row from row 0
    __mmask16 valid;
};

inline VI gather4(const RowGather& g, const uint8_t* p) {
    return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), g.valid, g.offsets, p, 1);
}

inline VI lowNibbles(VI v) {
    return _mm512_and_si512(v, _mm512_set1_epi8(0x0F));
}
inline VI highNibbles(VI v) {
    return _mm512_and_si512(_mm512_maskz_srli_epi32(0xFFFF, v, 4), _mm512_set1_epi8(0x0F));
}
// Bits 2k..2k+1 of every byte moved to bits 4..5.
inline VI highPair(VI v, int k) {
    const VI bits =
        _mm512_and_si512(_mm512_maskz_srli_epi32(0xFFFF, v, 2 * k), _mm512_set1_epi8(3));
    return _mm512_maskz_slli_epi32(0xFFFF, bits, 4);
}
inline void storeGroup(uint8_t* blk, int g, VI v) {
    _mm512_store_si512(blk + g * kVec, v);
}

inline void gatherLevels(const RowGather& g, const BlockQ4_0* src, uint8_t* blk) {
    const auto* qs = reinterpret_cast<const uint8_t*>(src) + offsetof(BlockQ4_0, qs);
    for (int h = 0; h < 4; ++h) {
        const VI v = gather4(g, qs + 4 * h);
        storeGroup(blk, h, lowNibbles(v));
        storeGroup(blk, h + 4, highNibbles(v));
    }
}

inline void gatherLevels(const RowGather& g, const BlockQ8_0* src, uint8_t* blk) {
    const auto* qs = reinterpret_cast<const uint8_t*>(src) + offsetof(BlockQ8_0, qs);
    for (int h = 0; h < 8; ++h)
        storeGroup(blk, h,
                   _mm512_maskz_xor_epi32(g.valid, gather4(g, qs + 4 * h),
                                          _mm512_set1_epi8(static_cast<char>(0x80))));
}

inline void gatherLevels(const RowGather& g, const BlockQ4_K* src, uint8_t* blk) {
    const auto* qs = reinterpret_cast<const uint8_t*>(src) + offsetof(BlockQ4_K, qs);
    for (int c = 0; c < 4; ++c)
        for (int k = 0; k < 8; ++k) {
            const VI v = gather4(g, qs + 32 * c + 4 * k);
            storeGroup(blk, 16 * c + k, lowNibbles(v));
            storeGroup(blk, 16 * c + 8 + k, highNibbles(v));
        }
}

inline void gatherLevels(const RowGather& g, const BlockQ6_K* src, uint8_t* blk) {
    const auto* base = reinterpret_cast<const uint8_t*>(src);
    const uint8_t* ql = base + offsetof(BlockQ6_K, ql);
    const uint8_t* qh = base + offsetof(BlockQ6_K, qh);
    for (int h = 0; h < 2; ++h)
        for (int k = 0; k < 8; ++k) {
            const VI a = gather4(g, ql + 64 * h + 4 * k), b = gather4(g, ql + 64 * h + 32 + 4 * k);
            const VI hi = gather4(g, qh + 32 * h + 4 * k);
            storeGroup(blk, 32 * h + k, _mm512_or_si512(lowNibbles(a), highPair(hi, 0)));
            storeGroup(blk, 32 * h + 8 + k, _mm512_or_si512(lowNibbles(b), highPair(hi, 1)));
            storeGroup(blk, 32 * h + 16 + k, _mm512_or_si512(highNibbles(a), highPair(hi, 2)));
            storeGroup(blk, 32 * h + 24 + k, _mm512_or_si512(highNibbles(b), highPair(hi, 3)));
        }
}

// False when row offsets do not fit the gathers' int32 indices (then rows are packed one by one).
template <class W, class Panel>
bool gatherPanel(const uint8_t* rows, size_t rowStride, int nRows, int64_t nBlocks,
                 uint8_t* panel) {
    if (rowStride > static_cast<size_t>(INT32_MAX / kLanes)) return false;
    const RowGather g{
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(static_cast<int>(rowStride))),
        static_cast<__mmask16>((1u << nRows) - 1)};
    for (int64_t b = 0; b < nBlocks; ++b) {
        uint8_t* blk = panel + static_cast<size_t>(b) * Panel::kBlockBytes;
        gatherLevels(g, reinterpret_cast<const W*>(rows) + b, blk);
        for (int r = 0; r < nRows; ++r)
            Panel::putScales(
                reinterpret_cast<const W*>(rows + static_cast<size_t>(r) * rowStride)[b], r, blk);
    }
    return true;
}
#endif

// ------------------------------------------------------------------ micro-kernels
// T tokens x kLanes rows over the whole row length; acc[t] holds the kLanes outputs of token t.

struct TileArgs {
    const uint8_t* panel;
    int64_t nBlocks;
    const uint8_t* acts; // token 0 of this tile
    size_t actStride;
    const int32_t* info; // token 0's side data
    size_t infoStride;
    float* out; // token 0, first row of the panel
    size_t outStride;
    int nRows; // valid rows in the panel
};

template <int T> void tileQ8(const TileArgs& p) {
    VF acc[T];
    for (int t = 0; t < T; ++t) acc[t] = vfZero();
    for (int64_t b = 0; b < p.nBlocks; ++b) {
        const uint8_t* blk = p.panel + static_cast<size_t>(b) * PanelQ8::kBlockBytes;
        VI w[8];
        for (int g = 0; g < 8; ++g) w[g] = viLoad(blk + g * kVec);
        const VF dw = vfLoad(blk + 8 * kVec);
        for (int t = 0; t < T; ++t) {
            const auto* a = reinterpret_cast<const BlockQ8_0*>(p.acts + t * p.actStride) + b;
            const int32_t* info = p.info + t * p.infoStride + 2 * b;
            VI isum = viSet1(info[1]); // starts at -offset * sum(a)
            for (int g = 0; g < 8; ++g) isum = dot4(isum, w[g], a->qs + 4 * g);
            acc[t] = vfFma(vfMul(dw, vfSet1(floatOf(info[0]))), vfCvt(isum), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) vfStore(p.out + t * p.outStride, acc[t], p.nRows);
}

template <int T> void tileQ4_K(const TileArgs& p) {
    VF acc[T];
    for (int t = 0; t < T; ++t) acc[t] = vfZero();
    for (int64_t b = 0; b < p.nBlocks; ++b) {
        const uint8_t* blk = p.panel + static_cast<size_t>(b) * PanelQ4_K::kBlockBytes;
        const BlockQ8_K* a[T];
        for (int t = 0; t < T; ++t)
            a[t] = reinterpret_cast<const BlockQ8_K*>(p.acts + t * p.actStride) + b;
        VI isum[T];
        for (int t = 0; t < T; ++t) isum[t] = viZero();
        for (int j = 0; j < 8; ++j) {
            VI w[8];
            for (int g = 0; g < 8; ++g) w[g] = viLoad(blk + (8 * j + g) * kVec);
            const VI sc = viLoad(blk + (64 + j) * kVec);
            for (int t = 0; t < T; ++t) {
                VI s = viZero();
                for (int g = 0; g < 8; ++g) s = dot4(s, w[g], a[t]->qs + 32 * j + 4 * g);
                isum[t] = viAdd(isum[t], viMul(s, sc));
            }
        }
        const VF d = vfLoad(blk + 76 * kVec), dmin = vfLoad(blk + 77 * kVec);
        for (int t = 0; t < T; ++t) {
            const int32_t* info = p.info + t * p.infoStride + 4 * b;
            VI msum = viZero();
            for (int m = 0; m < 4; ++m)
                msum = dotPairs(msum, viLoad(blk + (72 + m) * kVec), info[m]);
            const VF da = vfSet1(a[t]->d);
            acc[t] = vfFma(vfMul(d, da), vfCvt(isum[t]), acc[t]);
            acc[t] = vfFma(vfMul(dmin, da), vfCvt(viSub(viZero(), msum)), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) vfStore(p.out + t * p.outStride, acc[t], p.nRows);
}

template <int T> void tileQ6_K(const TileArgs& p) {
    VF acc[T];
    for (int t = 0; t < T; ++t) acc[t] = vfZero();
    for (int64_t b = 0; b < p.nBlocks; ++b) {
        const uint8_t* blk = p.panel + static_cast<size_t>(b) * PanelQ6_K::kBlockBytes;
        const BlockQ8_K* a[T];
        for (int t = 0; t < T; ++t)
            a[t] = reinterpret_cast<const BlockQ8_K*>(p.acts + t * p.actStride) + b;
        VI isum[T];
        for (int t = 0; t < T; ++t) isum[t] = viZero();
        for (int j = 0; j < 16; j += 2) { // two 16-element sub-blocks per pass
            VI w[8];
            for (int g = 0; g < 8; ++g) w[g] = viLoad(blk + (4 * j + g) * kVec);
            const VI sc0 = viLoad(blk + (64 + j) * kVec), sc1 = viLoad(blk + (65 + j) * kVec);
            for (int t = 0; t < T; ++t) {
                VI s0 = viZero(), s1 = viZero();
                for (int g = 0; g < 4; ++g) {
                    s0 = dot4(s0, w[g], a[t]->qs + 16 * j + 4 * g);
                    s1 = dot4(s1, w[4 + g], a[t]->qs + 16 * j + 16 + 4 * g);
                }
                isum[t] = viAdd(isum[t], viAdd(viMul(s0, sc0), viMul(s1, sc1)));
            }
        }
        const VF d = vfLoad(blk + 88 * kVec);
        for (int t = 0; t < T; ++t) {
            // Levels are 0..63 for values -32..31: subtract 32 * sum(scale * bsum).
            VI offset = viZero();
            for (int m = 0; m < 8; ++m) {
                int32_t pair;
                std::memcpy(&pair, a[t]->bsums + 2 * m, 4);
                offset = dotPairs(offset, viLoad(blk + (80 + m) * kVec), pair);
            }
            const VI total = viSub(isum[t], viShl5(offset));
            acc[t] = vfFma(vfMul(d, vfSet1(a[t]->d)), vfCvt(total), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) vfStore(p.out + t * p.outStride, acc[t], p.nRows);
}

// ------------------------------------------------------------------ Q8_K activations
// quantizeRowQ8_KRef byte for byte: the scale comes from the first element of largest magnitude,
// q = min(127, round-half-even(x * -127/max)), bsums are sums of 16. Pure 256-bit code.

inline int hsumI32x8(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

inline void quantizeRowQ8_K(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ8_K*>(vy);
    const __m256 signBit = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        __m256 amaxV = _mm256_setzero_ps();
        for (int j = 0; j < kQK_K; j += 8) // (|x| first: a NaN is skipped, as in the reference)
            amaxV = _mm256_max_ps(_mm256_andnot_ps(signBit, _mm256_loadu_ps(x + j)), amaxV);
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amaxV), _mm256_extractf128_ps(amaxV, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float amax = _mm_cvtss_f32(m);
        if (amax == 0.0f) {
            std::memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        float max = 0;
        for (int j = 0; j < kQK_K; j += 8) {
            const __m256 ax = _mm256_andnot_ps(signBit, _mm256_loadu_ps(x + j));
            const int hit = _mm256_movemask_ps(_mm256_cmp_ps(ax, _mm256_set1_ps(amax), _CMP_EQ_OQ));
            if (hit) {
                max = x[j + __builtin_ctz(static_cast<unsigned>(hit))];
                break;
            }
        }
        const float iscale = -127.f / max;
        const __m256 scale = _mm256_set1_ps(iscale);
        const __m256i top = _mm256_set1_epi32(127);
        for (int j = 0; j < kQK_K; j += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; ++k)
                q[k] = _mm256_min_epi32(_mm256_cvtps_epi32(_mm256_round_ps(
                                            _mm256_mul_ps(scale, _mm256_loadu_ps(x + j + 8 * k)),
                                            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)),
                                        top);
            y[i].bsums[j / 16] = static_cast<int16_t>(hsumI32x8(_mm256_add_epi32(q[0], q[1])));
            y[i].bsums[j / 16 + 1] = static_cast<int16_t>(hsumI32x8(_mm256_add_epi32(q[2], q[3])));
            const __m256i p01 = _mm256_packs_epi32(q[0], q[1]),
                          p23 = _mm256_packs_epi32(q[2], q[3]);
            const __m256i packed = _mm256_permutevar8x32_epi32(
                _mm256_packs_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs + j), packed);
        }
        y[i].d = 1 / iscale;
    }
}

// ------------------------------------------------------------------ driver

using TileFn = void (*)(const TileArgs&);

template <class W, class Panel, int kBlock, TileFn (*TileFor)(int)>
void panelsTimesTokens(int64_t n, const void* weights, size_t rowStride, int64_t row0, int64_t row1,
                       const void* acts, size_t actStride, const int32_t* info, size_t infoStride,
                       int64_t nTok, float* out, size_t outStride) {
    const int64_t nBlocks = n / kBlock;
    const size_t panelBytes = static_cast<size_t>(nBlocks) * Panel::kBlockBytes;
    // One panel per thread, reused across calls (prefill only: no allocation per token).
    thread_local std::vector<uint8_t> storage;
    if (storage.size() < panelBytes + 64) storage.resize(panelBytes + 64);
    auto* panel = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(storage.data()) + 63) &
                                             ~static_cast<uintptr_t>(63));
    const auto* wBase = static_cast<const uint8_t*>(weights);
    for (int64_t p0 = row0; p0 < row1; p0 += kLanes) {
        const int nRows = static_cast<int>(std::min<int64_t>(kLanes, row1 - p0));
        if (nRows < kLanes) std::memset(panel, 0, panelBytes); // padding rows stay zero
        const uint8_t* rows = wBase + static_cast<size_t>(p0) * rowStride;
        bool packed = false;
#if HEARTH_GEMM_512
        packed = gatherPanel<W, Panel>(rows, rowStride, nRows, nBlocks, panel);
#endif
        for (int r = 0; r < nRows && !packed; ++r) {
            const auto* w = reinterpret_cast<const W*>(rows + static_cast<size_t>(r) * rowStride);
            for (int64_t b = 0; b < nBlocks; ++b)
                Panel::put(w[b], r, panel + static_cast<size_t>(b) * Panel::kBlockBytes);
        }
        TileArgs args{panel,      nBlocks, nullptr,   actStride, nullptr,
                      infoStride, nullptr, outStride, nRows};
        for (int64_t t = 0; t < nTok; t += kTokTile) {
            const int tiles = static_cast<int>(std::min<int64_t>(kTokTile, nTok - t));
            args.acts = static_cast<const uint8_t*>(acts) + static_cast<size_t>(t) * actStride;
            args.info = info + static_cast<size_t>(t) * infoStride;
            args.out = out + static_cast<size_t>(t) * outStride + static_cast<size_t>(p0);
            TileFor(tiles)(args);
        }
    }
}

#define HEARTH_GEMM_TILE_FOR(name)                                                                 \
    inline TileFn name##For(int tokens) {                                                          \
        static constexpr TileFn kTiles[] = {nullptr, name<1>, name<2>, name<3>, name<4>,           \
                                            name<5>, name<6>, name<7>, name<8>};                   \
        return kTiles[tokens];                                                                     \
    }
HEARTH_GEMM_TILE_FOR(tileQ8)
HEARTH_GEMM_TILE_FOR(tileQ4_K)
HEARTH_GEMM_TILE_FOR(tileQ6_K)
#undef HEARTH_GEMM_TILE_FOR

inline void gemmRowsX86(GgmlType type, int64_t n, const void* weights, size_t rowStride,
                        int64_t row0, int64_t row1, const void* acts, size_t actStride,
                        const int32_t* info, int64_t nTok, float* out, size_t outStride) {
    const size_t infoStride = gemmTokenInfoSize(type, n);
    switch (type) {
    case GgmlType::Q4_0:
        panelsTimesTokens<BlockQ4_0, PanelQ8, kQK, tileQ8For>(n, weights, rowStride, row0, row1,
                                                              acts, actStride, info, infoStride,
                                                              nTok, out, outStride);
        break;
    case GgmlType::Q8_0:
        panelsTimesTokens<BlockQ8_0, PanelQ8, kQK, tileQ8For>(n, weights, rowStride, row0, row1,
                                                              acts, actStride, info, infoStride,
                                                              nTok, out, outStride);
        break;
    case GgmlType::Q4_K:
        panelsTimesTokens<BlockQ4_K, PanelQ4_K, kQK_K, tileQ4_KFor>(
            n, weights, rowStride, row0, row1, acts, actStride, info, infoStride, nTok, out,
            outStride);
        break;
    case GgmlType::Q6_K:
        panelsTimesTokens<BlockQ6_K, PanelQ6_K, kQK_K, tileQ6_KFor>(
            n, weights, rowStride, row0, row1, acts, actStride, info, infoStride, nTok, out,
            outStride);
        break;
    default:
        break;
    }
}
