// Scalar reference kernels for the 256-element super-block formats: Q2_K..Q6_K and IQ4_XS
// weights against Q8_K activations. Each super-block's integer sum (sub-block scale times the
// int8 dot) is exact; the min terms use the activation's per-16 bsums, as in ggml.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/kernel_tables.h"
#include "engine/cpu/kernels/quant_math.h"

namespace hearth::kernels {
namespace {

// ---- unpack one super-block into 256 integer levels (before scales)

void levelsQ2_K(const BlockQ2_K& b, int* q) {
    for (int e = 0; e < kQK_K; ++e) {
        const int half = e / 128, r = e % 128;
        q[e] = (b.qs[32 * half + r % 32] >> (2 * (r / 32))) & 3;
    }
}
void levelsQ3_K(const BlockQ3_K& b, int* q) {
    for (int e = 0; e < kQK_K; ++e) {
        const int half = e / 128, r = e % 128;
        const int low = (b.qs[32 * half + r % 32] >> (2 * (r / 32))) & 3;
        const bool high = (b.hmask[r % 32] >> (e / 32)) & 1;
        q[e] = low - (high ? 0 : 4);
    }
}
void levelsQ4_K(const BlockQ4_K& b, int* q) {
    for (int e = 0; e < kQK_K; ++e) {
        const int chunk = e / 64, r = e % 64;
        const uint8_t byte = b.qs[32 * chunk + r % 32];
        q[e] = r < 32 ? (byte & 0xF) : (byte >> 4);
    }
}
void levelsQ5_K(const BlockQ5_K& b, int* q) {
    for (int e = 0; e < kQK_K; ++e) {
        const int chunk = e / 64, r = e % 64;
        const uint8_t byte = b.qs[32 * chunk + r % 32];
        const int low = r < 32 ? (byte & 0xF) : (byte >> 4);
        q[e] = low | (((b.qh[r % 32] >> (e / 32)) & 1) << 4);
    }
}
void levelsQ6_K(const BlockQ6_K& b, int* q) {
    for (int e = 0; e < kQK_K; ++e) {
        const int half = e / 128, r = e % 128, part = r / 32, l = r % 32;
        const uint8_t byte = b.ql[64 * half + l + (part & 1) * 32];
        const int low = part < 2 ? (byte & 0xF) : (byte >> 4);
        const int high = (b.qh[32 * half + l] >> (2 * part)) & 3;
        q[e] = (low | (high << 4)) - 32;
    }
}
void levelsIQ4_XS(const BlockIQ4_XS& b, int* q, int* subScales) {
    for (int ib = 0; ib < 8; ++ib) {
        subScales[ib] = (((b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xf) |
                         (((b.scales_h >> (2 * ib)) & 3) << 4)) -
                        32;
        for (int j = 0; j < 16; ++j) {
            q[32 * ib + j] = kIQ4NLValues[b.qs[16 * ib + j] & 0xf];
            q[32 * ib + j + 16] = kIQ4NLValues[b.qs[16 * ib + j] >> 4];
        }
    }
}

int groupDot(const int* q, const int8_t* a, int n) {
    int s = 0;
    for (int j = 0; j < n; ++j) s += q[j] * a[j];
    return s;
}

// ---- Q2_K: 16 groups of 16, 4-bit scale and 4-bit min per group

void dequantizeQ2_K(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ2_K*>(vx);
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i, y += kQK_K) {
        levelsQ2_K(x[i], q);
        const float d = fp16ToFp32(x[i].d), dmin = fp16ToFp32(x[i].dmin);
        for (int e = 0; e < kQK_K; ++e) {
            const uint8_t sc = x[i].scales[e / 16];
            y[e] = d * (sc & 0xF) * q[e] - dmin * (sc >> 4);
        }
    }
}
float vecDotQ2_K(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ2_K*>(vw);
    const auto* a = static_cast<const BlockQ8_K*>(va);
    float sum = 0;
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        levelsQ2_K(w[i], q);
        int isum = 0, summs = 0;
        for (int g = 0; g < 16; ++g) {
            isum += (w[i].scales[g] & 0xF) * groupDot(q + 16 * g, a[i].qs + 16 * g, 16);
            summs += a[i].bsums[g] * (w[i].scales[g] >> 4);
        }
        const float dall = a[i].d * fp16ToFp32(w[i].d);
        const float dmin = a[i].d * fp16ToFp32(w[i].dmin);
        sum += dall * static_cast<float>(isum) - dmin * static_cast<float>(summs);
    }
    return sum;
}

// ---- Q3_K: 16 groups of 16, signed 6-bit scales

void dequantizeQ3_K(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ3_K*>(vx);
    int q[kQK_K];
    int8_t sc[16];
    for (int64_t i = 0; i < n / kQK_K; ++i, y += kQK_K) {
        levelsQ3_K(x[i], q);
        q3kScales(x[i].scales, sc);
        const float d = fp16ToFp32(x[i].d);
        for (int e = 0; e < kQK_K; ++e) y[e] = d * sc[e / 16] * q[e];
    }
}
float vecDotQ3_K(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ3_K*>(vw);
    const auto* a = static_cast<const BlockQ8_K*>(va);
    float sum = 0;
    int q[kQK_K];
    int8_t sc[16];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        levelsQ3_K(w[i], q);
        q3kScales(w[i].scales, sc);
        int isum = 0;
        for (int g = 0; g < 16; ++g) isum += sc[g] * groupDot(q + 16 * g, a[i].qs + 16 * g, 16);
        sum += fp16ToFp32(w[i].d) * a[i].d * static_cast<float>(isum);
    }
    return sum;
}

