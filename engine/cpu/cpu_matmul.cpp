// Matrix product out = x · Wᵀ the way ggml computes it: each activation row is quantized once to
// the weight type's vecDotType, then every output element is one row dot product. Threads split
// the output features, so each element is computed by exactly one thread in a fixed order.
// Prompts (several tokens) of the common quantized types go through the tiled kernels (gemm.h),
// which unpack each weight panel once for all tokens; everything else uses the row kernels.
#include "engine/cpu/cpu_backend.h"
#include "engine/cpu/kernels/gemm.h"
#include "engine/cpu/kernels/kernels.h"

#include <algorithm>
#include <vector>

namespace hearth::cpu {
namespace {
// Weight rows handled together so a block stays in cache while every token row passes by.
constexpr int64_t kRowBlock = 16;
// Below this many tokens unpacking a weight panel costs more than the row kernels' decode.
constexpr int64_t kMinTiledTokens = 4;
// Threads split the tiled product in whole panels (the widest ISA's panel: 16 rows).
constexpr int64_t kPanelRows = 16;
// Per-token side data of the tiled kernels; only the calling thread touches it.
thread_local std::vector<int32_t> tokenInfoScratch;
} // namespace

Status CpuBackend::matmul(const TensorRef& w, const TensorRef& x, const TensorRef& out) {
    const auto& k = kernels::kernelsFor(w.type);
    if (!k.vecDot)
        return makeError("matmul: weights of type " + std::string(ggmlTypeName(w.type)) +
                         " cannot be computed (no dot-product kernel)");
    const auto& qk = kernels::kernelsFor(k.vecDotType);
    const int64_t nIn = w.cols, nOut = w.rows, nTok = x.rows;
    if (x.cols != nIn || out.cols != nOut || out.rows != nTok)
        return makeError("matmul: shape mismatch");
    const auto actBytes = ggmlRowBytes(k.vecDotType, nIn);
    if (!actBytes || !qk.quantize)
        return makeError("matmul: cannot convert activations to " +
                         std::string(ggmlTypeName(k.vecDotType)));

    // Activation rows in vecDotType (F32 rows are used as they are).
    const kernels::Isa isa = kernels::activeIsa();
    const bool tiled = nTok >= kMinTiledTokens && kernels::gemmSupported(w.type, isa);
    const size_t infoSize = tiled ? kernels::gemmTokenInfoSize(w.type, nIn) : 0;
    if (tiled) tokenInfoScratch.resize(infoSize * static_cast<size_t>(nTok));
    int32_t* const info = tokenInfoScratch.data(); // this thread's: workers fill it by pointer
    const bool direct = k.vecDotType == GgmlType::F32;
    // Same bytes as the table's quantizer, faster where gemm.h has one (Q8_K).
    const kernels::QuantizeRowFn fastQuantize = kernels::gemmActivationQuantizer(k.vecDotType, isa);
    const kernels::QuantizeRowFn quantize = fastQuantize ? fastQuantize : qk.quantize;
    const size_t qStride = direct ? x.stride() : static_cast<size_t>(*actBytes);
    const uint8_t* act = nullptr;
    if (direct) {
        act = rowPtr(x, 0);
    } else {
        quantScratch_.resize(qStride * static_cast<size_t>(nTok));
        uint8_t* q = quantScratch_.data();
        auto quantizeRows = [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) quantize(rowF32(x, r), q + r * qStride, nIn);
            if (tiled) kernels::gemmPrepareTokens(w.type, nIn, q, qStride, r0, r1, info);
        };
        if (nTok > 1)
            pool_.parallelFor(nTok, quantizeRows);
        else
            quantizeRows(0, 1);
        act = q;
    }

    const size_t wStride = w.stride();
    const uint8_t* wBase = rowPtr(w, 0);
    const GgmlType wType = w.type;
    if (tiled) {
        float* out0 = rowF32(out, 0);
        const size_t outStride = out.stride() / sizeof(float);
        const int64_t nPanels = (nOut + kPanelRows - 1) / kPanelRows;
        pool_.parallelFor(nPanels, [&](int64_t p0, int64_t p1) {
            kernels::gemmRows(wType, isa, nIn, wBase, wStride, p0 * kPanelRows,
                              std::min(nOut, p1 * kPanelRows), act, qStride, info, nTok, out0,
                              outStride);
        });
        return {};
    }
    pool_.parallelFor(nOut, [&](int64_t o0, int64_t o1) {
        for (int64_t ob = o0; ob < o1; ob += kRowBlock) {
            const int64_t oe = std::min(o1, ob + kRowBlock);
            const uint8_t* wBlock = wBase + ob * wStride;
            // Token pairs share each weight block's load and decode (same results as singly).
            int64_t t = 0;
            for (; t + 2 <= nTok; t += 2)
                kernels::vecDotRows2(wType, nIn, wBlock, wStride, oe - ob, act + t * qStride,
                                     act + (t + 1) * qStride, rowF32(out, t) + ob,
                                     rowF32(out, t + 1) + ob);
            for (; t < nTok; ++t)
                kernels::vecDotRows(wType, nIn, wBlock, wStride, oe - ob, act + t * qStride,
                                    rowF32(out, t) + ob);
        }
    });
    return {};
}

} // namespace hearth::cpu
