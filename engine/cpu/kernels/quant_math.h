#pragma once
// Internal: rounding helpers shared by the quantizers and the reference weight quantizers
// (ggml's *_ref functions, reproduced so files we write match llama-quantize's bytes).
#include <cstdint>
#include <cstring>

namespace hearth::kernels {

// Round to nearest, ties to even, for |x| < 2^22: ggml's nearest_int (and the result of
// _mm256_round_ps(_MM_ROUND_NEAREST)) without depending on the FPU rounding mode.
static inline int nearestInt(float x) {
    const float shifted = x + 12582912.f; // 1.5 * 2^23: the integer lands in the mantissa
    int32_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return (bits & 0x007fffff) - 0x00400000;
}

// Row quantizers with ggml's reference semantics (n is a multiple of the block size).
void quantizeRowQ4_0Ref(const float* x, void* y, int64_t n);
void quantizeRowQ4_1Ref(const float* x, void* y, int64_t n);
void quantizeRowQ5_0Ref(const float* x, void* y, int64_t n);
void quantizeRowQ5_1Ref(const float* x, void* y, int64_t n);
void quantizeRowQ8_0Ref(const float* x, void* y, int64_t n); // roundf, 1/d: for weight files
void quantizeRowIQ4_NLRef(const float* x, void* y, int64_t n);
void quantizeRowQ2_KRef(const float* x, void* y, int64_t n);
void quantizeRowQ3_KRef(const float* x, void* y, int64_t n);
void quantizeRowQ4_KRef(const float* x, void* y, int64_t n);
void quantizeRowQ5_KRef(const float* x, void* y, int64_t n);
void quantizeRowQ6_KRef(const float* x, void* y, int64_t n);
void quantizeRowQ8_KRef(const float* x, void* y, int64_t n);
void quantizeRowIQ4_XSRef(const float* x, void* y, int64_t n);

} // namespace hearth::kernels
