// Reference weight quantizers for the k-quants (Q2_K..Q6_K), Q8_K activations and the non-linear
// IQ4_NL / IQ4_XS formats, following ggml's quantize_row_*_ref (the path llama-quantize takes
// without an importance matrix) so our files match its bytes.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/quant_math.h"
#include "engine/cpu/kernels/quant_nl.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth::kernels {
namespace {

constexpr float kGroupMaxEps = 1e-15f;

// Symmetric levels in [-nmax, nmax-1] for one group; rmse_type 1 search over 19 scales weighted
// by x^2 (ggml's make_qx_quants with qw == NULL). Returns the scale; L holds level + nmax.
float makeQxQuants(int n, int nmax, const float* x, int8_t* L, bool search) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < kGroupMaxEps) {
        std::memset(L, 0, static_cast<size_t>(n));
        return 0.f;
    }
    float iscale = -nmax / max;
    if (!search) {
        for (int i = 0; i < n; ++i) {
            const int l = nearestInt(iscale * x[i]);
            L[i] = static_cast<int8_t>(nmax + std::max(-nmax, std::min(nmax - 1, l)));
        }
        return 1 / iscale;
    }
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearestInt(iscale * x[i]);
        l = std::max(-nmax, std::min(nmax - 1, l));
        L[i] = static_cast<int8_t>(l + nmax);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * x[i]);
            l = std::max(-nmax, std::min(nmax - 1, l));
            const float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                const int l = nearestInt(iscale * x[i]);
                L[i] = static_cast<int8_t>(nmax + std::max(-nmax, std::min(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// Q3_K groups: start from the max-based scale, then move single levels while the weighted
// fit improves (ggml's make_q3_quants with do_rmse).
float makeQ3Quants(int n, int nmax, const float* x, int8_t* L) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            max = x[i];
        }
    }
    if (amax < kGroupMaxEps) {
        std::memset(L, 0, static_cast<size_t>(n));
        return 0.f;
    }
    const float iscale = -nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearestInt(iscale * x[i]);
        l = std::max(-nmax, std::min(nmax - 1, l));
        L[i] = static_cast<int8_t>(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * L[i];
            if (slx > 0) {
                float sl2 = suml2 - w * L[i] * L[i];
                int l = nearestInt(x[i] * sl2 / slx);
                l = std::max(-nmax, std::min(nmax - 1, l));
                if (l != L[i]) {
                    slx += w * x[i] * l;
                    sl2 += w * l * l;
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = static_cast<int8_t>(l);
                        sumlx = slx;
                        suml2 = sl2;
                        ++changed;
                    }
                }
            }
        }
        if (!changed) break;
    }
    for (int i = 0; i < n; ++i) L[i] = static_cast<int8_t>(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

// Asymmetric levels [0, nmax] with a min <= 0: grid search of the scale minimising the weighted
// error (ggml's make_qkx2_quants). Returns the scale; *theMin receives -min.
float makeQkx2Quants(int n, int nmax, const float* x, const float* weights, uint8_t* L,
                     float* theMin, uint8_t* Laux, float rmin, float rdelta, int nstep,
                     bool useMad) {
    float min = x[0], max = x[0];
    float sumW = weights[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sumW += w;
        sumX += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        std::memset(L, 0, static_cast<size_t>(n));
        *theMin = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float bestError = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearestInt(iscale * (x[i] - min));
        L[i] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = useMad ? std::fabs(diff) : diff * diff;
        bestError += weights[i] * diff;
    }
    if (nstep < 1) {
        *theMin = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearestInt(iscale * (x[i] - min));
            l = std::max(0, std::min(nmax, l));
            Laux[i] = static_cast<uint8_t>(l);
            const float w = weights[i];
            sumL += w * l;
            sumL2 += w * l * l;
            sumXL += w * l * x[i];
        }
        const float D = sumW * sumL2 - sumL * sumL;
        if (D > 0) {
            float thisScale = (sumW * sumXL - sumX * sumL) / D;
            float thisMin = (sumL2 * sumX - sumL * sumXL) / D;
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }
            float error = 0;
            for (int i = 0; i < n; ++i) {
                float diff = thisScale * Laux[i] + thisMin - x[i];
                diff = useMad ? std::fabs(diff) : diff * diff;
                error += weights[i] * diff;
            }
            if (error < bestError) {
                std::memcpy(L, Laux, static_cast<size_t>(n));
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    *theMin = -min;
    return scale;
}

// Pack 2-bit levels: byte l of each 32-byte run holds elements l, l+32, l+64, l+96.
void pack2Bit(const uint8_t* L, uint8_t* qs) {
    for (int j = 0; j < kQK_K; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 2) |
                                                 (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// Q4_K / Q5_K: 8 sub-blocks of 32 with 6-bit scales and mins, then requantize with the rounded
// scales. nmax is 15 or 31.
void quantizeScaleMinSuperBlock(const float* x, int nmax, float rmin, int nstep, uint16_t& dOut,
                                uint16_t& dminOut, uint8_t* packedScales, uint8_t* L) {
    uint8_t Laux[32];
    float weights[32], mins[8], scales[8];
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 8; ++j) {
        float sumX2 = 0;
        for (int l = 0; l < 32; ++l) sumX2 += x[32 * j + l] * x[32 * j + l];
        const float avX = std::sqrt(sumX2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = avX + std::fabs(x[32 * j + l]);
        scales[j] = makeQkx2Quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin,
                                   0.1f, nstep, false);
        maxScale = std::max(maxScale, scales[j]);
        maxMin = std::max(maxMin, mins[j]);
    }
    const float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
    const float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
    for (int j = 0; j < 8; ++j) {
        uint8_t ls = static_cast<uint8_t>(nearestInt(invScale * scales[j]));
        uint8_t lm = static_cast<uint8_t>(nearestInt(invMin * mins[j]));
        ls = std::min<uint8_t>(63, ls);
        lm = std::min<uint8_t>(63, lm);
        if (j < 4) {
            packedScales[j] = ls;
            packedScales[j + 4] = lm;
        } else {
            packedScales[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
            packedScales[j - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
            packedScales[j] |= static_cast<uint8_t>((lm >> 4) << 6);
        }
    }
    dOut = fp32ToFp16(maxScale / 63.f);
    dminOut = fp32ToFp16(maxMin / 63.f);
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        kquantScaleMin(j, packedScales, sc, m);
        const float d = fp16ToFp32(dOut) * sc;
        if (d == 0.0f) continue;
        const float dm = fp16ToFp32(dminOut) * m;
        for (int ii = 0; ii < 32; ++ii) {
            const int l = nearestInt((x[32 * j + ii] + dm) / d);
            L[32 * j + ii] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
        }
    }
}

// Index of the nearest level in a sorted table of 16 (ties go up), exact via doubled values.
int bestIndexNL(const int8_t* values, float x) {
    const float x2 = x + x;
    int idx = 0;
    for (int step = 8; step > 0; step >>= 1) {
        const int j = idx + step;
        idx = (x2 >= static_cast<float>(values[j - 1] + values[j])) ? j : idx;
    }
    return idx;
}

} // namespace

void quantizeRowQ2_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ2_K*>(vy);
    uint8_t L[kQK_K], Laux[16];
    float weights[16], mins[16], scales[16];
    const float q4scale = 15.f;
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 16; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
            scales[j] = makeQkx2Quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux,
                                       -0.5f, 0.1f, 15, true);
            maxScale = std::max(maxScale, scales[j]);
            maxMin = std::max(maxMin, mins[j]);
        }
        if (maxScale > 0) {
            const float iscale = q4scale / maxScale;
            for (int j = 0; j < 16; ++j)
                y[i].scales[j] = static_cast<uint8_t>(nearestInt(iscale * scales[j]));
            y[i].d = fp32ToFp16(maxScale / q4scale);
        } else {
            for (int j = 0; j < 16; ++j) y[i].scales[j] = 0;
            y[i].d = fp32ToFp16(0.f);
        }
        if (maxMin > 0) {
            const float iscale = q4scale / maxMin;
            for (int j = 0; j < 16; ++j)
                y[i].scales[j] |= static_cast<uint8_t>(nearestInt(iscale * mins[j]) << 4);
            y[i].dmin = fp32ToFp16(maxMin / q4scale);
        } else {
            y[i].dmin = fp32ToFp16(0.f);
        }
        for (int j = 0; j < 16; ++j) {
            const float d = fp16ToFp32(y[i].d) * (y[i].scales[j] & 0xF);
            if (d == 0.0f) continue;
            const float dm = fp16ToFp32(y[i].dmin) * (y[i].scales[j] >> 4);
            for (int ii = 0; ii < 16; ++ii) {
                const int l = nearestInt((x[16 * j + ii] + dm) / d);
                L[16 * j + ii] = static_cast<uint8_t>(std::max(0, std::min(3, l)));
            }
        }
        pack2Bit(L, y[i].qs);
    }
}

