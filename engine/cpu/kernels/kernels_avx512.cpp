// AVX-512 (F/BW/VL/DQ + VNNI) kernels; used only when CPUID says so. The x86 kernels compiled
// with AVX-512 encodings, their int8 dot products on vpdpbusd.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/cpu/kernels/quant_math.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

// kernels_x86.h is included inside an anonymous namespace below; everything it needs is
// included here first, outside it.

namespace hearth::kernels {
namespace {
#define HEARTH_X86_VNNI 1
#include "engine/cpu/kernels/kernels_x86.h"
#undef HEARTH_X86_VNNI

// Helpers for the 512-bit kernels below. (Masked forms throughout: GCC 12 flags the unmasked
// intrinsics' internal "undefined" source operand as uninitialized under -Werror.)
__m512i joinBlocks(__m256i first, __m256i second) {
    return _mm512_mask_broadcast_i64x4(_mm512_maskz_broadcast_i64x4(0x0F, first), 0xF0, second);
}

float hsum512(__m512 v) {
    return hsum(_mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, v, 0),
                              _mm512_maskz_extractf32x8_ps(0xFF, v, 1)));
}

__m512 toFloat(__m512i v) {
    return _mm512_mask_cvtepi32_ps(_mm512_setzero_ps(), 0xFFFF, v);
}

template <class Block> __m256i weightBytes(const Block& b) {
    if constexpr (std::is_same_v<Block, BlockQ4_0>)
        return _mm256_sub_epi8(nibbles32(b.qs), _mm256_set1_epi8(8));
    else
        return loadI(b.qs);
}

// ---------------------------------------------------------------- Q4_0 in groups
// Blocks of 18 bytes gathered with one word permute: four Q4_0 blocks (72 bytes) make one
// 64-byte vector of levels, and one word permute brings their scales into the dpbusd lanes they
// belong to (lane l: block l / lanes-per-block).
// That replaces a load, a shuffle and two scalar half conversions per block and row.

// Word permute index: idx[i] = blockWords * (i / perBlock) + offset + i % perBlock (the blocks'
// level bytes start at even offsets, so word permutes, plain AVX-512BW, can gather them). Words
// from 32 on come from the second source; `secondAt` is the word of the group where it starts.
template <int kBlockWords, int kPerBlock, int kOffset, int kSecondAt = 32> __m512i gatherWords() {
    alignas(64) uint16_t idx[32];
    for (int i = 0; i < 32; ++i) {
        const int w = kBlockWords * (i / kPerBlock) + kOffset + i % kPerBlock;
        idx[i] = static_cast<uint16_t>(w < 32 ? w : 32 + w - kSecondAt);
    }
    return _mm512_load_si512(idx);
}
template <int kBlockWords, int kLanesPerBlock> __m512i gatherScaleWords() {
    alignas(64) uint16_t idx[32];
    for (int i = 0; i < 32; ++i)
        idx[i] = static_cast<uint16_t>(i < 16 ? kBlockWords * (i / kLanesPerBlock) : 0);
    return _mm512_load_si512(idx);
}

// A run of four groups (16 blocks) leaves each row with four dot vectors, block k of group g in
// 128-bit lane k. sumBlocks adds each block's four lanes and puts block (g, k) in lane 4k + g, so
// one conversion, one multiply by the 16 scale products and one FMA serve 16 blocks instead of
// four. The scale words come to the same lanes by two permutes: quadPairWords takes the four
// block scales of two groups (words 0, 9, 18, 27 of each group's first 64 bytes) into words 2k +
// (0, 1); quadJoinWords joins two such pairs into word 4k + g.
__m512i quadPairWords() {
    alignas(64) uint16_t idx[32] = {};
    for (int k = 0; k < 4; ++k) {
        idx[2 * k] = static_cast<uint16_t>(9 * k);
        idx[2 * k + 1] = static_cast<uint16_t>(32 + 9 * k);
    }
    return _mm512_load_si512(idx);
}
// The same for the activation scales, already floats with block k of a group in lanes 4k..4k+3.
__m512i quadActPairLanes() {
    alignas(64) int32_t idx[16] = {};
    for (int k = 0; k < 4; ++k) {
        idx[4 * k] = 4 * k;
        idx[4 * k + 1] = 16 + 4 * k;
    }
    return _mm512_load_si512(idx);
}
__m512i quadActJoinLanes() {
    alignas(64) int32_t idx[16] = {};
    for (int k = 0; k < 4; ++k)
        for (int g = 0; g < 4; ++g) idx[4 * k + g] = g < 2 ? 4 * k + g : 16 + 4 * k + g - 2;
    return _mm512_load_si512(idx);
}
__m512i quadJoinWords() {
    alignas(64) uint16_t idx[32] = {};
    for (int k = 0; k < 4; ++k)
        for (int g = 0; g < 4; ++g)
            idx[4 * k + g] = static_cast<uint16_t>(g < 2 ? 2 * k + g : 32 + 2 * k + g - 2);
    return _mm512_load_si512(idx);
}

