#pragma once
// "Auto" GPU layers: the most of a model's last layers whose device part (their weights, their
// KV cache at the context length, scratch and the driver's overhead, from placeLayers) fits the
// device's free memory with the safety margin left. The same estimate as the fit report.
#include "engine/core/result.h"
#include "engine/fit/fit_verdict.h"
#include "engine/fit/memory_estimate.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::fit {

// Device bytes of every placement: element n is placeLayers(..., n).deviceTotal(), n = 0..layers.
std::vector<uint64_t> deviceBytesByLayers(const ModelShape& shape, const TensorPlan& plan,
                                          const EstimateOptions& options);

struct GpuLayerFit {
    int64_t layers = 0;       // of the model's last layers to put on the device
    int64_t modelLayers = 0;  // the model's block count
    uint64_t deviceBytes = 0; // the device part of that placement (0 for none)
    uint64_t deviceFreeBytes = 0;
    uint64_t marginBytes = 0;   // left free on the device
    uint64_t oneLayerBytes = 0; // the device part with a single layer (why none fit)
    std::string summary;        // "2 of 2 layers: 420 MiB of 3.20 GiB free (margin 327 MiB)"
};

// The largest n whose device part plus the margin fits `deviceFreeBytes`; 0 when not even one.
GpuLayerFit fitGpuLayers(const ModelShape& shape, const TensorPlan& plan,
                         const EstimateOptions& options, uint64_t deviceFreeBytes,
                         const SafetyMargin& margin = {});

// The same for a GGUF as stored (its own tensor types); an error when its shape is unreadable.
Result<GpuLayerFit> fitGpuLayersForGguf(const GgufFile& file, const EstimateOptions& options,
                                        uint64_t deviceFreeBytes, const SafetyMargin& margin = {});

} // namespace hearth::fit
