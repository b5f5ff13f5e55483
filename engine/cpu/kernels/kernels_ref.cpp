// Scalar reference kernels: the oracle every SIMD kernel is tested against.
#include "engine/cpu/kernels/kernel_tables.h"

#include <cstring>

namespace hearth::kernels {
namespace {

void dequantizeF32(const void* src, float* dst, int64_t n) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}
void quantizeF32(const float* src, void* dst, int64_t n) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}
float vecDotF32(int64_t n, const void* w, const void* a) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    double sum = 0;  // ggml accumulates F32 dots in double in its scalar path
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * y[i]);
    return static_cast<float>(sum);
}

} // namespace

void registerScalarKernels(KernelTable& t) {
    t[static_cast<int>(GgmlType::F32)] = {dequantizeF32, quantizeF32, vecDotF32, GgmlType::F32};
}

} // namespace hearth::kernels