__m512i sumBlocks(const __m512i (&v)[4]) {
    const __m512i s01 = _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(0xFFFF, v[0], v[1]),
                                         _mm512_maskz_unpackhi_epi32(0xFFFF, v[0], v[1]));
    const __m512i s23 = _mm512_add_epi32(_mm512_maskz_unpacklo_epi32(0xFFFF, v[2], v[3]),
                                         _mm512_maskz_unpackhi_epi32(0xFFFF, v[2], v[3]));
    return _mm512_add_epi32(_mm512_maskz_unpacklo_epi64(0xFF, s01, s23),
                            _mm512_maskz_unpackhi_epi64(0xFF, s01, s23));
}

__m512 halvesToFloat(__m512i words) { // the low 16 words
    return _mm512_maskz_cvtph_ps(0xFFFF, _mm512_maskz_extracti32x8_epi32(0xFF, words, 0));
}

// Four Q4_0 blocks against four Q8_0 blocks. Levels stay unsigned 0..15 (low nibbles: elements
// 0-15 of each block, high: 16-31); the -8 comes back by starting each block's integer dot at
// -8 * sum(y) (Act::fix), exact, and one subtraction per block and row cheaper.
struct GroupQ4_0 {
    static constexpr int kBlocks = 4, kBytes = 4 * 18, kActBytes = 4 * 34;
    using Block = BlockQ4_0;
    struct Consts {
        // The levels' last words (group bytes 64-71) come from a second load at byte 8, so no
        // load reads past the group and none needs a mask.
        __m512i qs = gatherWords<9, 8, 1, 4>(), d = gatherScaleWords<9, 4>();
        __m512i quadPair = quadPairWords(), quadJoin = quadJoinWords();
        __m512i quadActPair = quadActPairLanes(), quadActJoin = quadActJoinLanes();
        __m512i actQs = gatherWords<17, 8, 1>(), actD = gatherScaleWords<17, 4>();
        __m512i m4 = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8);
    };
    struct Act {
        __m512i lo, hi, fix;
        __m512 d;
    };
    struct W {
        __m512i lo, hi,
            head; // head: the group's first 64 bytes (its scales are words 0, 9, 18, 27)
    };
    static Act act(const Consts& c, const uint8_t* p) {
        const __m512i a = _mm512_loadu_si512(p), b = _mm512_loadu_si512(p + 64);
        const __m512i a16 = _mm512_loadu_si512(p + 16);
        const __m512i b16 = _mm512_maskz_loadu_epi8((__mmask64{1} << 56) - 1, p + 80);
        Act r;
        r.lo = _mm512_permutex2var_epi16(a, c.actQs, b);     // elements 0-15 of each block
        r.hi = _mm512_permutex2var_epi16(a16, c.actQs, b16); // elements 16-31
        r.fix = _mm512_sub_epi32(
            _mm512_setzero_si512(),
            _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), c.eight, r.lo), c.eight,
                                r.hi));
        r.d = halvesToFloat(_mm512_permutex2var_epi16(a, c.actD, b));
        return r;
    }
    // The 16 activation scales of four groups in sumBlocks' lane order (lane 4k + g: group g's
    // block k, whose scale Act::d holds in lanes 4k..4k+3), by two rounds of permutes.
    static __m512 quadActScales(const Consts& c, const Act* y) {
        const __m512 d01 = _mm512_permutex2var_ps(y[0].d, c.quadActPair, y[1].d);
        const __m512 d23 = _mm512_permutex2var_ps(y[2].d, c.quadActPair, y[3].d);
        return _mm512_permutex2var_ps(d01, c.quadActJoin, d23);
    }
    static W weights(const Consts& c, const uint8_t* p) {
        W r;
        r.head = _mm512_loadu_si512(p);
        const __m512i qs = _mm512_permutex2var_epi16(r.head, c.qs, _mm512_loadu_si512(p + 8));
        r.lo = _mm512_and_si512(qs, c.m4);
        r.hi = _mm512_and_si512(_mm512_maskz_srli_epi16(0xFFFFFFFFu, qs, 4), c.m4);
        return r;
    }
    static __m512 scales(const Consts& c, const W& w) {
        return halvesToFloat(_mm512_maskz_permutexvar_epi16(0xFFFFFFFFu, c.d, w.head));
    }
    static __m512 quadScales(const Consts& c, const W (&w)[4]) {
        const __m512i p01 = _mm512_permutex2var_epi16(w[0].head, c.quadPair, w[1].head);
        const __m512i p23 = _mm512_permutex2var_epi16(w[2].head, c.quadPair, w[3].head);
        return halvesToFloat(_mm512_permutex2var_epi16(p01, c.quadJoin, p23));
    }
    static __m512i dot(const W& w, const Act& y) {
        return _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(y.fix, w.lo, y.lo), w.hi, y.hi);
    }
};

