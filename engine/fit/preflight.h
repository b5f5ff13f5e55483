#pragma once
// Preflight: the check a loader runs before it maps weights or allocates a KV cache, so that a
// model that cannot fit is refused with the numbers instead of taking the machine down.
#include "engine/core/result.h"
#include "engine/fit/fit_verdict.h"
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_file.h"

namespace hearth::fit {

// OK when the file, at this context length and cache type, with `gpuLayers` layers on the GPU,
// fits what is available now (the safety margin is not required: "tight" still loads). The error
// names what is needed and what is available, e.g.
// "model.gguf needs 9.12 GiB of RAM at context 8192 but 6.40 GiB is available; try a smaller
// context or quantization".
Status preflightLoad(const GgufFile& file, const EstimateOptions& options,
                     const MachineMemory& machine, int64_t gpuLayers = 0);

// The engine's two moments, checked against RAM available now (from the OS) and the device's own
// memory (`deviceBytes`, 0 = unknown or no device). A file whose shape the estimator cannot read
// passes: the loader's own checks then give the precise error.
//  - Model load: weights and runtime overhead, on the host and (the last gpuLayers) the device.
Status preflightModel(const GgufFile& file, int threads, int64_t gpuLayers, uint64_t deviceBytes);
//  - Context creation: the KV cache (F16, F32 or Q8_0) and scratch for `batch` tokens at nCtx.
Status preflightContext(const GgufFile& file, int64_t nCtx, GgmlType kvType, int64_t batch,
                        int threads, int64_t gpuLayers, uint64_t deviceBytes);

} // namespace hearth::fit