// ---- Q4_K / Q5_K: 8 sub-blocks of 32, 6-bit scale and min each

template <class Block, void (*Levels)(const Block&, int*)>
void dequantizeScaleMin(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const Block*>(vx);
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i, y += kQK_K) {
        Levels(x[i], q);
        const float d = fp16ToFp32(x[i].d), dmin = fp16ToFp32(x[i].dmin);
        for (int s = 0; s < 8; ++s) {
            uint8_t sc, m;
            kquantScaleMin(s, x[i].scales, sc, m);
            const float ds = d * sc, ms = dmin * m;
            for (int l = 0; l < 32; ++l) y[32 * s + l] = ds * q[32 * s + l] - ms;
        }
    }
}
template <class Block, void (*Levels)(const Block&, int*)>
float vecDotScaleMin(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const Block*>(vw);
    const auto* a = static_cast<const BlockQ8_K*>(va);
    float sum = 0;
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        Levels(w[i], q);
        int isum = 0, summs = 0;
        for (int s = 0; s < 8; ++s) {
            uint8_t sc, m;
            kquantScaleMin(s, w[i].scales, sc, m);
            isum += sc * groupDot(q + 32 * s, a[i].qs + 32 * s, 32);
            summs += m * (a[i].bsums[2 * s] + a[i].bsums[2 * s + 1]);
        }
        const float d = fp16ToFp32(w[i].d) * a[i].d;
        const float dmin = fp16ToFp32(w[i].dmin) * a[i].d;
        sum += d * static_cast<float>(isum) - dmin * static_cast<float>(summs);
    }
    return sum;
}

// ---- Q6_K: 16 groups of 16, signed 8-bit scales

void dequantizeQ6_K(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ6_K*>(vx);
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i, y += kQK_K) {
        levelsQ6_K(x[i], q);
        const float d = fp16ToFp32(x[i].d);
        for (int e = 0; e < kQK_K; ++e) y[e] = d * x[i].scales[e / 16] * q[e];
    }
}
float vecDotQ6_K(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockQ6_K*>(vw);
    const auto* a = static_cast<const BlockQ8_K*>(va);
    float sum = 0;
    int q[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        levelsQ6_K(w[i], q);
        int isum = 0;
        for (int g = 0; g < 16; ++g)
            isum += w[i].scales[g] * groupDot(q + 16 * g, a[i].qs + 16 * g, 16);
        sum += fp16ToFp32(w[i].d) * a[i].d * static_cast<float>(isum);
    }
    return sum;
}

// ---- IQ4_XS: 8 sub-blocks of 32 with 6-bit signed scales over non-linear levels

void dequantizeIQ4_XS(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockIQ4_XS*>(vx);
    int q[kQK_K], ls[8];
    for (int64_t i = 0; i < n / kQK_K; ++i, y += kQK_K) {
        levelsIQ4_XS(x[i], q, ls);
        const float d = fp16ToFp32(x[i].d);
        for (int e = 0; e < kQK_K; ++e) y[e] = d * ls[e / 32] * q[e];
    }
}
float vecDotIQ4_XS(int64_t n, const void* vw, const void* va) {
    const auto* w = static_cast<const BlockIQ4_XS*>(vw);
    const auto* a = static_cast<const BlockQ8_K*>(va);
    float sum = 0;
    int q[kQK_K], ls[8];
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        levelsIQ4_XS(w[i], q, ls);
        int isum = 0;
        for (int s = 0; s < 8; ++s) isum += ls[s] * groupDot(q + 32 * s, a[i].qs + 32 * s, 32);
        sum += fp16ToFp32(w[i].d) * a[i].d * static_cast<float>(isum);
    }
    return sum;
}

void dequantizeQ8_K(const void* vx, float* y, int64_t n) {
    const auto* x = static_cast<const BlockQ8_K*>(vx);
    for (int64_t i = 0; i < n / kQK_K; ++i)
        for (int j = 0; j < kQK_K; ++j) y[i * kQK_K + j] = x[i].d * x[i].qs[j];
}

} // namespace

void registerScalarKQuantKernels(KernelTable& t) {
    auto set = [&](GgmlType type, DequantizeRowFn dq, QuantizeRowFn q, VecDotFn dot) {
        t[static_cast<uint32_t>(type)] = {dq, q, dot, GgmlType::Q8_K};
    };
    set(GgmlType::Q2_K, dequantizeQ2_K, quantizeRowQ2_KRef, vecDotQ2_K);
    set(GgmlType::Q3_K, dequantizeQ3_K, quantizeRowQ3_KRef, vecDotQ3_K);
    set(GgmlType::Q4_K, dequantizeScaleMin<BlockQ4_K, levelsQ4_K>, quantizeRowQ4_KRef,
        vecDotScaleMin<BlockQ4_K, levelsQ4_K>);
    set(GgmlType::Q5_K, dequantizeScaleMin<BlockQ5_K, levelsQ5_K>, quantizeRowQ5_KRef,
        vecDotScaleMin<BlockQ5_K, levelsQ5_K>);
    set(GgmlType::Q6_K, dequantizeQ6_K, quantizeRowQ6_KRef, vecDotQ6_K);
    set(GgmlType::Q8_K, dequantizeQ8_K, quantizeRowQ8_KRef, nullptr);
    set(GgmlType::IQ4_XS, dequantizeIQ4_XS, quantizeRowIQ4_XSRef, vecDotIQ4_XS);
}

} // namespace hearth::kernels
