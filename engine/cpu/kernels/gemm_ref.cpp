// Scalar reference of the tiled products (gemm.h): one (row, token) at a time, straight from the
// ggml blocks, with the float operations in exactly the order the SIMD tiles use. It ignores the
// prepared token data on purpose, so tests comparing it with the SIMD tiles check that too.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/gemm_isa.h"

#include <cmath>

namespace hearth::kernels {
namespace {

// Unsigned level (0..15) of element e of a Q4_0 block.
int levelQ4_0(const BlockQ4_0& b, int e) {
    return e < 16 ? (b.qs[e] & 0xF) : (b.qs[e - 16] >> 4);
}

int levelQ4_K(const BlockQ4_K& b, int e) {
    const int chunk = e / 64, r = e % 64;
    return r < 32 ? (b.qs[32 * chunk + r] & 0xF) : (b.qs[32 * chunk + r - 32] >> 4);
}

// Unsigned level (0..63) of element e of a Q6_K super-block (value = level - 32).
int levelQ6_K(const BlockQ6_K& b, int e) {
    const int half = e / 128, r = e % 128, part = r / 32, i = r % 32;
    const uint8_t ql = b.ql[64 * half + (part % 2) * 32 + i];
    const int low = part < 2 ? (ql & 0xF) : (ql >> 4);
    const int high = (b.qh[32 * half + i] >> (2 * part)) & 3;
    return low | (high << 4);
}

float dotQ4_0(int64_t nb, const BlockQ4_0* w, const BlockQ8_0* a) {
    float acc = 0;
    for (int64_t b = 0; b < nb; ++b) {
        int isum = 0, asum = 0;
        for (int e = 0; e < kQK; ++e) {
            isum += levelQ4_0(w[b], e) * a[b].qs[e];
            asum += a[b].qs[e];
        }
        isum -= kGemmOffsetQ4_0 * asum;
        acc = std::fma(fp16ToFp32(w[b].d) * fp16ToFp32(a[b].d), static_cast<float>(isum), acc);
    }
    return acc;
}

float dotQ8_0(int64_t nb, const BlockQ8_0* w, const BlockQ8_0* a) {
    float acc = 0;
    for (int64_t b = 0; b < nb; ++b) {
        int isum = 0;
        for (int e = 0; e < kQK; ++e) isum += w[b].qs[e] * a[b].qs[e];
        acc = std::fma(fp16ToFp32(w[b].d) * fp16ToFp32(a[b].d), static_cast<float>(isum), acc);
    }
    return acc;
}

float dotQ4_K(int64_t nb, const BlockQ4_K* w, const BlockQ8_K* a) {
    float acc = 0;
    for (int64_t b = 0; b < nb; ++b) {
        int isum = 0, msum = 0;
        for (int j = 0; j < 8; ++j) {
            uint8_t sc, mn;
            kquantScaleMin(j, w[b].scales, sc, mn);
            int s = 0;
            for (int e = 32 * j; e < 32 * j + 32; ++e) s += levelQ4_K(w[b], e) * a[b].qs[e];
            isum += sc * s;
            msum += mn * (a[b].bsums[2 * j] + a[b].bsums[2 * j + 1]);
        }
        acc = std::fma(fp16ToFp32(w[b].d) * a[b].d, static_cast<float>(isum), acc);
        acc = std::fma(fp16ToFp32(w[b].dmin) * a[b].d, static_cast<float>(-msum), acc);
    }
    return acc;
}

float dotQ6_K(int64_t nb, const BlockQ6_K* w, const BlockQ8_K* a) {
    float acc = 0;
    for (int64_t b = 0; b < nb; ++b) {
        int isum = 0, offset = 0;
        for (int g = 0; g < 16; ++g) {
            int s = 0;
            for (int e = 16 * g; e < 16 * g + 16; ++e) s += levelQ6_K(w[b], e) * a[b].qs[e];
            isum += w[b].scales[g] * s;
            offset += w[b].scales[g] * a[b].bsums[g];
        }
        const int total = isum - 32 * offset;
        acc = std::fma(fp16ToFp32(w[b].d) * a[b].d, static_cast<float>(total), acc);
    }
    return acc;
}

template <class W, class A, float (*Dot)(int64_t, const W*, const A*)>
void rowsTimesTokens(int64_t nb, const void* weights, size_t rowStride, int64_t row0, int64_t row1,
                     const void* acts, size_t actStride, int64_t nTok, float* out,
                     size_t outStride) {
    const auto* wBase = static_cast<const uint8_t*>(weights);
    const auto* aBase = static_cast<const uint8_t*>(acts);
    for (int64_t t = 0; t < nTok; ++t) {
        const auto* a = reinterpret_cast<const A*>(aBase + static_cast<size_t>(t) * actStride);
        for (int64_t r = row0; r < row1; ++r) {
            const auto* w = reinterpret_cast<const W*>(wBase + static_cast<size_t>(r) * rowStride);
            out[static_cast<size_t>(t) * outStride + static_cast<size_t>(r)] = Dot(nb, w, a);
        }
    }
}

} // namespace

void gemmRowsScalar(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t row0,
                    int64_t row1, const void* acts, size_t actStride, const int32_t*, int64_t nTok,
                    float* out, size_t outStride) {
    switch (type) {
    case GgmlType::Q4_0:
        rowsTimesTokens<BlockQ4_0, BlockQ8_0, dotQ4_0>(n / kQK, weights, rowStride, row0, row1,
                                                       acts, actStride, nTok, out, outStride);
        break;
    case GgmlType::Q8_0:
        rowsTimesTokens<BlockQ8_0, BlockQ8_0, dotQ8_0>(n / kQK, weights, rowStride, row0, row1,
                                                       acts, actStride, nTok, out, outStride);
        break;
    case GgmlType::Q4_K:
        rowsTimesTokens<BlockQ4_K, BlockQ8_K, dotQ4_K>(n / kQK_K, weights, rowStride, row0, row1,
                                                       acts, actStride, nTok, out, outStride);
        break;
    case GgmlType::Q6_K:
        rowsTimesTokens<BlockQ6_K, BlockQ8_K, dotQ6_K>(n / kQK_K, weights, rowStride, row0, row1,
                                                       acts, actStride, nTok, out, outStride);
        break;
    default:
        break; // gemmSupported said no: callers never get here
    }
}

} // namespace hearth::kernels
