#pragma once
// exp-based activation math over float rows: softmax's exponentials, SiLU and SwiGLU, in SIMD.
// exp is computed in double and rounded once (vector_math_isa.h), so results are the correctly
// rounded ones but for inputs within ~1e-12 of a rounding boundary — the same values as the
// scalar std::exp these replace, which cost ~2 ns an element (1 % of a decoded token went to
// SwiGLU alone). One algorithm on every ISA, each step an explicit fused multiply-add, multiply
// or add in the same order, so the scalar reference (vector_math_ref.cpp) and the AVX2 / AVX-512
// versions give the same bits for every input, wherever it falls in a row or a split of it.
// exp(-inf) is 0, exp(+inf) is +inf, NaN stays NaN; denormal results are exact too.
#include "engine/cpu/kernels/kernels.h"

#include <cstdint>

namespace hearth::kernels {

// y[i] = exp(x[i] - shift)
void expShifted(const float* x, float shift, float* y, int64_t n);
// y[i] = x[i] / (1 + exp(-x[i]))
void silu(const float* x, float* y, int64_t n);
// y[i] = silu(gate[i]) * up[i]
void siluMul(const float* gate, const float* up, float* y, int64_t n);

// The same on a given ISA (tests compare them; an unsupported ISA falls back to scalar).
void expShifted(Isa isa, const float* x, float shift, float* y, int64_t n);
void silu(Isa isa, const float* x, float* y, int64_t n);
void siluMul(Isa isa, const float* gate, const float* up, float* y, int64_t n);

} // namespace hearth::kernels
