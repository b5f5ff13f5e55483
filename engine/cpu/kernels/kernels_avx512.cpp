// AVX-512 (F/BW/VL/DQ + VNNI) kernels; used only when CPUID says so. The x86 kernels compiled
// with AVX-512 encodings, their int8 dot products on vpdpbusd.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/cpu/kernels/quant_math.h"

#include <immintrin.h>

#include <cmath>
#include <cstring>
#include <type_traits>

// kernels_x86.h is included inside an anonymous namespace below; everything it needs is
// included here first, outside it.

namespace hearth::kernels {
namespace {
#define HEARTH_X86_VNNI 1
#include "engine/cpu/kernels/kernels_x86.h"
#undef HEARTH_X86_VNNI

// 512-bit kernels for the hottest 32-element formats: two blocks per register.

// (Masked forms throughout: GCC 12 flags the unmasked intrinsics' internal "undefined" source
// operand as uninitialized under -Werror.)
__m512i joinBlocks(__m256i first, __m256i second) {
    return _mm512_mask_broadcast_i64x4(_mm512_maskz_broadcast_i64x4(0x0F, first), 0xF0, second);
}

__m512 joinScales(float first, float second) {
    return _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps(first), _mm512_set1_ps(second));
}

float hsum512(__m512 v) {
    return hsum(_mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xFF, v, 0),
                              _mm512_maskz_extractf32x8_ps(0xFF, v, 1)));
}

__m512 toFloat(__m512i v) {
    return _mm512_mask_cvtepi32_ps(_mm512_setzero_ps(), 0xFFFF, v);
}

// Signed int8 x int8 dot in 16 int32 lanes (lanes 0-7: first block, 8-15: second).
__m512i dotS8S8x2(__m512i x, __m512i y) {
    const __mmask64 negative = _mm512_movepi8_mask(x);
    const __m512i signedY = _mm512_mask_sub_epi8(y, negative, _mm512_setzero_si512(), y);
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(x), signedY);
}

template <class Block> __m256i weightBytes(const Block& b) {
    if constexpr (std::is_same_v<Block, BlockQ4_0>)
        return _mm256_sub_epi8(nibbles32(b.qs), _mm256_set1_epi8(8));
    else
        return loadI(b.qs);
}

template <class Block> __m512 pairTerm(const Block* w, const BlockQ8_0* a) {
    const __m512i x = joinBlocks(weightBytes(w[0]), weightBytes(w[1]));
    const __m512i y = joinBlocks(loadI(a[0].qs), loadI(a[1].qs));
    return toFloat(dotS8S8x2(x, y));
}

template <class Block> __m512 pairScales(const Block* w, const BlockQ8_0* a) {
    return joinScales(h2f(w[0].d) * h2f(a[0].d), h2f(w[1].d) * h2f(a[1].d));
}

template <class Block> float vecDotPairs(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const Block*>(vw);
    const auto* a = static_cast<const BlockQ8_0*>(va);
    const int64_t nb = n / 32;
    // Two accumulators over four blocks per step keep the FMA latency hidden.
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 3 < nb; i += 4) {
        acc0 = _mm512_fmadd_ps(pairScales(w + i, a + i), pairTerm(w + i, a + i), acc0);
        acc1 =
            _mm512_fmadd_ps(pairScales(w + i + 2, a + i + 2), pairTerm(w + i + 2, a + i + 2), acc1);
    }
    for (; i + 1 < nb; i += 2)
        acc0 = _mm512_fmadd_ps(pairScales(w + i, a + i), pairTerm(w + i, a + i), acc0);
    float sum = hsum512(_mm512_add_ps(acc0, acc1));
    for (; i < nb; ++i) {
        const __m256i p = dotS8S8(weightBytes(w[i]), loadI(a[i].qs));
        sum +=
            hsum(_mm256_mul_ps(_mm256_set1_ps(h2f(w[i].d) * h2f(a[i].d)), _mm256_cvtepi32_ps(p)));
    }
    return sum;
}

