// Scalar reference kernels for the float formats. F16 and BF16 weights are dotted with
// activations converted to the same format (as ggml does); products of two halves or two bf16
// values are exact in float, and the scalar path sums them in double.
#include "engine/cpu/kernels/float16.h"
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
    const auto* x = static_cast<const float*>(w);
    const auto* y = static_cast<const float*>(a);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * y[i]);
    return static_cast<float>(sum);
}

template <float (*ToFloat)(uint16_t)> void dequantizeHalf(const void* src, float* dst, int64_t n) {
    const auto* x = static_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; ++i) dst[i] = ToFloat(x[i]);
}
template <uint16_t (*FromFloat)(float)> void quantizeHalf(const float* src, void* dst, int64_t n) {
    auto* y = static_cast<uint16_t*>(dst);
    for (int64_t i = 0; i < n; ++i) y[i] = FromFloat(src[i]);
}
template <float (*ToFloat)(uint16_t)> float vecDotHalf(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const uint16_t*>(w);
    const auto* y = static_cast<const uint16_t*>(a);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(ToFloat(x[i]) * ToFloat(y[i]));
    return static_cast<float>(sum);
}

} // namespace

void registerScalarFloatKernels(KernelTable& t) {
    t[static_cast<uint32_t>(GgmlType::F32)] = {dequantizeF32, quantizeF32, vecDotF32,
                                               GgmlType::F32};
    t[static_cast<uint32_t>(GgmlType::F16)] = {dequantizeHalf<fp16ToFp32>, quantizeHalf<fp32ToFp16>,
                                               vecDotHalf<fp16ToFp32>, GgmlType::F16};
    t[static_cast<uint32_t>(GgmlType::BF16)] = {dequantizeHalf<bf16ToFp32>,
                                                quantizeHalf<fp32ToBf16>, vecDotHalf<bf16ToFp32>,
                                                GgmlType::BF16};
}

} // namespace hearth::kernels
