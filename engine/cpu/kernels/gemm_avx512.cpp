// Tiled prefill products (gemm.h), AVX-512 (F/BW/VL/DQ + VNNI): 16 weight rows per zmm register,
// vpdpbusd / vpdpwssd. Compiled with this ISA's flags and used only when CPUID says so.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/gemm_isa.h"

#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hearth::kernels {
namespace {
#define HEARTH_GEMM_512 1
#include "engine/cpu/kernels/gemm_x86.h"
#undef HEARTH_GEMM_512
} // namespace

void gemmRowsAvx512(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t row0,
                    int64_t row1, const void* acts, size_t actStride, const int32_t* tokenInfo,
                    int64_t nTok, float* out, size_t outStride) {
    gemmRowsX86(type, n, weights, rowStride, row0, row1, acts, actStride, tokenInfo, nTok, out,
                outStride);
}

void gemmQuantizeQ8_KAvx512(const float* x, void* y, int64_t n) {
    quantizeRowQ8_K(x, y, n);
}

} // namespace hearth::kernels
