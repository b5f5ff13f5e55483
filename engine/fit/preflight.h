#pragma once
// Preflight: the check a loader runs before it maps weights or allocates a KV cache, so that a
// model that cannot fit is refused with the numbers instead of taking the machine down.
#include "engine/core/result.h"
#include "engine/fit/fit_verdict.h"
#include "engine/gguf/gguf_file.h"

namespace hearth::fit {

// OK when the file, at this context length and cache type, with `gpuLayers` layers on the GPU,
// fits what is available now (the safety margin is not required: "tight" still loads). The error
// names what is needed and what is available, e.g.
// "model.gguf needs 9.12 GiB of RAM at context 8192 but 6.40 GiB is available".
Status preflightLoad(const GgufFile& file, const EstimateOptions& options,
                     const MachineMemory& machine, int64_t gpuLayers = 0);

} // namespace hearth::fit
