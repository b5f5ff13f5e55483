#include "engine/fit/engine_preflight.h"

#include "engine/fit/preflight.h"
#include "engine/system/cpu_info.h"

#include <algorithm>

namespace hearth::fit {

Status preflightModelLoad(const GgufFile& file, const ModelOptions& options) {
    const int threads =
        options.threads > 0 ? options.threads : std::max(1, cpuInfo().physicalCores);
    const bool device = options.device && options.gpuLayers > 0;
    return preflightModel(file, threads, device ? options.gpuLayers : 0,
                          device ? options.device->info().memoryBytes : 0);
}

Status preflightContextCreate(const Model& model, const ContextOptions& options) {
    const LayerPlacement& lp = model.placement();
    const int64_t gpuLayers = lp.device ? model.params().nLayer - lp.firstDeviceLayer : 0;
    const int64_t batch = std::clamp(options.maxBatch, 1, std::max(1, options.nCtx));
    return preflightContext(model.gguf(), options.nCtx, options.kvType, batch, model.threads(),
                            gpuLayers, lp.device ? lp.device->info().memoryBytes : 0);
}

} // namespace hearth::fit
