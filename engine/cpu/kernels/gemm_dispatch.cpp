// gemm.h's entry points: which types have tiled kernels, the per-token side data, and the choice
// of ISA implementation.
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/gemm_isa.h"

#include <cstring>

namespace hearth::kernels {

bool gemmSupported(GgmlType type, Isa isa) {
    if (!isaSupported(isa)) return false;
    switch (type) {
    case GgmlType::Q4_0:
    case GgmlType::Q4_K:
    case GgmlType::Q6_K:
        return true;
    case GgmlType::Q8_0:
        // Offset bytes reach 255: maddubs would saturate, so AVX2 keeps the row kernels.
        return isa != Isa::Avx2;
    default:
        return false;
    }
}

size_t gemmTokenInfoSize(GgmlType type, int64_t n) {
    switch (type) {
    case GgmlType::Q4_0:
    case GgmlType::Q8_0:
        return static_cast<size_t>(2 * (n / kQK)); // per block: scale bits, offset correction
    case GgmlType::Q4_K:
        return static_cast<size_t>(4 * (n / kQK_K)); // per super-block: 4 pairs of 32-sums
    default:
        return 0; // Q6_K reads everything it needs from the Q8_K blocks
    }
}

void gemmPrepareTokens(GgmlType type, int64_t n, const void* acts, size_t actStride, int64_t t0,
                       int64_t t1, int32_t* tokenInfo) {
    const size_t infoSize = gemmTokenInfoSize(type, n);
    for (int64_t t = t0; t < t1; ++t) {
        const auto* row = static_cast<const uint8_t*>(acts) + static_cast<size_t>(t) * actStride;
        int32_t* info = tokenInfo + static_cast<size_t>(t) * infoSize;
        if (type == GgmlType::Q4_0 || type == GgmlType::Q8_0) {
            const int offset = type == GgmlType::Q4_0 ? kGemmOffsetQ4_0 : kGemmOffsetQ8_0;
            const auto* a = reinterpret_cast<const BlockQ8_0*>(row);
            for (int64_t b = 0; b < n / kQK; ++b) {
                int sum = 0;
                for (int e = 0; e < kQK; ++e) sum += a[b].qs[e];
                const float d = fp16ToFp32(a[b].d);
                std::memcpy(&info[2 * b], &d, 4);
                info[2 * b + 1] = -offset * sum;
            }
        } else if (type == GgmlType::Q4_K) {
            const auto* a = reinterpret_cast<const BlockQ8_K*>(row);
            for (int64_t sb = 0; sb < n / kQK_K; ++sb)
                for (int m = 0; m < 4; ++m) {
                    const int16_t* s = a[sb].bsums + 4 * m;
                    const auto lo = static_cast<uint16_t>(s[0] + s[1]);
                    const auto hi = static_cast<uint16_t>(s[2] + s[3]);
                    info[4 * sb + m] = static_cast<int32_t>(lo | (static_cast<uint32_t>(hi) << 16));
                }
        }
    }
}

QuantizeRowFn gemmActivationQuantizer(GgmlType actType, Isa isa) {
    if (actType != GgmlType::Q8_K || !isaSupported(isa)) return nullptr;
    if (isa == Isa::Avx512) return gemmQuantizeQ8_KAvx512;
    if (isa == Isa::Avx2) return gemmQuantizeQ8_KAvx2;
    return nullptr;
}

void gemmRows(GgmlType type, Isa isa, int64_t n, const void* weights, size_t rowStride,
              int64_t row0, int64_t row1, const void* acts, size_t actStride,
              const int32_t* tokenInfo, int64_t nTok, float* out, size_t outStride) {
    GemmRowsFn fn = gemmRowsScalar;
    if (isa == Isa::Avx512 && isaSupported(isa))
        fn = gemmRowsAvx512;
    else if (isa == Isa::Avx2 && isaSupported(isa))
        fn = gemmRowsAvx2;
    fn(type, n, weights, rowStride, row0, row1, acts, actStride, tokenInfo, nTok, out, outStride);
}

} // namespace hearth::kernels