void quantizeRowQ3_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ3_K*>(vy);
    int8_t L[kQK_K];
    float scales[16];
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        float maxScale = 0, amax = 0;
        for (int j = 0; j < 16; ++j) {
            scales[j] = makeQ3Quants(16, 4, x + 16 * j, L + 16 * j);
            const float scale = std::fabs(scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = scales[j];
            }
        }
        std::memset(y[i].scales, 0, 12);
        if (maxScale != 0.0f) {
            const float iscale = -32.f / maxScale;
            for (int j = 0; j < 16; ++j) {
                int8_t l = static_cast<int8_t>(nearestInt(iscale * scales[j]));
                l = static_cast<int8_t>(std::max<int>(-32, std::min<int>(31, l)) + 32);
                if (j < 8)
                    y[i].scales[j] = static_cast<uint8_t>(l & 0xF);
                else
                    y[i].scales[j - 8] |= static_cast<uint8_t>((l & 0xF) << 4);
                l = static_cast<int8_t>(l >> 4);
                y[i].scales[j % 4 + 8] |= static_cast<uint8_t>(l << (2 * (j / 4)));
            }
            y[i].d = fp32ToFp16(1 / iscale);
        } else {
            y[i].d = fp32ToFp16(0.f);
        }
        int8_t sc[16];
        q3kScales(y[i].scales, sc);
        for (int j = 0; j < 16; ++j) {
            const float d = fp16ToFp32(y[i].d) * sc[j];
            if (d == 0.0f) continue;
            for (int ii = 0; ii < 16; ++ii) {
                const int l = nearestInt(x[16 * j + ii] / d);
                L[16 * j + ii] = static_cast<int8_t>(std::max(-4, std::min(3, l)) + 4);
            }
        }
        // The high bit of level j goes to hmask[j % 32], bit j / 32.
        std::memset(y[i].hmask, 0, sizeof y[i].hmask);
        uint8_t low[kQK_K];
        for (int j = 0; j < kQK_K; ++j) {
            int l = L[j];
            if (l > 3) {
                y[i].hmask[j % 32] |= static_cast<uint8_t>(1u << (j / 32));
                l -= 4;
            }
            low[j] = static_cast<uint8_t>(l);
        }
        pack2Bit(low, y[i].qs);
    }
}