// How far ahead of the rows being read the decode kernels fetch weights: the hardware prefetcher
// alone leaves out-of-cache decode far below the memory bandwidth; 8 KiB measured best for Q4_0,
// Q8_0 and Q4_K rows (1.5 and 16 KiB slower), and again for Q4_0 with 2 threads once each thread
// streams its own span (2, 4 and 16 KiB slower), on this machine (Zen 5 EPYC); still so with
// the weights in 2 MiB pages (12-24 KiB slower). The fetches are non-temporal (PREFETCHNTA):
// weights are read once per token, and with two threads streaming they went 1-3 % faster than
// with T0, which lets them push the activations out of L1.
constexpr size_t kStreamAhead = 8192;

// The activation rows' groups, gathered once per call into per-thread scratch that only grows
// (a call covers many weight rows, so the gathering is shared by all of them): each group's
// levels, then each run of four groups' scales (GroupActs::quads).
struct QuadScales {
    __m512 d;
};
template <class G> struct GroupActs {
    const typename G::Act* groups;
    const QuadScales* quads;
};

// kRows weight rows against kActs activation rows, whose groups were gathered beforehand (ys);
// every (row, activation) sees the same operations in the same order whatever kRows and kActs,
// so all forms agree bit for bit.
template <class G, int kRows, int kActs>
void groupRows(const typename G::Consts& c, int64_t n, const uint8_t* base, size_t stride,
               const uint8_t* const (&acts)[kActs], const GroupActs<G> (&ys)[kActs],
               float* const (&outs)[kActs], int64_t r0) {
    const int64_t nb = n / 32, ng = nb / G::kBlocks, nq = ng / 4;
    const uint8_t* w[kRows];
    for (int k = 0; k < kRows; ++k) w[k] = base + static_cast<size_t>(r0 + k) * stride;
    __m512 acc[kActs][kRows];
    for (int a = 0; a < kActs; ++a)
        for (int k = 0; k < kRows; ++k) acc[a][k] = _mm512_setzero_ps();
    // Rows about kStreamAhead bytes further on (rows are contiguous) are fetched a little per
    // group, so their memory arrives before it is needed instead of when the hardware
    // prefetcher catches up.
    const size_t nextBytes = static_cast<size_t>(kRows) * stride;
    const size_t ahead = nextBytes ? (kStreamAhead + nextBytes - 1) / nextBytes : 0;
    const char* next =
        reinterpret_cast<const char*>(base + static_cast<size_t>(r0) * stride + ahead * nextBytes);
    // The same number of lines every group (the last groups may reach a little past the rows).
    const int64_t linesPerGroup =
        ng > 0 ? static_cast<int64_t>((nextBytes + 63) / 64 + static_cast<size_t>(ng) - 1) / ng : 0;
    for (int64_t q = 0; q < nq; ++q) {
        for (int64_t l = 0; l < 4 * linesPerGroup; ++l, next += 64)
            _mm_prefetch(next, _MM_HINT_NTA);
        for (int k = 0; k < kRows; ++k) {
            typename G::W x[4];
            __m512i dots[kActs][4];
            for (int g = 0; g < 4; ++g) {
                x[g] = G::weights(c, w[k] + (4 * q + g) * G::kBytes);
                for (int a = 0; a < kActs; ++a) dots[a][g] = G::dot(x[g], ys[a].groups[4 * q + g]);
            }
            const __m512 d = G::quadScales(c, x);
            for (int a = 0; a < kActs; ++a)
                acc[a][k] = _mm512_fmadd_ps(_mm512_mul_ps(d, ys[a].quads[q].d),
                                            toFloat(sumBlocks(dots[a])), acc[a][k]);
        }
    }
    for (int64_t g = 4 * nq; g < ng; ++g) { // groups left over: one at a time
        for (int64_t l = 0; l < linesPerGroup; ++l, next += 64) _mm_prefetch(next, _MM_HINT_NTA);
        for (int k = 0; k < kRows; ++k) {
            const typename G::W x = G::weights(c, w[k] + g * G::kBytes);
            const __m512 d = G::scales(c, x);
            for (int a = 0; a < kActs; ++a)
                acc[a][k] = _mm512_fmadd_ps(_mm512_mul_ps(d, ys[a].groups[g].d),
                                            toFloat(G::dot(x, ys[a].groups[g])), acc[a][k]);
        }
    }
    for (int a = 0; a < kActs; ++a) {
        const auto* ab = reinterpret_cast<const BlockQ8_0*>(acts[a]);
        for (int k = 0; k < kRows; ++k) {
            const auto* wb = reinterpret_cast<const typename G::Block*>(w[k]);
            float sum = hsum512(acc[a][k]);
            for (int64_t i = ng * G::kBlocks; i < nb; ++i) { // blocks left over: one at a time
                const __m256i p = dotS8S8(weightBytes(wb[i]), loadI(ab[i].qs));
                sum += hsum(_mm256_mul_ps(_mm256_set1_ps(h2f(wb[i].d) * h2f(ab[i].d)),
                                          _mm256_cvtepi32_ps(p)));
            }
            outs[a][r0 + k] = sum;
        }
    }
}

