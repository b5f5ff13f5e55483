#include "engine/fit/memory_estimate.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace hearth::fit {

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kLogitRows = 32; // model_context.cpp computes logits this many rows at a time

uint64_t u(int64_t v) {
    return v > 0 ? static_cast<uint64_t>(v) : 0;
}

// Bytes of one cache row of n elements; Q8_0 rows that its 32-blocks do not divide are padded.
uint64_t rowBytes(KvCacheType t, int64_t n) {
    switch (t) {
    case KvCacheType::F32:
        return u(n) * 4;
    case KvCacheType::F16:
        return u(n) * 2;
    case KvCacheType::Q8_0:
        return (u(n) + 31) / 32 * 34;
    }
    return u(n) * 2;
}

int64_t batchTokens(int64_t nCtx, int64_t batch) {
    return std::max<int64_t>(1, std::min(nCtx, batch));
}

} // namespace

std::string_view kvCacheTypeName(KvCacheType t) {
    switch (t) {
    case KvCacheType::F16:
        return "f16";
    case KvCacheType::Q8_0:
        return "q8_0";
    case KvCacheType::F32:
        return "f32";
    }
    return "f16";
}

std::optional<KvCacheType> kvCacheTypeFromName(std::string_view name) {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto t : {KvCacheType::F16, KvCacheType::Q8_0, KvCacheType::F32})
        if (kvCacheTypeName(t) == lower) return t;
    return std::nullopt;
}

uint64_t kvCacheBytes(const ModelShape& s, int64_t nCtx, KvCacheType type, int64_t layers) {
    const uint64_t perToken =
        rowBytes(type, s.nHeadKv * s.headDimK) + rowBytes(type, s.nHeadKv * s.headDimV);
    return u(layers) * u(nCtx) * perToken;
}

uint64_t kvCacheBytes(const ModelShape& s, int64_t nCtx, KvCacheType type) {
    return kvCacheBytes(s, nCtx, type, s.nLayer);
}

uint64_t computeBytes(const ModelShape& s, int64_t nCtx, int64_t batch, int threads) {
    const uint64_t b = u(batchTokens(nCtx, batch));
    const uint64_t f = 4; // F32 activations
    const uint64_t qkv = u(s.nHead * s.headDimK + 2 * s.nHeadKv * s.headDimK);
    const uint64_t workspace =
        b * (2 * u(s.nEmbd) + qkv + u(s.nHead * s.headDimV) + 2 * u(s.nFf)) * f +
        std::min<uint64_t>(b, kLogitRows) * u(s.nVocab) * f;
    const uint64_t quantized = b * u(std::max(s.nEmbd, s.nFf)) * 292 / 256;
    const uint64_t attentionRows = u(std::max(threads, 1)) * u(nCtx) * 8;
    const uint64_t logitsOut = u(s.nVocab) * f;
    return workspace + quantized + attentionRows + logitsOut;
}

uint64_t estimatedHeaderBytes(const ModelShape& s) {
    return u(s.nVocab) * 64 + 64 * 1024;
}

uint64_t hostOverheadBytes(const ModelShape& s, uint64_t ggufHeaderBytes) {
    const uint64_t header = ggufHeaderBytes ? ggufHeaderBytes : estimatedHeaderBytes(s);
    return 64 * kMiB + header + u(s.nVocab) * 128;
}

uint64_t deviceOverheadBytes() {
    return 256 * kMiB;
}

Placement placeLayers(const ModelShape& s, const TensorPlan& plan, const EstimateOptions& o,
                      int64_t gpuLayers) {
    Placement p;
    const int64_t m = static_cast<int64_t>(plan.layerBytes.size());
    const int64_t n = std::clamp<int64_t>(gpuLayers, 0, m);
    p.gpuLayers = n;
    p.hostWeights = plan.inputBytes;
    for (int64_t i = 0; i < m; ++i)
        (i < m - n ? p.hostWeights : p.deviceWeights) += plan.layerBytes[static_cast<size_t>(i)];
    (n > 0 ? p.deviceWeights : p.hostWeights) += plan.outputBytes;
    // A tied head multiplies by the embedding matrix, so the device needs its own copy of it.
    if (n > 0 && s.tiedEmbeddings) p.deviceWeights += plan.embeddingBytes;
    p.hostKv = kvCacheBytes(s, o.nCtx, o.kvType, m - n);
    p.deviceKv = kvCacheBytes(s, o.nCtx, o.kvType, n);
    const uint64_t full = computeBytes(s, o.nCtx, o.batch, o.threads);
    if (n == 0) {
        p.hostCompute = full;
    } else {
        p.deviceCompute = full;
        // With every block on the device the host only gathers embedding rows and receives logits.
        const uint64_t b = u(batchTokens(o.nCtx, o.batch));
        p.hostCompute = n == m ? b * u(2 * s.nEmbd + s.nVocab) * 4 : full;
        p.deviceOverhead = deviceOverheadBytes();
    }
    p.hostOverhead = hostOverheadBytes(s, o.ggufHeaderBytes);
    return p;
}

MemoryEstimate estimateMemory(const ModelShape& s, const TensorPlan& plan,
                              const EstimateOptions& o) {
    MemoryEstimate e;
    e.variant = plan.variant;
    e.nCtx = o.nCtx;
    e.nLayer = s.nLayer;
    e.bitsPerWeight = plan.bitsPerWeight();
    e.weightsBytes = plan.totalBytes;
    e.kvBytes = kvCacheBytes(s, o.nCtx, o.kvType);
    e.computeBytes = computeBytes(s, o.nCtx, o.batch, o.threads);
    e.overheadBytes = hostOverheadBytes(s, o.ggufHeaderBytes);
    return e;
}

Result<StoredModel> storedModelFromGguf(const GgufFile& file, const EstimateOptions& options) {
    auto shape = shapeFromGguf(file);
    if (!shape) return std::move(shape).takeError();
    auto plan = planAsStored(slotsFromGguf(file), *shape, "file");
    if (!plan) return std::move(plan).takeError();
    StoredModel m{std::move(shape).value(), std::move(plan).value(), options};
    if (m.options.ggufHeaderBytes == 0) m.options.ggufHeaderBytes = file.dataOffset();
    return m;
}

} // namespace hearth::fit
