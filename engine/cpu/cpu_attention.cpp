// Rotary embeddings, the KV cache and causal attention on the CPU, following ggml's numerics:
// rope angles built by repeated multiplication in float, softmax sums in double, and with an F16
// cache both q and the softmax output rounded to F16 before their dot products.
#include "engine/cpu/cpu_backend.h"
#include "engine/cpu/fp16.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/cpu/kernels/vector_math.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace hearth::cpu {
namespace {

const float* halfTable() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t i = 0; i < 65536; ++i) t[i] = halfToFloat(static_cast<uint16_t>(i));
        return t;
    }();
    return table.data();
}

// Used only when the kernels provide no F16 dot product.
float dotF16Fallback(int64_t n, const void* a, const void* b) {
    const float* t = halfTable();
    const auto* x = static_cast<const uint16_t*>(a);
    const auto* y = static_cast<const uint16_t*>(b);
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += t[x[i]] * t[y[i]];
    return sum;
}

kernels::VecDotFn cacheDot(GgmlType type) {
    const auto& k = kernels::kernelsFor(type);
    if (k.vecDot && k.vecDotType == type) return k.vecDot;
    return type == GgmlType::F16 ? dotF16Fallback : nullptr;
}

} // namespace

Status CpuBackend::rope(const TensorRef& x, std::span<const int32_t> positions,
                        const RopeParams& p) {
    if (p.nRot > p.headDim || p.nRot % 2 != 0) return makeError("rope: bad rotation dims");
    const float thetaScale = std::pow(p.freqBase, -2.0f / static_cast<float>(p.nRot));
    const int half = p.nRot / 2;
    auto work = [&](int64_t r0, int64_t r1) {
        thread_local std::vector<float> cache;
        if (cache.size() < static_cast<size_t>(p.nRot)) cache.resize(static_cast<size_t>(p.nRot));
        for (int64_t r = r0; r < r1; ++r) {
            float theta = static_cast<float>(positions[static_cast<size_t>(r)]);
            for (int i0 = 0; i0 < p.nRot; i0 += 2) {
                const float t = p.freqScale * theta;
                cache[i0] = std::cos(t);
                cache[i0 + 1] = std::sin(t);
                theta *= thetaScale;
            }
            float* row = rowF32(x, r);
            for (int h = 0; h < p.nHeads; ++h) {
                float* v = row + static_cast<int64_t>(h) * p.headDim;
                for (int i0 = 0; i0 < p.nRot; i0 += 2) {
                    const float c = cache[i0], s = cache[i0 + 1];
                    const int a = p.style == RopeStyle::NeoX ? i0 / 2 : i0;
                    const int b = p.style == RopeStyle::NeoX ? i0 / 2 + half : i0 + 1;
                    const float x0 = v[a], x1 = v[b];
                    v[a] = x0 * c - x1 * s;
                    v[b] = x0 * s + x1 * c;
                }
            }
        }
    };
    if (x.rows > 1)
        pool_.parallelFor(x.rows, work);
    else
        work(0, x.rows);
    return {};
}

Status CpuBackend::storeKv(const TensorRef& k, const TensorRef& v, const KvCache& cache, int pos0) {
    const GgmlType type = cache.k.type;
    if (type != GgmlType::F16 && type != GgmlType::F32)
        return makeError("KV cache type must be f16 or f32");
    if (pos0 < 0 || pos0 + k.rows > cache.k.rows) return makeError("KV cache is full");
    const int64_t dim = k.cols;
    // Whole rows go through the kernels' conversion (F16C where present; round to nearest even,
    // as floatToHalf).
    const kernels::QuantizeRowFn toCache = kernels::kernelsFor(type).quantize;
    for (int64_t i = 0; i < k.rows; ++i) toCache(rowF32(k, i), rowPtr(cache.k, pos0 + i), dim);
    // V is stored transposed: one element in each of `dim` rows per token, converted as a row
    // first, then scattered. The rows' base and stride are looked up once (rowPtr computes the
    // packed row size on every call).
    uint8_t* vBase = rowPtr(cache.vT, 0);
    const size_t vStride = cache.vT.stride();
    const size_t elem = type == GgmlType::F16 ? 2 : 4;
    thread_local std::vector<uint8_t> converted;
    if (converted.size() < static_cast<size_t>(dim) * elem)
        converted.resize(static_cast<size_t>(dim) * elem);
    for (int64_t i = 0; i < v.rows; ++i) {
        toCache(rowF32(v, i), converted.data(), dim);
        const size_t at = static_cast<size_t>(pos0 + i) * elem;
        for (int64_t d = 0; d < dim; ++d)
            std::memcpy(vBase + static_cast<size_t>(d) * vStride + at,
                        converted.data() + static_cast<size_t>(d) * elem, elem);
    }
    return {};
}