// An activation row prepared for the group kernels: its groups, then each run of four groups'
// scales (sizes are multiples of 64 bytes, so both arrays stay aligned in a 64-byte buffer).
template <class G> int64_t groupCount(int64_t n) {
    return n / 32 / G::kBlocks;
}
template <class G> size_t groupPreparedBytes(int64_t n) {
    const auto ng = static_cast<size_t>(groupCount<G>(n));
    return ng * sizeof(typename G::Act) + ng / 4 * sizeof(QuadScales);
}
template <class G>
void groupPrepare(const typename G::Consts& c, int64_t n, const void* act, void* prepared) {
    const int64_t ng = groupCount<G>(n), nq = ng / 4;
    auto* y = static_cast<typename G::Act*>(prepared);
    for (int64_t g = 0; g < ng; ++g)
        y[g] = G::act(c, static_cast<const uint8_t*>(act) + g * G::kActBytes);
    auto* yq = reinterpret_cast<QuadScales*>(y + ng);
    for (int64_t q = 0; q < nq; ++q) yq[q].d = G::quadActScales(c, y + 4 * q);
}
template <class G> GroupActs<G> preparedView(int64_t n, const void* prepared) {
    const auto* y = static_cast<const typename G::Act*>(prepared);
    return GroupActs<G>{y, reinterpret_cast<const QuadScales*>(y + groupCount<G>(n))};
}

// Callers that did not prepare: the activation rows prepared into per-thread scratch that only
// grows (a call covers many weight rows, so the preparing is shared by all of them).
template <class G, int kActs>
void gatherActs(const typename G::Consts& c, int64_t n, const uint8_t* const (&acts)[kActs],
                GroupActs<G> (&ys)[kActs]) {
    thread_local std::vector<QuadScales> scratch; // 64-byte units
    const size_t units = groupPreparedBytes<G>(n) / sizeof(QuadScales) + 1;
    if (scratch.size() < kActs * units) scratch.resize(kActs * units);
    for (int a = 0; a < kActs; ++a) {
        void* buffer = scratch.data() + a * units;
        groupPrepare<G>(c, n, acts[a], buffer);
        ys[a] = preparedView<G>(n, buffer);
    }
}

template <class G, int kActs>
void groupRowsOver(const typename G::Consts& c, int64_t n, const uint8_t* base, size_t stride,
                   int64_t nRows, const uint8_t* const (&acts)[kActs],
                   const GroupActs<G> (&ys)[kActs], float* const (&outs)[kActs]) {
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) groupRows<G, 4, kActs>(c, n, base, stride, acts, ys, outs, r);
    for (; r < nRows; ++r) groupRows<G, 1, kActs>(c, n, base, stride, acts, ys, outs, r);
}

template <class G, int kActs>
void groupRowsAll(int64_t n, const void* weights, size_t stride, int64_t nRows,
                  const uint8_t* const (&acts)[kActs], float* const (&outs)[kActs]) {
    const typename G::Consts c;
    GroupActs<G> ys[kActs];
    gatherActs<G, kActs>(c, n, acts, ys);
    groupRowsOver<G, kActs>(c, n, static_cast<const uint8_t*>(weights), stride, nRows, acts, ys,
                            outs);
}

template <class G> void groupPrepareAct(int64_t n, const void* act, void* prepared) {
    const typename G::Consts c;
    groupPrepare<G>(c, n, act, prepared);
}