// Four weight rows against kActs activation rows, two blocks per register: each weight pair is
// loaded and decoded once for all of them. The arithmetic per (row, activation) does not depend on
// kActs, so the one- and two-activation forms agree bit for bit (decode vs prefill).
template <class Block, int kActs>
void rowsPairs(int64_t n, const void* weights, size_t stride, int64_t nRows,
               const BlockQ8_0* const (&acts)[kActs], float* const (&outs)[kActs]) {
    const auto* base = static_cast<const uint8_t*>(weights);
    const int64_t nb = n / 32;
    int64_t r = 0;
    for (; r + 4 <= nRows; r += 4) {
        const Block* w[4];
        for (int k = 0; k < 4; ++k) w[k] = reinterpret_cast<const Block*>(base + (r + k) * stride);
        __m512 acc[kActs][4];
        for (int a = 0; a < kActs; ++a)
            for (int k = 0; k < 4; ++k) acc[a][k] = _mm512_setzero_ps();
        int64_t i = 0;
        for (; i + 1 < nb; i += 2) {
            if constexpr (std::is_same_v<Block, BlockQ4_0>) {
                // sum((q - 8) * y) = sum(q * y) - sum(8 * y): unsigned nibbles go straight into
                // vpdpbusd and the 8 * y sums are shared by the four rows. Same integers per
                // lane as pairTerm, so the same result bit for bit, in fewer instructions.
                __m512i y[kActs], eightY[kActs];
                for (int a = 0; a < kActs; ++a) {
                    y[a] = joinBlocks(loadI(acts[a][i].qs), loadI(acts[a][i + 1].qs));
                    eightY[a] =
                        _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(8), y[a]);
                }
                for (int k = 0; k < 4; ++k) {
                    const __m512i x = joinBlocks(nibbles32(w[k][i].qs), nibbles32(w[k][i + 1].qs));
                    for (int a = 0; a < kActs; ++a) {
                        const __m512i p = _mm512_sub_epi32(
                            _mm512_dpbusd_epi32(_mm512_setzero_si512(), x, y[a]), eightY[a]);
                        acc[a][k] = _mm512_fmadd_ps(pairScales(w[k] + i, acts[a] + i), toFloat(p),
                                                    acc[a][k]);
                    }
                }
            } else {
                for (int k = 0; k < 4; ++k)
                    for (int a = 0; a < kActs; ++a)
                        acc[a][k] = _mm512_fmadd_ps(pairScales(w[k] + i, acts[a] + i),
                                                    pairTerm(w[k] + i, acts[a] + i), acc[a][k]);
            }
        }
        for (int a = 0; a < kActs; ++a)
            for (int k = 0; k < 4; ++k) {
                float sum = hsum512(acc[a][k]);
                if (i < nb) { // odd block count: the last block on its own
                    const __m256i p = dotS8S8(weightBytes(w[k][i]), loadI(acts[a][i].qs));
                    sum += hsum(_mm256_mul_ps(_mm256_set1_ps(h2f(w[k][i].d) * h2f(acts[a][i].d)),
                                              _mm256_cvtepi32_ps(p)));
                }
                outs[a][r + k] = sum;
            }
    }
    for (; r < nRows; ++r)
        for (int a = 0; a < kActs; ++a)
            outs[a][r] = vecDotPairs<Block>(n, base + r * stride, acts[a]);
}

template <class Block>
void vecDotRowsPairs(int64_t n, const void* weights, size_t stride, int64_t nRows, const void* act,
                     float* out) {
    const BlockQ8_0* const acts[1] = {static_cast<const BlockQ8_0*>(act)};
    float* const outs[1] = {out};
    rowsPairs<Block, 1>(n, weights, stride, nRows, acts, outs);
}

template <class Block>
void vecDotRows2Pairs(int64_t n, const void* weights, size_t stride, int64_t nRows,
                      const void* act0, const void* act1, float* out0, float* out1) {
    const BlockQ8_0* const acts[2] = {static_cast<const BlockQ8_0*>(act0),
                                      static_cast<const BlockQ8_0*>(act1)};
    float* const outs[2] = {out0, out1};
    rowsPairs<Block, 2>(n, weights, stride, nRows, acts, outs);
}

template <class Block> void setPairKernels(KernelTable& table, GgmlType type) {
    TypeKernels& k = table[static_cast<uint32_t>(type)];
    k.vecDot = vecDotPairs<Block>;
    k.vecDotRows = vecDotRowsPairs<Block>;
    k.vecDotRows2 = vecDotRows2Pairs<Block>;
}

} // namespace

void registerAvx512Kernels(KernelTable& table) {
    registerX86Kernels(table);
    setPairKernels<BlockQ4_0>(table, GgmlType::Q4_0);
    setPairKernels<BlockQ8_0>(table, GgmlType::Q8_0);
}

} // namespace hearth::kernels
