#pragma once
// The GPU backend layers are offloaded to (`--gpu-layers N|auto` in hearth-cli, a chat's "GPU
// layers" setting): one factory for every caller, so all pick the device the same way.
#include "engine/core/result.h"
#include "engine/model/backend.h"

#include <QString>

#include <memory>
#include <string>

namespace hearth {

// The "GPU layers" value that means: as many of the model's last layers as fit the device.
inline constexpr int kAutoGpuLayers = -1;

// "auto" -> kAutoGpuLayers; a whole number >= 0 -> itself; anything else -> an error that says
// what is accepted.
Result<int> parseGpuLayers(const QString& text);

// The Vulkan backend on the automatically chosen device ($HEARTH_VULKAN_DEVICE), or an error
// that says why there is none (no loader, no device, a build without Vulkan).
Result<std::unique_ptr<Backend>> createGpuBackend();

// For `gpuLayers` > 0: a backend, or null with `*note` saying why the CPU runs everything.
// For `gpuLayers` <= 0: null, no note.
std::unique_ptr<Backend> makeGpuBackend(int gpuLayers, QString* note);

// Where a model's layers go: a backend and how many of the last layers it holds.
struct GpuPlan {
    std::unique_ptr<Backend> backend; // null: the CPU runs everything
    int layers = 0;                   // 0 when `backend` is null
    bool automatic = false;           // chosen by the fit estimate ("auto")
    QString note;                     // why fewer layers than asked, or none, run on the GPU
};

// `requested` > 0: that many layers (makeGpuBackend). kAutoGpuLayers: the most of the model's
// last layers whose device part (engine/fit: weights, KV cache at `nCtx`, scratch) fits the
// device's free memory with the safety margin; a CPU-type device (lavapipe) gets none unless
// HEARTH_VULKAN_ALLOW_CPU_DEVICE=1. Otherwise the CPU, no note. `threads` 0: one per core.
GpuPlan planGpuLayers(int requested, const std::string& ggufPath, int nCtx, int threads = 0);

} // namespace hearth
