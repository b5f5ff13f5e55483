#pragma once
// Row kernels for every ggml block type, mirroring ggml's numerics so results match the
// reference implementation: a weight row of type W is dotted with an activation row quantized
// to vecDotType(W) (Q8_0 for Q4_0/Q5_0/Q8_0/IQ4_NL, Q8_1 for Q4_1/Q5_1, Q8_K for the k-quants
// and IQ4_XS, F16/BF16/F32 for the float types).
//
// Every kernel has a scalar reference (kernels_ref.cpp) and, for hot paths, AVX2 and AVX-512
// versions (*_avx2.cpp, *_avx512.cpp) selected once at run time from CPUID.
#include "engine/gguf/ggml_type.h"

#include <cstdint>

namespace hearth::kernels {

enum class Isa { Scalar, Avx2, Avx512 };

using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of one weight row and one activation row (already in vecDotType format).
using VecDotFn = float (*)(int64_t n, const void* weightRow, const void* actRow);

struct TypeKernels {
    DequantizeRowFn dequantize = nullptr;  // block data -> float
    QuantizeRowFn quantize = nullptr;      // float -> block data (activations and the quantizer)
    VecDotFn vecDot = nullptr;             // weight row · activation row in vecDotType
    GgmlType vecDotType = GgmlType::F32;
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

} // namespace hearth::kernels