void quantizeRowQ4_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ4_K*>(vy);
    uint8_t L[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        quantizeScaleMinSuperBlock(x, 15, -1.f, 20, y[i].d, y[i].dmin, y[i].scales, L);
        uint8_t* q = y[i].qs;
        for (int j = 0; j < kQK_K; j += 64, q += 32)
            for (int l = 0; l < 32; ++l)
                q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
    }
}

void quantizeRowQ5_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ5_K*>(vy);
    uint8_t L[kQK_K];
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        quantizeScaleMinSuperBlock(x, 31, -0.5f, 15, y[i].d, y[i].dmin, y[i].scales, L);
        uint8_t* qh = y[i].qh;
        uint8_t* ql = y[i].qs;
        std::memset(qh, 0, kQK_K / 8);
        uint8_t m1 = 1, m2 = 2;
        for (int b = 0; b < kQK_K; b += 64, ql += 32) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[b + j], l2 = L[b + j + 32];
                if (l1 > 15) {
                    l1 -= 16;
                    qh[j] |= m1;
                }
                if (l2 > 15) {
                    l2 -= 16;
                    qh[j] |= m2;
                }
                ql[j] = static_cast<uint8_t>(l1 | (l2 << 4));
            }
            m1 = static_cast<uint8_t>(m1 << 2);
            m2 = static_cast<uint8_t>(m2 << 2);
        }
    }
}

