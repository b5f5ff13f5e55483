// Reference weight quantizers for the 32-element formats, following ggml's quantize_row_*_ref
// (and quantize_iq4_nl without an importance matrix) operation for operation, so that a file we
// quantize holds the same bytes llama-quantize would write.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/quant_math.h"
#include "engine/cpu/kernels/quant_nl.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace hearth::kernels {
namespace {

// Symmetric 4/5-bit: the value of largest magnitude maps to -2^(bits-1).
template <class Block, int kLevels> float symmetricScale(const float* x, float& id) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kQK; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    const float d = max / -static_cast<float>(kLevels / 2);
    id = d != 0.0f ? 1.0f / d : 0.0f;
    return d;
}

// Asymmetric 4/5-bit: min and (max - min) / (levels - 1).
float asymmetricScale(const float* x, int levels, float& min, float& id) {
    min = FLT_MAX;
    float max = -FLT_MAX;
    for (int j = 0; j < kQK; ++j) {
        min = std::min(min, x[j]);
        max = std::max(max, x[j]);
    }
    const float d = (max - min) / static_cast<float>(levels - 1);
    id = d != 0.0f ? 1.0f / d : 0.0f;
    return d;
}

void packQh(uint8_t qh[4], const uint8_t* l) {
    uint32_t bits = 0;
    for (int j = 0; j < 16; ++j) {
        bits |= ((l[j] & 0x10u) >> 4) << j;
        bits |= ((l[j + 16] & 0x10u) >> 4) << (j + 16);
    }
    std::memcpy(qh, &bits, sizeof bits);
}

} // namespace

void quantizeRowQ4_0Ref(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ4_0*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float id;
        y[i].d = fp32ToFp16(symmetricScale<BlockQ4_0, 16>(x, id));
        for (int j = 0; j < 16; ++j) {
            // (int8_t) truncates, so +8.5 rounds half up; 16 only happens at the max and clamps.
            const int lo = std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f)));
            const int hi =
                std::min(15, static_cast<int>(static_cast<int8_t>(x[j + 16] * id + 8.5f)));
            y[i].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
        }
    }
}

void quantizeRowQ4_1Ref(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ4_1*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float min, id;
        y[i].d = fp32ToFp16(asymmetricScale(x, 16, min, id));
        y[i].m = fp32ToFp16(min);
        for (int j = 0; j < 16; ++j) {
            const int lo =
                std::min(15, static_cast<int>(static_cast<int8_t>((x[j] - min) * id + 0.5f)));
            const int hi =
                std::min(15, static_cast<int>(static_cast<int8_t>((x[j + 16] - min) * id + 0.5f)));
            y[i].qs[j] = static_cast<uint8_t>(lo | (hi << 4));
        }
    }
}

void quantizeRowQ5_0Ref(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ5_0*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float id;
        y[i].d = fp32ToFp16(symmetricScale<BlockQ5_0, 32>(x, id));
        uint8_t l[kQK];
        for (int j = 0; j < kQK; ++j)
            l[j] = static_cast<uint8_t>(
                std::min(31, static_cast<int>(static_cast<int8_t>(x[j] * id + 16.5f))));
        for (int j = 0; j < 16; ++j)
            y[i].qs[j] = static_cast<uint8_t>((l[j] & 0x0F) | ((l[j + 16] & 0x0F) << 4));
        packQh(y[i].qh, l);
    }
}

void quantizeRowQ5_1Ref(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ5_1*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float min, id;
        y[i].d = fp32ToFp16(asymmetricScale(x, 32, min, id));
        y[i].m = fp32ToFp16(min);
        uint8_t l[kQK];
        for (int j = 0; j < kQK; ++j) l[j] = static_cast<uint8_t>((x[j] - min) * id + 0.5f);
        for (int j = 0; j < 16; ++j)
            y[i].qs[j] = static_cast<uint8_t>((l[j] & 0x0F) | ((l[j + 16] & 0x0F) << 4));
        packQh(y[i].qh, l);
    }
}

void quantizeRowQ8_0Ref(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float amax = 0.0f;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32ToFp16(d);
        for (int j = 0; j < kQK; ++j) y[i].qs[j] = static_cast<int8_t>(std::round(x[j] * id));
    }
}

void quantizeRowIQ4_NLRef(const float* x, void* vy, int64_t n) {
    auto* y = static_cast<BlockIQ4_NL*>(vy);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float scale;
        quantizeNonLinearSuperBlock(x, kQK, &y[i].d, y[i].qs, nullptr, nullptr, &scale);
    }
}

} // namespace hearth::kernels
