#pragma once
// Row kernels for every ggml block type, mirroring ggml's numerics so results match the
// reference implementation: a weight row of type W is dotted with an activation row quantized
// to vecDotType(W) (Q8_0 for Q4_0/Q5_0/Q8_0/IQ4_NL, Q8_1 for Q4_1/Q5_1, Q8_K for the k-quants
// and IQ4_XS, F16/BF16/F32 for the float types).
//
// Every kernel has a scalar reference (kernels_ref*.cpp). Every vecDot and the Q8_0/Q8_1/F16
// activation quantizers also have AVX2 and AVX-512 (VNNI) versions (kernels_x86.h compiled by
// *_avx2.cpp and *_avx512.cpp) selected once at run time from CPUID. SIMD and scalar agree
// exactly on integer sums and quantized bytes; float sums differ only in summation order.
// Float conversions for other code: float16.h. Whole-model quantization: model_quantizer.h.
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

enum class Isa { Scalar, Avx2, Avx512 };

// n is the row length in elements and must be a multiple of the type's block size (32, or 256
// for the k-quants and IQ4_XS); callers check shapes (ggmlRowBytes) before calling a kernel.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of one weight row and one activation row (already in vecDotType format).
using VecDotFn = float (*)(int64_t n, const void* weightRow, const void* actRow);
// out[r] = weights row r · act for r < nRows; rows are rowStride bytes apart.
using VecDotRowsFn = void (*)(int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                              const void* act, float* out);
// vecDotRows for two activation rows at once (out0 for act0, out1 for act1).
using VecDotRows2Fn = void (*)(int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                               const void* act0, const void* act1, float* out0, float* out1);

// Kernels that rearrange the activation row before dotting (the AVX-512 Q4_0 and Q4_K row
// kernels) expose that step, so a caller that dots many pieces of rows against one activation
// (decode's matmuls) does it once instead of once per piece: prepareAct writes the arranged form
// into a 64-byte-aligned buffer of preparedActBytes(n) bytes, and vecDotRowsPrepared(…, act,
// prepared, out) gives exactly what vecDotRows(…, act, out) gives.
using PreparedActBytesFn = size_t (*)(int64_t n);
using PrepareActFn = void (*)(int64_t n, const void* act, void* prepared);
using VecDotRowsPreparedFn = void (*)(int64_t n, const void* weights, size_t rowStride,
                                      int64_t nRows, const void* act, const void* prepared,
                                      float* out);

struct TypeKernels {
    DequantizeRowFn dequantize = nullptr; // block data -> float
    // float -> block data. For the activation formats (Q8_0, Q8_1, Q8_K, F16, BF16, F32) this
    // rounds exactly as ggml's x86 CPU backend quantizes activations (Q8_0/Q8_1: d = amax/127,
    // q = round-half-even(x * 127/amax); Q8_K: ggml's reference). For the other weight types it
    // is ggml's reference quantizer (llama-quantize without an importance matrix).
    QuantizeRowFn quantize = nullptr;
    VecDotFn vecDot = nullptr; // weight row · activation row in vecDotType
    GgmlType vecDotType = GgmlType::F32;
    VecDotRowsFn vecDotRows = nullptr;   // several rows against one activation; null = loop vecDot
    VecDotRows2Fn vecDotRows2 = nullptr; // ... against two; null = vecDotRows twice
    // The prepared form of vecDotRows (all three set, or none).
    PreparedActBytesFn preparedActBytes = nullptr;
    PrepareActFn prepareAct = nullptr;
    VecDotRowsPreparedFn vecDotRowsPrepared = nullptr;
};

// Kernels for `type` on the best ISA this CPU supports (or `isa` when forced, e.g. by tests and
// by HEARTH_ISA=scalar|avx2|avx512). Entries are null where a type has no such kernel.
const TypeKernels& kernelsFor(GgmlType type);
const TypeKernels& kernelsFor(GgmlType type, Isa isa);
Isa activeIsa();
bool isaSupported(Isa isa);
const char* isaName(Isa isa);

// True when the engine can run matrix products with weights of this type.
bool canCompute(GgmlType type);

// Dot nRows weight rows (rowStride bytes apart) with one activation row already quantized to
// vecDotType(type): out[r] = vecDot(n, weights + r*rowStride, act). Uses the active ISA's
// multi-row kernel where one exists (it reuses each activation load for 4 rows), else vecDot.
// Results equal vecDot's row by row up to float summation order.
void vecDotRows(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                const void* act, float* out);
// vecDotRows for two activation rows: each weight block is loaded and decoded once for both
// (prefill). Every output equals what vecDotRows gives for that activation, bit for bit.
void vecDotRows2(GgmlType type, int64_t n, const void* weights, size_t rowStride, int64_t nRows,
                 const void* act0, const void* act1, float* out0, float* out1);
void vecDotRows2(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
                 int64_t nRows, const void* act0, const void* act1, float* out0, float* out1);
void vecDotRows(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
                int64_t nRows, const void* act, float* out);

// Weight-file quantization: nRows rows of nPerRow floats -> nRows rows of `type`, byte-identical
// to ggml's reference quantizers (what llama-quantize writes without an importance matrix; Q8_0
// uses the reference's roundf rounding, not the activation quantizer's). Types: F32, F16, BF16,
// Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q6_K, IQ4_NL, IQ4_XS. Errors on other types or a row
// length that is not a multiple of the block size.
bool canQuantizeWeights(GgmlType type);
Status quantizeWeights(GgmlType type, const float* src, void* dst, int64_t nRows, int64_t nPerRow);

} // namespace hearth::kernels