void quantizeRowQ6_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ6_K*>(vy);
    int8_t L[kQK_K];
    float scales[16];
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        float maxScale = 0, maxAbsScale = 0;
        for (int ib = 0; ib < 16; ++ib) {
            const float scale = makeQxQuants(16, 32, x + 16 * ib, L + 16 * ib, true);
            scales[ib] = scale;
            if (std::fabs(scale) > maxAbsScale) {
                maxAbsScale = std::fabs(scale);
                maxScale = scale;
            }
        }
        if (maxAbsScale < kGroupMaxEps) {
            std::memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -128.f / maxScale;
        y[i].d = fp32ToFp16(1 / iscale);
        for (int ib = 0; ib < 16; ++ib)
            y[i].scales[ib] = static_cast<int8_t>(std::min(127, nearestInt(iscale * scales[ib])));
        for (int j = 0; j < 16; ++j) {
            const float d = fp16ToFp32(y[i].d) * y[i].scales[j];
            if (d == 0.0f) continue;
            for (int ii = 0; ii < 16; ++ii) {
                const int l = nearestInt(x[16 * j + ii] / d);
                L[16 * j + ii] = static_cast<int8_t>(std::max(-32, std::min(31, l)) + 32);
            }
        }
        uint8_t* ql = y[i].ql;
        uint8_t* qh = y[i].qh;
        for (int j = 0; j < kQK_K; j += 128, ql += 64, qh += 32) {
            for (int l = 0; l < 32; ++l) {
                const int q1 = L[j + l] & 0xF, q2 = L[j + l + 32] & 0xF;
                const int q3 = L[j + l + 64] & 0xF, q4 = L[j + l + 96] & 0xF;
                ql[l] = static_cast<uint8_t>(q1 | (q3 << 4));
                ql[l + 32] = static_cast<uint8_t>(q2 | (q4 << 4));
                qh[l] =
                    static_cast<uint8_t>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) |
                                         ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
            }
        }
    }
}

