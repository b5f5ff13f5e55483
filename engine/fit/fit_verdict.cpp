#include "engine/fit/fit_verdict.h"

#include "engine/core/byte_size.h"
#include "engine/system/gpu_devices.h"
#include "engine/system/memory_info.h"

#include <algorithm>
#include <cstdio>

namespace hearth::fit {

namespace {

int64_t left(uint64_t have, uint64_t need) {
    return static_cast<int64_t>(have) - static_cast<int64_t>(need);
}

bool fits(const Placement& p, const MachineMemory& m, uint64_t hostMargin, uint64_t deviceMargin) {
    if (p.hostTotal() + hostMargin > m.ramAvailableBytes) return false;
    if (p.gpuLayers == 0) return true;
    return p.deviceTotal() + deviceMargin <= m.gpuBytes;
}

// The placement that fits with these margins, preferring more layers on the GPU; nullopt if none.
std::optional<Placement> bestPlacement(const ModelShape& s, const TensorPlan& plan,
                                       const EstimateOptions& o, const MachineMemory& m,
                                       uint64_t hostMargin, uint64_t deviceMargin) {
    const int64_t layers = static_cast<int64_t>(plan.layerBytes.size());
    const int64_t maxGpu = m.gpuBytes > 0 ? layers : 0;
    for (int64_t n = maxGpu; n >= 0; --n) {
        Placement p = placeLayers(s, plan, o, n);
        if (fits(p, m, hostMargin, deviceMargin)) return p;
    }
    return std::nullopt;
}

std::string describe(const FitResult& r, int64_t layers) {
    const Placement& p = r.placement;
    std::string where;
    switch (r.verdict) {
    case Verdict::FitsGpu:
        where = "fits in GPU";
        break;
    case Verdict::PartialOffload:
        where = "partial offload: " + std::to_string(p.gpuLayers) + " of " +
                std::to_string(layers) + " layers on the GPU";
        break;
    case Verdict::FitsRam:
        where = "fits in RAM";
        break;
    case Verdict::Tight:
        where = "tight";
        break;
    case Verdict::DoesNotFit:
        where = "does not fit";
        break;
    }
    std::string s = where + ": needs " + formatBytes(p.hostTotal()) + " RAM";
    if (p.gpuLayers > 0) s += " + " + formatBytes(p.deviceTotal()) + " VRAM";
    auto signedBytes = [](int64_t v) {
        return v < 0 ? "-" + formatBytes(static_cast<uint64_t>(-v))
                     : formatBytes(static_cast<uint64_t>(v));
    };
    s += "; leaves " + signedBytes(r.hostLeftBytes) + " RAM";
    if (p.gpuLayers > 0) s += ", " + signedBytes(r.deviceLeftBytes) + " VRAM";
    s += " (margin " + formatBytes(r.hostMargin);
    if (p.gpuLayers > 0) s += " / " + formatBytes(r.deviceMargin);
    s += ")";
    return s;
}

} // namespace

MachineMemory probeMachineMemory() {
    MachineMemory m;
    const MemoryInfo mem = memoryInfo();
    m.ramTotalBytes = mem.totalBytes;
    m.ramAvailableBytes = mem.availableBytes;
    const GpuReport gpus = probeGpuDevices();
    for (const auto& d : gpus.devices) {
        if (d.type == "cpu") continue;
        uint64_t bytes = 0;
        for (const auto& h : d.heaps)
            if (h.deviceLocal) bytes += h.budgetBytes ? h.budgetBytes : h.sizeBytes;
        if (bytes > m.gpuBytes) {
            m.gpuBytes = bytes;
            m.gpuName = d.name;
        }
    }
    return m;
}

uint64_t hostMarginBytes(const MachineMemory& m, const SafetyMargin& s) {
    return std::max(s.minHostBytes,
                    static_cast<uint64_t>(s.fraction * static_cast<double>(m.ramTotalBytes)));
}

uint64_t deviceMarginBytes(const MachineMemory& m, const SafetyMargin& s) {
    if (m.gpuBytes == 0) return 0;
    return std::max(s.minDeviceBytes,
                    static_cast<uint64_t>(s.fraction * static_cast<double>(m.gpuBytes)));
}

std::string_view verdictName(Verdict v) {
    switch (v) {
    case Verdict::FitsGpu:
        return "fits_gpu";
    case Verdict::PartialOffload:
        return "partial_offload";
    case Verdict::FitsRam:
        return "fits_ram";
    case Verdict::Tight:
        return "tight";
    case Verdict::DoesNotFit:
        return "does_not_fit";
    }
    return "does_not_fit";
}

FitResult judgeFit(const ModelShape& s, const TensorPlan& plan, const EstimateOptions& o,
                   const MachineMemory& m, const SafetyMargin& margin) {
    FitResult r;
    r.estimate = estimateMemory(s, plan, o);
    r.hostMargin = hostMarginBytes(m, margin);
    r.deviceMargin = deviceMarginBytes(m, margin);
    const int64_t layers = static_cast<int64_t>(plan.layerBytes.size());
    if (auto p = bestPlacement(s, plan, o, m, r.hostMargin, r.deviceMargin)) {
        r.placement = *p;
        r.verdict = p->gpuLayers == 0        ? Verdict::FitsRam
                    : p->gpuLayers == layers ? Verdict::FitsGpu
                                             : Verdict::PartialOffload;
    } else if (auto t = bestPlacement(s, plan, o, m, 0, 0)) {
        r.placement = *t;
        r.verdict = Verdict::Tight;
    } else {
        r.placement = placeLayers(s, plan, o, 0);
        r.verdict = Verdict::DoesNotFit;
    }
    r.hostLeftBytes = left(m.ramAvailableBytes, r.placement.hostTotal());
    r.deviceLeftBytes = left(m.gpuBytes, r.placement.deviceTotal());
    r.summary = describe(r, layers);
    return r;
}

int recommendedIndex(const std::vector<FitResult>& results) {
    int best = -1;
    for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i].comfortable()) continue;
        if (best < 0 || results[i].estimate.bitsPerWeight >
                            results[static_cast<size_t>(best)].estimate.bitsPerWeight)
            best = static_cast<int>(i);
    }
    return best;
}

std::vector<int64_t> contextSteps(int64_t nCtxTrain) {
    std::vector<int64_t> steps;
    for (int64_t c = 2048; c < nCtxTrain && c <= (int64_t{1} << 30); c *= 2) steps.push_back(c);
    if (nCtxTrain > 0) steps.push_back(nCtxTrain);
    return steps;
}

std::string formatBytes(uint64_t bytes) {
    return formatByteSize(bytes);
}

} // namespace hearth::fit