Status CpuBackend::attention(const TensorRef& q, const KvCache& cache, int pos0,
                             const AttentionParams& p, const TensorRef& out) {
    const GgmlType type = cache.k.type;
    if (type != GgmlType::F16 && type != GgmlType::F32)
        return makeError("attention: KV cache type must be f16 or f32");
    const kernels::VecDotFn dot = cacheDot(type);
    if (!dot) return makeError("attention: no dot product for the cache type");
    if (p.nKvHeads <= 0 || p.nHeads % p.nKvHeads != 0) return makeError("attention: bad heads");
    const int group = p.nHeads / p.nKvHeads;
    const int hd = p.headDim;
    const size_t elem = type == GgmlType::F16 ? 2 : 4;
    const int64_t nTasks = q.rows * p.nHeads;
    // Looked up once, not per row: stride() may compute the packed row size on every call.
    const uint8_t* kBase = rowPtr(cache.k, 0);
    const uint8_t* vBase = rowPtr(cache.vT, 0);
    const size_t kStride = cache.k.stride(), vStride = cache.vT.stride();
    const uint8_t* qBase = rowPtr(q, 0);
    uint8_t* outBase = rowPtr(out, 0);
    const size_t qStride = q.stride(), outStride = out.stride();
    // The kernels' row conversion (F16C where present) rounds as the cache's values were.
    const kernels::QuantizeRowFn toCache = kernels::kernelsFor(type).quantize;

    // Rows of the cache against one vector: the kernels' multi-row dot where they have one.
    const bool kernelRows = dot == kernels::kernelsFor(type).vecDot;
    const auto rowDots = [&](int64_t n, const uint8_t* rows, size_t stride, int64_t nRows,
                             const void* vec, float* res) {
        if (kernelRows)
            kernels::vecDotRows(type, n, rows, stride, nRows, vec, res);
        else
            for (int64_t r = 0; r < nRows; ++r)
                res[r] = dot(n, rows + static_cast<size_t>(r) * stride, vec);
    };
    auto work = [&](int64_t t0, int64_t t1) {
        // Per-thread scratch that only ever grows: the token path allocates nothing.
        thread_local std::vector<uint8_t> qConv;
        thread_local std::vector<float> scores;
        thread_local std::vector<uint8_t> probs;
        if (qConv.size() < static_cast<size_t>(hd) * elem)
            qConv.resize(static_cast<size_t>(hd) * elem);
        for (int64_t task = t0; task < t1; ++task) {
            const int64_t i = task / p.nHeads;
            const int h = static_cast<int>(task % p.nHeads);
            const int kvh = h / group;
            const int64_t nKv = pos0 + i + 1;
            const float* qh =
                reinterpret_cast<const float*>(qBase + static_cast<size_t>(i) * qStride) +
                static_cast<int64_t>(h) * hd;
            toCache(qh, qConv.data(), hd);

            if (scores.size() < static_cast<size_t>(nKv)) scores.resize(static_cast<size_t>(nKv));
            float* sc = scores.data();
            const uint8_t* kHead = kBase + static_cast<size_t>(kvh) * hd * elem;
            // All K rows against the query in one call (four rows per step share the query's
            // conversion), then the scale.
            rowDots(hd, kHead, kStride, nKv, qConv.data(), sc);
            float mx = -INFINITY;
            for (int64_t j = 0; j < nKv; ++j) {
                sc[j] *= p.scale;
                mx = std::max(mx, sc[j]);
            }
            kernels::expShifted(sc, mx, sc, nKv);
            double sum = 0;
            for (int64_t j = 0; j < nKv; ++j) sum += sc[j];
            const float inv = static_cast<float>(1.0 / sum);
            for (int64_t j = 0; j < nKv; ++j) sc[j] *= inv;
            if (probs.size() < static_cast<size_t>(nKv) * elem)
                probs.resize(static_cast<size_t>(nKv) * elem);
            toCache(sc, probs.data(), nKv);

            float* o = reinterpret_cast<float*>(outBase + static_cast<size_t>(i) * outStride) +
                       static_cast<int64_t>(h) * hd;
            const uint8_t* vHead = vBase + static_cast<size_t>(kvh) * hd * vStride;
            rowDots(nKv, vHead, vStride, hd, probs.data(), o);
        }
    };
    // Each (token, head) task is computed whole by one thread, so any split gives the same
    // result; a few pieces per thread let a free thread take over from a slow one.
    pool_.parallelForGrains(nTasks, std::max<int64_t>(1, nTasks / (4 * pool_.size())), work);
    return {};
}

} // namespace hearth::cpu