void quantizeRowQ8_KRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ8_K*>(vy);
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < kQK_K; ++j) {
            const float ax = std::fabs(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (amax == 0.0f) {
            std::memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -127.f / max;
        for (int j = 0; j < kQK_K; ++j)
            y[i].qs[j] = static_cast<int8_t>(std::min(127, nearestInt(iscale * x[j])));
        for (int j = 0; j < kQK_K / 16; ++j) {
            int sum = 0;
            for (int ii = 0; ii < 16; ++ii) sum += y[i].qs[j * 16 + ii];
            y[i].bsums[j] = static_cast<int16_t>(sum);
        }
        y[i].d = 1 / iscale;
    }
}

void quantizeNonLinearSuperBlock(const float* x, int superBlock, uint16_t* dh, uint8_t* q4,
                                 uint16_t* scalesH, uint8_t* scalesL, float* scales) {
    constexpr int kBlock = 32;
    constexpr int kTries = 7;
    const int8_t* values = kIQ4NLValues;
    uint8_t L[kQK_K];
    float weight[kBlock];
    std::memset(q4, 0, static_cast<size_t>(superBlock / 2));
    *dh = fp32ToFp16(0.f);
    float maxScale = 0, amaxScale = 0;
    const int nBlocks = superBlock / kBlock;
    for (int ib = 0; ib < nBlocks; ++ib) {
        const float* xb = x + ib * kBlock;
        uint8_t* Lb = L + ib * kBlock;
        for (int j = 0; j < kBlock; ++j) weight[j] = xb[j] * xb[j];
        float amax = 0, max = 0;
        for (int j = 0; j < kBlock; ++j) {
            const float ax = std::fabs(xb[j]);
            if (ax > amax) {
                amax = ax;
                max = xb[j];
            }
        }
        if (amax < kGroupMaxEps) {
            scales[ib] = 0;
            continue;
        }
        float d = -max / values[0];
        float id = 1 / d;
        float sumqx = 0, sumq2 = 0;
        for (int j = 0; j < kBlock; ++j) {
            const int l = bestIndexNL(values, id * xb[j]);
            Lb[j] = static_cast<uint8_t>(l);
            const float q = values[l];
            const float w = weight[j];
            sumqx += w * q * xb[j];
            sumq2 += w * q * q;
        }
        d = sumqx / sumq2;
        float best = d * sumqx;
        for (int itry = -kTries; itry <= kTries; ++itry) {
            id = (itry + values[0]) / max;
            sumqx = sumq2 = 0;
            for (int j = 0; j < kBlock; ++j) {
                const int l = bestIndexNL(values, id * xb[j]);
                const float q = values[l];
                const float w = weight[j];
                sumqx += w * q * xb[j];
                sumq2 += w * q * q;
            }
            if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                d = sumqx / sumq2;
                best = d * sumqx;
            }
        }
        scales[ib] = d;
        if (std::fabs(d) > amaxScale) {
            amaxScale = std::fabs(d);
            maxScale = d;
        }
    }
    if (nBlocks > 1) {
        *scalesH = 0;
        const float d = -maxScale / 32;
        *dh = fp32ToFp16(d);
        const float id = d != 0.0f ? 1 / d : 0.f;
        for (int ib = 0; ib < nBlocks; ++ib) {
            int l = nearestInt(id * scales[ib]);
            l = std::max(-32, std::min(31, l));
            const float dl = d * l;
            const float idl = dl != 0.0f ? 1 / dl : 0.f;
            for (int j = 0; j < kBlock; ++j)
                L[ib * kBlock + j] =
                    static_cast<uint8_t>(bestIndexNL(values, idl * x[ib * kBlock + j]));
            l += 32;
            const uint8_t lLow = static_cast<uint8_t>(l & 0xf);
            const uint8_t lHigh = static_cast<uint8_t>(l >> 4);
            if (ib % 2 == 0)
                scalesL[ib / 2] = lLow;
            else
                scalesL[ib / 2] |= static_cast<uint8_t>(lLow << 4);
            *scalesH = static_cast<uint16_t>(*scalesH | (lHigh << (2 * (ib % 8))));
        }
    } else {
        *dh = fp32ToFp16(scales[0]);
        const float id = scales[0] != 0.0f ? 1 / scales[0] : 0;
        for (int j = 0; j < superBlock; ++j)
            L[j] = static_cast<uint8_t>(bestIndexNL(values, id * x[j]));
    }
    for (int i = 0; i < superBlock / 32; ++i)
        for (int j = 0; j < 16; ++j)
            q4[16 * i + j] = static_cast<uint8_t>(L[32 * i + j] | (L[32 * i + 16 + j] << 4));
}

void quantizeRowIQ4_XSRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockIQ4_XS*>(vy);
    float scales[kQK_K / 32];
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K)
        quantizeNonLinearSuperBlock(x, kQK_K, &y[i].d, y[i].qs, &y[i].scales_h, y[i].scales_l,
                                    scales);
}

} // namespace hearth::kernels
