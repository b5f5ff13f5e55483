#include "engine/fit/gpu_layer_fit.h"

#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"

namespace hearth::fit {

std::vector<uint64_t> deviceBytesByLayers(const ModelShape& shape, const TensorPlan& plan,
                                          const EstimateOptions& options) {
    const int64_t layers = static_cast<int64_t>(plan.layerBytes.size());
    std::vector<uint64_t> bytes;
    bytes.reserve(static_cast<size_t>(layers) + 1);
    for (int64_t n = 0; n <= layers; ++n)
        bytes.push_back(placeLayers(shape, plan, options, n).deviceTotal());
    return bytes;
}

GpuLayerFit fitGpuLayers(const ModelShape& shape, const TensorPlan& plan,
                         const EstimateOptions& options, uint64_t deviceFreeBytes,
                         const SafetyMargin& margin) {
    GpuLayerFit f;
    f.modelLayers = static_cast<int64_t>(plan.layerBytes.size());
    f.deviceFreeBytes = deviceFreeBytes;
    MachineMemory device;
    device.gpuBytes = deviceFreeBytes;
    f.marginBytes = deviceMarginBytes(device, margin);
    const std::vector<uint64_t> bytes = deviceBytesByLayers(shape, plan, options);
    if (bytes.size() > 1) f.oneLayerBytes = bytes[1];
    // The device part grows with n, but scan from the top rather than rely on it.
    for (int64_t n = f.modelLayers; n > 0; --n) {
        const uint64_t need = bytes[static_cast<size_t>(n)];
        if (deviceFreeBytes > 0 && need + f.marginBytes <= deviceFreeBytes) {
            f.layers = n;
            f.deviceBytes = need;
            break;
        }
    }
    const std::string free =
        formatBytes(deviceFreeBytes) + " free (margin " + formatBytes(f.marginBytes) + ")";
    if (f.layers > 0)
        f.summary = std::to_string(f.layers) + " of " + std::to_string(f.modelLayers) +
                    " layers: " + formatBytes(f.deviceBytes) + " of " + free;
    else
        f.summary = "no layer fits: one needs " + formatBytes(f.oneLayerBytes) + " of " + free;
    return f;
}

Result<GpuLayerFit> fitGpuLayersForGguf(const GgufFile& file, const EstimateOptions& options,
                                        uint64_t deviceFreeBytes, const SafetyMargin& margin) {
    auto m = storedModelFromGguf(file, options);
    if (!m) return std::move(m).takeError();
    return fitGpuLayers(m->shape, m->plan, m->options, deviceFreeBytes, margin);
}

} // namespace hearth::fit
