#pragma once
// The GPU backend layers are offloaded to (`--gpu-layers N` in hearth-cli, a chat's "GPU
// layers" setting): one factory for every caller, so all pick the device the same way.
#include "engine/core/result.h"
#include "engine/model/backend.h"

#include <QString>

#include <memory>

namespace hearth {

// The Vulkan backend on the automatically chosen device ($HEARTH_VULKAN_DEVICE), or an error
// that says why there is none (no loader, no device, a build without Vulkan).
Result<std::unique_ptr<Backend>> createGpuBackend();

// For `gpuLayers` > 0: a backend, or null with `*note` saying why the CPU runs everything.
// For `gpuLayers` <= 0: null, no note.
std::unique_ptr<Backend> makeGpuBackend(int gpuLayers, QString* note);

} // namespace hearth