template <class G>
void groupVecDotRowsPrepared(int64_t n, const void* weights, size_t stride, int64_t nRows,
                             const void* act, const void* prepared, float* out) {
    const uint8_t* const acts[1] = {static_cast<const uint8_t*>(act)};
    float* const outs[1] = {out};
    const typename G::Consts c;
    const GroupActs<G> ys[1] = {preparedView<G>(n, prepared)};
    groupRowsOver<G, 1>(c, n, static_cast<const uint8_t*>(weights), stride, nRows, acts, ys, outs);
}

template <class G> float groupVecDot(int64_t n, const void* w, const void* act) {
    float out;
    const uint8_t* const acts[1] = {static_cast<const uint8_t*>(act)};
    float* const outs[1] = {&out};
    const typename G::Consts c;
    GroupActs<G> ys[1];
    gatherActs<G, 1>(c, n, acts, ys);
    groupRows<G, 1, 1>(c, n, static_cast<const uint8_t*>(w), 0, acts, ys, outs, 0);
    return out;
}

template <class G>
void groupVecDotRows(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* act,
                     float* out) {
    const uint8_t* const acts[1] = {static_cast<const uint8_t*>(act)};
    float* const outs[1] = {out};
    groupRowsAll<G, 1>(n, weights, stride, nRows, acts, outs);
}

template <class G>
void groupVecDotRows2(int64_t n, const void* weights, size_t stride, int64_t nRows,
                      const void* act0, const void* act1, float* out0, float* out1) {
    const uint8_t* const acts[2] = {static_cast<const uint8_t*>(act0),
                                    static_cast<const uint8_t*>(act1)};
    float* const outs[2] = {out0, out1};
    groupRowsAll<G, 2>(n, weights, stride, nRows, acts, outs);
}

template <class G> void setGroupKernels(KernelTable& table, GgmlType type) {
    TypeKernels& k = table[static_cast<uint32_t>(type)];
    k.vecDot = groupVecDot<G>;
    k.vecDotRows = groupVecDotRows<G>;
    k.vecDotRows2 = groupVecDotRows2<G>;
    k.preparedActBytes = groupPreparedBytes<G>;
    k.prepareAct = groupPrepareAct<G>;
    k.vecDotRowsPrepared = groupVecDotRowsPrepared<G>;
}

// ---------------------------------------------------------------- k-quants, 512-bit
// 64 levels per vector against 64 activation bytes in one vpdpbusd: lane l sums levels 4l..4l+3,
// so a sub-block's scale covers 4 (Q6_K: 16 levels) or 8 (Q4_K: 32 levels) lanes and is applied
// with one multiply per vector. Levels stay unsigned; Q6_K's -32 offset and Q4_K's mins come back
// through the activation's block sums. Integer sums are exact; only float order differs from the
// scalar reference. Written for kRows rows sharing each activation load, but registered one row
// at a time (see superVecDotRows), so vecDot and vecDotRows agree bit for bit.

__m512i zext256(__m256i v) {
    return _mm512_maskz_broadcast_i64x4(0x0F, v);
}

// Scales reach the dpbusd lanes by an in-lane byte shuffle of the row's int16 scales (broadcast
// to every 128-bit lane): each lane gets its sub-block's scale in its low word, zero in the high
// one, and vpmaddwd multiplies (a lane's sum fits in 16 bits: at most 4 * 63 * 128 = 32256).
// Cheaper than a cross-lane permute and a 32-bit multiply.
struct PickWords {
    alignas(64) uint8_t b[64];
};
// 128-bit lane L of the result takes word j[L] of the source lane into every 32-bit lane.
constexpr PickWords pickWords(int j0, int j1, int j2, int j3) {
    PickWords p{};
    const int j[4] = {j0, j1, j2, j3};
    for (int lane = 0; lane < 4; ++lane)
        for (int k = 0; k < 4; ++k) {
            uint8_t* q = p.b + 16 * lane + 4 * k;
            q[0] = static_cast<uint8_t>(2 * j[lane]);
            q[1] = static_cast<uint8_t>(2 * j[lane] + 1);
            q[2] = q[3] = 0x80;
        }
    return p;
}
// Q6_K, per half of a super-block (scales 8h..8h+7): levels 0-31 | 32-63 take scales 0-3, the
// next vector 4-7 (16 levels, 4 lanes, per scale).
constexpr PickWords kQ6KPick[2] = {pickWords(0, 1, 2, 3), pickWords(4, 5, 6, 7)};
// Q4_K: the vectors hold sub-blocks (0, 2), (1, 3), (4, 6), (5, 7), 32 levels each.
constexpr PickWords kQ4KPick[4] = {pickWords(0, 0, 2, 2), pickWords(1, 1, 3, 3),
                                   pickWords(4, 4, 6, 6), pickWords(5, 5, 7, 7)};

__m512i loadPick(const PickWords& p) {
    return _mm512_load_si512(p.b);
}

