#pragma once
// Tiled matrix-matrix products for prefill: many activation rows (tokens) against the same
// weight rows. Each weight panel (16 rows on AVX-512, 8 on AVX2) is unpacked once into an
// interleaved int8 layout and then dotted with every token, 8 tokens per micro-kernel, with int8
// dot products (vpdpbusd, or maddubs on AVX2).
//
// Numerics: every output is one (row, token) pair computed the same way on every ISA and for any
// tiling: per block the exact integer dot product, then acc = fma(dw * da, float(isum), acc) in
// block order (k-quants: a second fma for the mins). The scalar version is the reference the SIMD
// ones equal bit for bit. Against vecDot (decode) results differ only in float summation order.
//
// Use: quantize the activation rows to vecDotType(type), fill the per-token side data once with
// gemmPrepareTokens, then call gemmRows on any split of the weight rows (threads).
#include "engine/cpu/kernels/kernels.h"

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

// True when `type` has a tiled kernel on `isa` (Q4_0, Q8_0, Q4_K, Q6_K; Q8_0 not on AVX2).
bool gemmSupported(GgmlType type, Isa isa);

// int32 values of per-token side data (activation scales, block sums) for rows of n elements.
size_t gemmTokenInfoSize(GgmlType type, int64_t n);

// Fills tokenInfo for tokens [t0, t1): acts holds one activation row per token, actStride bytes
// apart, already in vecDotType(type); tokenInfo has gemmTokenInfoSize(type, n) int32 per token.
void gemmPrepareTokens(GgmlType type, int64_t n, const void* acts, size_t actStride, int64_t t0,
                       int64_t t1, int32_t* tokenInfo);

// out[t * outStride + r] = weight row r · activation row t for r in [row0, row1), t < nTok.
// weights points at row 0; rows are rowStride bytes apart. Requires gemmSupported(type, isa).
void gemmRows(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
              int64_t row0, int64_t row1, const void* acts, size_t actStride,
              const int32_t* tokenInfo, int64_t nTok, float* out, size_t outStride);

// A faster activation quantizer for `actType` on `isa` that writes exactly the bytes
// kernelsFor(actType, Isa::Scalar).quantize writes, or nullptr (use the kernel table's). Q8_K on
// AVX2 / AVX-512 (the k-quants' activations; the table has only the scalar one).
QuantizeRowFn gemmActivationQuantizer(GgmlType actType, Isa isa);

} // namespace hearth::kernels
