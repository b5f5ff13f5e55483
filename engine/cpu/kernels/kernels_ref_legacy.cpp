// Scalar reference kernels for the 32-element block formats: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL
// weights and the Q8_0 / Q8_1 activations they are dotted with. Integer sums are exact; each
// block's sum is scaled by d_w * d_a in float as ggml's generic code does.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/cpu/kernels/quant_math.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth::kernels {
namespace {

// ---- activations: Q8_0 / Q8_1 as ggml's x86 CPU backend makes them (d = amax/127, q =
// RNE(x*127/amax))

template <class Block> float quantizeQ8Block(const float* x, Block& y, int& sum) {
    float amax = 0.0f;
    for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.f;
    const float id = amax != 0.0f ? 127.f / amax : 0.0f;
    y.d = fp32ToFp16(d);
    sum = 0;
    for (int j = 0; j < kQK; ++j) {
        const int q = nearestInt(x[j] * id);
        y.qs[j] = static_cast<int8_t>(q);
        sum += q;
    }
    return d;
}

void quantizeQ8_0(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(vy);
    int sum;
    for (int64_t i = 0; i < n / kQK; ++i) quantizeQ8Block(x + i * kQK, y[i], sum);
}

void quantizeQ8_1(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ8_1*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sum;
        const float d = quantizeQ8Block(x + i * kQK, y[i], sum);
        y[i].s = fp32ToFp16(d * static_cast<float>(sum));
    }
}

void dequantizeQ8_0(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ8_0*>(vx);
    for (int64_t i = 0; i < n / kQK; ++i) {
        const float d = fp16ToFp32(x[i].d);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = x[i].qs[j] * d;
    }
}

void dequantizeQ8_1(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ8_1*>(vx);
    for (int64_t i = 0; i < n / kQK; ++i) {
        const float d = fp16ToFp32(x[i].d);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = x[i].qs[j] * d;
    }
}

// ---- weights: unpack one block into 32 signed integer levels

void levelsQ4_0(const BlockQ4_0& b, int* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = (b.qs[j] & 0x0F) - 8;
        q[j + 16] = (b.qs[j] >> 4) - 8;
    }
}
void levelsQ4_1(const BlockQ4_1& b, int* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = b.qs[j] & 0x0F;
        q[j + 16] = b.qs[j] >> 4;
    }
}
template <class Block> void levelsQ5(const Block& b, int* q, int offset) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, sizeof qh);
    for (int j = 0; j < 16; ++j) {
        q[j] = ((b.qs[j] & 0x0F) | (((qh >> j) & 1) << 4)) - offset;
        q[j + 16] = ((b.qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - offset;
    }
}
void levelsIQ4_NL(const BlockIQ4_NL& b, int* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = kIQ4NLValues[b.qs[j] & 0x0F];
        q[j + 16] = kIQ4NLValues[b.qs[j] >> 4];
    }
}

int dot32(const int* q, const int8_t* a) {
    int sum = 0;
    for (int j = 0; j < kQK; ++j) sum += q[j] * a[j];
    return sum;
}

void dequantizeQ4_0(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ4_0*>(vx);
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ4_0(x[i], q);
        const float d = fp16ToFp32(x[i].d);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = q[j] * d;
    }
}
float vecDotQ4_0(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ4_0*>(vw);
    const auto* a = static_cast<const BlockQ8_0*>(va);
    float sum = 0;
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ4_0(w[i], q);
        sum += static_cast<float>(dot32(q, a[i].qs)) * fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d);
    }
    return sum;
}

void dequantizeQ4_1(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ4_1*>(vx);
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ4_1(x[i], q);
        const float d = fp16ToFp32(x[i].d), m = fp16ToFp32(x[i].m);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = q[j] * d + m;
    }
}
float vecDotQ4_1(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ4_1*>(vw);
    const auto* a = static_cast<const BlockQ8_1*>(va);
    float sum = 0;
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ4_1(w[i], q);
        // The min term uses the activation block's precomputed s = d_a * sum(q_a).
        sum += (fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d)) * static_cast<float>(dot32(q, a[i].qs)) +
               fp16ToFp32(w[i].m) * fp16ToFp32(a[i].s);
    }
    return sum;
}