__m512i scaled(__m512i dots, __m512i scales16) {
    return _mm512_maskz_madd_epi16(0xFFFF, dots, scales16);
}

__m512i pick(__m512i words, __m512i control) {
    return _mm512_maskz_shuffle_epi8(~__mmask64{0}, words, control);
}

// Fetches the lines of [p, p + bytes) kStreamAhead bytes ahead of a row stream being read.
inline void prefetchAhead(const void* p, size_t bytes) {
    const auto* c = static_cast<const char*>(p) + kStreamAhead;
    for (size_t off = 0; off < bytes; off += 64) _mm_prefetch(c + off, _MM_HINT_NTA);
}

template <int kRows>
void q6kRows(int64_t n, const uint8_t* base, size_t stride, const BlockQ8_K* a, float* out) {
    const int64_t nb = n / kQK_K;
    const BlockQ6_K* w[kRows];
    for (int r = 0; r < kRows; ++r)
        w[r] = reinterpret_cast<const BlockQ6_K*>(base + static_cast<size_t>(r) * stride);
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    // qh's two bits for level group p go to bits 4-5: << 4, << 2, as they are, >> 2 (p = 0..3).
    const __m512i shiftLeft01 = _mm512_set_epi64(2, 2, 2, 2, 4, 4, 4, 4);
    const __m512i shiftRight23 = _mm512_set_epi64(2, 2, 2, 2, 0, 0, 0, 0);
    const __m512i picks[2] = {loadPick(kQ6KPick[0]), loadPick(kQ6KPick[1])};
    __m512 acc[kRows];
    for (int r = 0; r < kRows; ++r) acc[r] = _mm512_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        const BlockQ8_K& y = a[i];
        __m512i yv[4];
        for (int k = 0; k < 4; ++k) yv[k] = _mm512_loadu_si512(y.qs + 64 * k);
        const __m256i bsums = loadI(y.bsums);
        for (int r = 0; r < kRows; ++r) {
            const BlockQ6_K& b = w[r][i];
            prefetchAhead(&b, sizeof(b));
            const __m128i sc8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b.scales));
            __m512i sumi = _mm512_setzero_si512();
            for (int h = 0; h < 2; ++h) {
                const __m512i sc16 = _mm512_maskz_broadcast_i32x4(
                    0xFFFF, _mm_cvtepi8_epi16(_mm_loadl_epi64(
                                reinterpret_cast<const __m128i*>(b.scales + 8 * h))));
                const __m512i ql = _mm512_loadu_si512(b.ql + 64 * h);
                const __m512i qh = _mm512_maskz_broadcast_i64x4(0xFF, loadI(b.qh + 32 * h));
                const __m512i q01 = _mm512_or_si512(
                    _mm512_and_si512(ql, m4),
                    _mm512_and_si512(_mm512_maskz_sllv_epi64(0xFF, qh, shiftLeft01), m30));
                const __m512i q23 = _mm512_or_si512(
                    _mm512_and_si512(_mm512_maskz_srli_epi16(0xFFFFFFFFu, ql, 4), m4),
                    _mm512_and_si512(_mm512_maskz_srlv_epi64(0xFF, qh, shiftRight23), m30));
                const __m512i d01 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q01, yv[2 * h]);
                const __m512i d23 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q23, yv[2 * h + 1]);
                sumi = _mm512_add_epi32(sumi, scaled(d01, pick(sc16, picks[0])));
                sumi = _mm512_add_epi32(sumi, scaled(d23, pick(sc16, picks[1])));
            }
            // Levels were stored 0..63: take back 32 * sum_g scale_g * bsum_g.
            const __m256i offset = _mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), bsums);
            sumi = _mm512_sub_epi32(sumi, zext256(_mm256_slli_epi32(offset, 5)));
            acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b.d) * y.d), toFloat(sumi), acc[r]);
        }
    }
    for (int r = 0; r < kRows; ++r) out[r] = hsum512(acc[r]);
}

// A Q4_K super-block's 8 six-bit scales (bytes 0-7 of sc) and mins (of mn), from its 12 bytes.
void q4kScalesMins(const uint8_t* packed, uint64_t& sc, uint64_t& mn) {
    uint32_t u[3];
    std::memcpy(u, packed, 12);
    constexpr uint32_t k6 = 0x3F3F3F3F, k4 = 0x0F0F0F0F, k2 = 0x03030303;
    const uint32_t sc0 = u[0] & k6, sc1 = (u[2] & k4) | (((u[0] >> 6) & k2) << 4);
    const uint32_t mn0 = u[1] & k6, mn1 = ((u[2] >> 4) & k4) | (((u[1] >> 6) & k2) << 4);
    sc = sc0 | (static_cast<uint64_t>(sc1) << 32);
    mn = mn0 | (static_cast<uint64_t>(mn1) << 32);
}

