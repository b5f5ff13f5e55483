#include "engine/fit/preflight.h"

#include "engine/fit/model_shape.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"

namespace hearth::fit {

Status preflightLoad(const GgufFile& file, const EstimateOptions& options,
                     const MachineMemory& machine, int64_t gpuLayers) {
    auto shape = shapeFromGguf(file);
    if (!shape) return std::move(shape).takeError();
    auto plan = planAsStored(slotsFromGguf(file), *shape, "file");
    if (!plan) return std::move(plan).takeError();
    EstimateOptions o = options;
    if (o.ggufHeaderBytes == 0) o.ggufHeaderBytes = file.dataOffset();
    const Placement p = placeLayers(*shape, *plan, o, gpuLayers);
    const std::string what =
        (file.path().empty() ? std::string("the model") : file.path()) + " needs ";
    const std::string at = " at context " + std::to_string(o.nCtx);
    if (p.hostTotal() > machine.ramAvailableBytes)
        return makeError(what + formatBytes(p.hostTotal()) + " of RAM" + at + " but " +
                         formatBytes(machine.ramAvailableBytes) + " is available");
    if (p.gpuLayers > 0 && p.deviceTotal() > machine.gpuBytes)
        return makeError(what + formatBytes(p.deviceTotal()) + " of GPU memory for " +
                         std::to_string(p.gpuLayers) + " layers" + at + " but the GPU has " +
                         formatBytes(machine.gpuBytes));
    return {};
}

} // namespace hearth::fit