void dequantizeQ5_0(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ5_0*>(vx);
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ5(x[i], q, 16);
        const float d = fp16ToFp32(x[i].d);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = q[j] * d;
    }
}
float vecDotQ5_0(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ5_0*>(vw);
    const auto* a = static_cast<const BlockQ8_0*>(va);
    float sum = 0;
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ5(w[i], q, 16);
        sum += (fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d)) * static_cast<float>(dot32(q, a[i].qs));
    }
    return sum;
}

void dequantizeQ5_1(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ5_1*>(vx);
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ5(x[i], q, 0);
        const float d = fp16ToFp32(x[i].d), m = fp16ToFp32(x[i].m);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = q[j] * d + m;
    }
}
float vecDotQ5_1(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ5_1*>(vw);
    const auto* a = static_cast<const BlockQ8_1*>(va);
    float sum = 0;
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsQ5(w[i], q, 0);
        sum += (fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d)) * static_cast<float>(dot32(q, a[i].qs)) +
               fp16ToFp32(w[i].m) * fp16ToFp32(a[i].s);
    }
    return sum;
}

float vecDotQ8_0(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ8_0*>(vw);
    const auto* a = static_cast<const BlockQ8_0*>(va);
    float sum = 0;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int s = 0;
        for (int j = 0; j < kQK; ++j) s += w[i].qs[j] * a[i].qs[j];
        sum += static_cast<float>(s) * (fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d));
    }
    return sum;
}

void dequantizeIQ4_NL(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_NL*>(vx);
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsIQ4_NL(x[i], q);
        const float d = fp16ToFp32(x[i].d);
        for (int j = 0; j < kQK; ++j) y[i * kQK + j] = d * q[j];
    }
}
float vecDotIQ4_NL(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockIQ4_NL*>(vw);
    const auto* a = static_cast<const BlockQ8_0*>(va);
    float sum = 0;
    int q[kQK];
    for (int64_t i = 0; i < n / kQK; ++i) {
        levelsIQ4_NL(w[i], q);
        sum += (fp16ToFp32(w[i].d) * fp16ToFp32(a[i].d)) * static_cast<float>(dot32(q, a[i].qs));
    }
    return sum;
}

} // namespace

void registerScalarLegacyKernels(KernelTable& t) {
    auto set = [&](GgmlType type, DequantizeRowFn dq, QuantizeRowFn q, VecDotFn dot, GgmlType act) {
        TypeKernels& k = t[static_cast<uint32_t>(type)];
        k.dequantize = dq;
        k.quantize = q;
        k.vecDot = dot;
        k.vecDotType = act;
    };
    set(GgmlType::Q4_0, dequantizeQ4_0, quantizeRowQ4_0Ref, vecDotQ4_0, GgmlType::Q8_0);
    set(GgmlType::Q4_1, dequantizeQ4_1, quantizeRowQ4_1Ref, vecDotQ4_1, GgmlType::Q8_1);
    set(GgmlType::Q5_0, dequantizeQ5_0, quantizeRowQ5_0Ref, vecDotQ5_0, GgmlType::Q8_0);
    set(GgmlType::Q5_1, dequantizeQ5_1, quantizeRowQ5_1Ref, vecDotQ5_1, GgmlType::Q8_1);
    set(GgmlType::Q8_0, dequantizeQ8_0, quantizeQ8_0, vecDotQ8_0, GgmlType::Q8_0);
    set(GgmlType::Q8_1, dequantizeQ8_1, quantizeQ8_1, nullptr, GgmlType::Q8_1);
    set(GgmlType::IQ4_NL, dequantizeIQ4_NL, quantizeRowIQ4_NLRef, vecDotIQ4_NL, GgmlType::Q8_0);
}

} // namespace hearth::kernels