// A Q8_K activation row's levels in the order q4kRows' nibble vectors come out: per super-block
// (0-31, 64-95), (32-63, 96-127), (128-159, 192-223), (160-191, 224-255). Arranged once per call
// (a call covers many weight rows), not once per row and super-block.
struct Q4KActLevels {
    __m512i yv[4];
};

void arrangeQ4KActsInto(int64_t n, const BlockQ8_K* a, Q4KActLevels* levels) {
    const int64_t nb = n / kQK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const int8_t* q = a[i].qs;
        Q4KActLevels& l = levels[i];
        l.yv[0] = joinBlocks(loadI(q), loadI(q + 64));
        l.yv[1] = joinBlocks(loadI(q + 32), loadI(q + 96));
        l.yv[2] = joinBlocks(loadI(q + 128), loadI(q + 192));
        l.yv[3] = joinBlocks(loadI(q + 160), loadI(q + 224));
    }
}

const Q4KActLevels* arrangeQ4KActs(int64_t n, const BlockQ8_K* a) {
    thread_local std::vector<Q4KActLevels> scratch;
    const int64_t nb = n / kQK_K;
    if (scratch.size() < static_cast<size_t>(nb)) scratch.resize(static_cast<size_t>(nb));
    arrangeQ4KActsInto(n, a, scratch.data());
    return scratch.data();
}

template <int kRows>
void q4kRows(int64_t n, const uint8_t* base, size_t stride, const BlockQ8_K* a,
             const Q4KActLevels* levels, float* out) {
    const int64_t nb = n / kQK_K;
    const BlockQ4_K* w[kRows];
    for (int r = 0; r < kRows; ++r)
        w[r] = reinterpret_cast<const BlockQ4_K*>(base + static_cast<size_t>(r) * stride);
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    // 64 bytes of qs hold sub-blocks 2c (low nibbles) and 2c+1 (high) for c and c+1; the low
    // nibbles of both, side by side, are sub-blocks (0, 2) or (4, 6), the high ones (1, 3) / (5,
    // 7).
    const __m512i picks[4] = {loadPick(kQ4KPick[0]), loadPick(kQ4KPick[1]), loadPick(kQ4KPick[2]),
                              loadPick(kQ4KPick[3])};
    __m512 acc[kRows];
    __m256 accMin[kRows];
    for (int r = 0; r < kRows; ++r) {
        acc[r] = _mm512_setzero_ps();
        accMin[r] = _mm256_setzero_ps();
    }
    for (int64_t i = 0; i < nb; ++i) {
        const BlockQ8_K& y = a[i];
        const __m512i* yv = levels[i].yv;
        const __m256i bsums = loadI(y.bsums);
        for (int r = 0; r < kRows; ++r) {
            const BlockQ4_K& b = w[r][i];
            prefetchAhead(&b, sizeof(b));
            uint64_t scBits, mnBits;
            q4kScalesMins(b.scales, scBits, mnBits);
            const __m512i sc16 = _mm512_maskz_broadcast_i32x4(
                0xFFFF, _mm_cvtepu8_epi16(_mm_cvtsi64_si128(static_cast<long long>(scBits))));
            __m512i sumi = _mm512_setzero_si512();
            for (int h = 0; h < 2; ++h) {
                const __m512i qs = _mm512_loadu_si512(b.qs + 64 * h);
                const __m512i lo = _mm512_and_si512(qs, m4);
                const __m512i hi =
                    _mm512_and_si512(_mm512_maskz_srli_epi16(0xFFFFFFFFu, qs, 4), m4);
                const __m512i dLo = _mm512_dpbusd_epi32(_mm512_setzero_si512(), lo, yv[2 * h]);
                const __m512i dHi = _mm512_dpbusd_epi32(_mm512_setzero_si512(), hi, yv[2 * h + 1]);
                sumi = _mm512_add_epi32(sumi, scaled(dLo, pick(sc16, picks[2 * h])));
                sumi = _mm512_add_epi32(sumi, scaled(dHi, pick(sc16, picks[2 * h + 1])));
            }
            acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(h2f(b.d) * y.d), toFloat(sumi), acc[r]);
            // mins: sum_j min_j * (bsum_2j + bsum_2j+1), each min paired with its two bsums.
            const __m128i mn8 = _mm_cvtsi64_si128(static_cast<long long>(mnBits));
            const __m256i mn16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(mn8, mn8));
            const __m256i mins = _mm256_madd_epi16(mn16, bsums);
            accMin[r] = _mm256_fmadd_ps(_mm256_set1_ps(h2f(b.dmin) * y.d), _mm256_cvtepi32_ps(mins),
                                        accMin[r]);
        }
    }
    for (int r = 0; r < kRows; ++r) out[r] = hsum512(acc[r]) - hsum(accMin[r]);
}

