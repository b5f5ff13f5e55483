#pragma once
// Internal: the per-ISA implementations behind gemm.h's gemmRows (same contract).
#include "engine/cpu/kernels/gemm.h"

namespace hearth::kernels {

using GemmRowsFn = void (*)(GgmlType type, int64_t n, const void* weights, size_t rowStride,
                            int64_t row0, int64_t row1, const void* acts, size_t actStride,
                            const int32_t* tokenInfo, int64_t nTok, float* out, size_t outStride);

void gemmRowsScalar(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t row0,
                    int64_t row1, const void* acts, size_t actStride, const int32_t* tokenInfo,
                    int64_t nTok, float* out, size_t outStride);
void gemmRowsAvx2(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t row0,
                  int64_t row1, const void* acts, size_t actStride, const int32_t* tokenInfo,
                  int64_t nTok, float* out, size_t outStride);
void gemmRowsAvx512(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t row0,
                    int64_t row1, const void* acts, size_t actStride, const int32_t* tokenInfo,
                    int64_t nTok, float* out, size_t outStride);

// Q8_K activation quantizers, byte-identical to the scalar reference.
void gemmQuantizeQ8_KAvx2(const float* x, void* y, int64_t n);
void gemmQuantizeQ8_KAvx512(const float* x, void* y, int64_t n);

// Weight-level offsets folded into the per-token integer corrections: Q4_0 nibbles are 8 above
// their value, Q8_0 bytes are stored +128 so they can be the unsigned operand of vpdpbusd.
constexpr int kGemmOffsetQ4_0 = 8;
constexpr int kGemmOffsetQ8_0 = 128;

} // namespace hearth::kernels
