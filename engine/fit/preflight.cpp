#include "engine/fit/preflight.h"

#include "engine/fit/model_shape.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"
#include "engine/system/memory_info.h"

#include <algorithm>
#include <optional>

namespace hearth::fit {

namespace {

constexpr const char* kHint = "; try a smaller context or quantization";

std::string modelName(const GgufFile& file) {
    return file.path().empty() ? std::string("the model") : file.path();
}

// The placement the engine will make, or nothing when the estimator cannot read this file.
std::optional<Placement> enginePlacement(const GgufFile& file, const EstimateOptions& options,
                                         int64_t gpuLayers) {
    auto m = storedModelFromGguf(file, options);
    if (!m) return std::nullopt;
    return placeLayers(m->shape, m->plan, m->options,
                       std::clamp<int64_t>(gpuLayers, 0, m->shape.nLayer));
}

std::optional<KvCacheType> kvTypeOf(GgmlType t) {
    switch (t) {
    case GgmlType::F16:
        return KvCacheType::F16;
    case GgmlType::F32:
        return KvCacheType::F32;
    case GgmlType::Q8_0:
        return KvCacheType::Q8_0;
    default:
        return std::nullopt;
    }
}

} // namespace

Status preflightLoad(const GgufFile& file, const EstimateOptions& options,
                     const MachineMemory& machine, int64_t gpuLayers) {
    auto m = storedModelFromGguf(file, options);
    if (!m) return std::move(m).takeError();
    const EstimateOptions& o = m->options;
    const Placement p = placeLayers(m->shape, m->plan, o, gpuLayers);
    const std::string what = modelName(file) + " needs ";
    const std::string at = " at context " + std::to_string(o.nCtx);
    if (p.hostTotal() > machine.ramAvailableBytes)
        return makeError(what + formatBytes(p.hostTotal()) + " of RAM" + at + " but " +
                         formatBytes(machine.ramAvailableBytes) + " is available" + kHint);
    if (p.gpuLayers > 0 && p.deviceTotal() > machine.gpuBytes)
        return makeError(what + formatBytes(p.deviceTotal()) + " of GPU memory for " +
                         std::to_string(p.gpuLayers) + " layers" + at + " but the GPU has " +
                         formatBytes(machine.gpuBytes) + "; try fewer GPU layers, a smaller " +
                         "context or quantization");
    return {};
}

Status preflightModel(const GgufFile& file, int threads, int64_t gpuLayers, uint64_t deviceBytes) {
    EstimateOptions o;
    o.nCtx = 1; // the context is checked when it is created
    o.batch = 1;
    o.threads = std::max(1, threads);
    const auto p = enginePlacement(file, o, gpuLayers);
    if (!p) return {};
    const uint64_t host = p->hostWeights + p->hostOverhead;
    const uint64_t available = memoryInfo().availableBytes;
    if (host > available)
        return makeError(modelName(file) + " needs " + formatBytes(host) +
                         " of RAM for its weights but " + formatBytes(available) +
                         " is available; try a smaller quantization");
    const uint64_t device = p->deviceWeights + p->deviceOverhead;
    if (p->gpuLayers > 0 && deviceBytes > 0 && device > deviceBytes)
        return makeError(modelName(file) + " needs " + formatBytes(device) + " of GPU memory for " +
                         std::to_string(p->gpuLayers) + " layers but the GPU has " +
                         formatBytes(deviceBytes) +
                         "; try fewer GPU layers or a smaller quantization");
    return {};
}

Status preflightContext(const GgufFile& file, int64_t nCtx, GgmlType kvType, int64_t batch,
                        int threads, int64_t gpuLayers, uint64_t deviceBytes) {
    const auto kv = kvTypeOf(kvType);
    if (!kv || nCtx <= 0 || batch <= 0) return {}; // the context's own checks say why
    EstimateOptions o;
    o.nCtx = nCtx;
    o.kvType = *kv;
    o.batch = batch;
    o.threads = std::max(1, threads);
    const auto p = enginePlacement(file, o, gpuLayers);
    if (!p) return {};
    const std::string at = "a context of " + std::to_string(nCtx) + " tokens needs ";
    const uint64_t host = p->hostKv + p->hostCompute;
    const uint64_t available = memoryInfo().availableBytes;
    if (host > available)
        return makeError(at + formatBytes(host) + " of RAM (KV cache " + formatBytes(p->hostKv) +
                         ", scratch " + formatBytes(p->hostCompute) + ") but " +
                         formatBytes(available) + " is available" + kHint);
    const uint64_t device = p->deviceKv + p->deviceCompute;
    if (p->gpuLayers > 0 && deviceBytes > 0 && device > deviceBytes)
        return makeError(at + formatBytes(device) + " of GPU memory (KV cache " +
                         formatBytes(p->deviceKv) + ", scratch " + formatBytes(p->deviceCompute) +
                         ") but the GPU has " + formatBytes(deviceBytes) +
                         "; try fewer GPU layers, a smaller context or quantization");
    return {};
}

} // namespace hearth::fit