using SuperRowsFn = void (*)(int64_t, const uint8_t*, size_t, const BlockQ8_K*, float*);

template <SuperRowsFn kOne> float superVecDot(int64_t n, const void* w, const void* a) {
    float out;
    kOne(n, static_cast<const uint8_t*>(w), 0, static_cast<const BlockQ8_K*>(a), &out);
    return out;
}

// One row after another: interleaving four super-block rows measured 2-3x slower out of cache
// (1152-byte rows read as four short streams defeat the prefetcher), while one row streams.
template <SuperRowsFn kOne>
void superVecDotRows(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* act,
                     float* out) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const auto* a = static_cast<const BlockQ8_K*>(act);
    for (int64_t r = 0; r < nRows; ++r)
        kOne(n, base + static_cast<size_t>(r) * stride, 0, a, out + r);
}

// Prefill form: the decode form once per activation, so the two agree bit for bit.
template <SuperRowsFn kOne>
void superVecDotRows2(int64_t n, const void* weights, size_t stride, int64_t nRows,
                      const void* act0, const void* act1, float* out0, float* out1) {
    superVecDotRows<kOne>(n, weights, stride, nRows, act0, out0);
    superVecDotRows<kOne>(n, weights, stride, nRows, act1, out1);
}

template <SuperRowsFn kOne> void setSuperKernels(KernelTable& table, GgmlType type) {
    TypeKernels& k = table[static_cast<uint32_t>(type)];
    k.vecDot = superVecDot<kOne>;
    k.vecDotRows = superVecDotRows<kOne>;
    k.vecDotRows2 = superVecDotRows2<kOne>;
}

// Q4_K: the same, with the activation levels arranged once per call.
void q4kRowsArranged(int64_t n, const uint8_t* row, size_t stride, const BlockQ8_K* a, float* out) {
    q4kRows<1>(n, row, stride, a, arrangeQ4KActs(n, a), out);
}

void q4kVecDotRowsPrepared(int64_t n, const void* weights, size_t stride, int64_t nRows,
                           const void* act, const void* prepared, float* out) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const auto* a = static_cast<const BlockQ8_K*>(act);
    const auto* levels = static_cast<const Q4KActLevels*>(prepared);
    for (int64_t r = 0; r < nRows; ++r)
        q4kRows<1>(n, base + static_cast<size_t>(r) * stride, 0, a, levels, out + r);
}

void q4kVecDotRows(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* act,
                   float* out) {
    q4kVecDotRowsPrepared(n, weights, stride, nRows, act,
                          arrangeQ4KActs(n, static_cast<const BlockQ8_K*>(act)), out);
}

size_t q4kPreparedBytes(int64_t n) {
    return static_cast<size_t>(n / kQK_K) * sizeof(Q4KActLevels);
}

void q4kPrepareAct(int64_t n, const void* act, void* prepared) {
    arrangeQ4KActsInto(n, static_cast<const BlockQ8_K*>(act), static_cast<Q4KActLevels*>(prepared));
}

void q4kVecDotRows2(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* act0,
                    const void* act1, float* out0, float* out1) {
    q4kVecDotRows(n, weights, stride, nRows, act0, out0);
    q4kVecDotRows(n, weights, stride, nRows, act1, out1);
}

void setQ4KKernels(KernelTable& table) {
    TypeKernels& k = table[static_cast<uint32_t>(GgmlType::Q4_K)];
    k.vecDot = superVecDot<q4kRowsArranged>;
    k.vecDotRows = q4kVecDotRows;
    k.vecDotRows2 = q4kVecDotRows2;
    k.preparedActBytes = q4kPreparedBytes;
    k.prepareAct = q4kPrepareAct;
    k.vecDotRowsPrepared = q4kVecDotRowsPrepared;
}

} // namespace

void registerAvx512Kernels(KernelTable& table) {
    registerX86Kernels(table);
    // Q8_0 keeps the four-row kernel of kernels_x86.h: with its per-row prefetch it streams
    // Q8_0 weights from memory 25-35 % faster than a grouped 512-bit kernel did (which was
    // faster only in cache); Q4_0's grouped kernel is 35-40 % faster than that one.
    setGroupKernels<GroupQ4_0>(table, GgmlType::Q4_0);
    setSuperKernels<q6kRows<1>>(table, GgmlType::Q6_K);
    setQ4KKernels(table);
}

} // namespace hearth::kernels
