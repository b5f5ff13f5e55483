#include "app/core/gpu_backend.h"

#if HEARTH_HAVE_VULKAN
#include "engine/vulkan/vulkan_backend.h"
#endif

namespace hearth {

Result<std::unique_ptr<Backend>> createGpuBackend() {
#if HEARTH_HAVE_VULKAN
    auto vb = vk::VulkanBackend::create();
    if (!vb) return makeError("no usable GPU (" + vb.error() + ")");
    return std::unique_ptr<Backend>(std::move(vb).value());
#else
    return makeError("this build has no GPU backend");
#endif
}

std::unique_ptr<Backend> makeGpuBackend(int gpuLayers, QString* note) {
    if (gpuLayers <= 0) return nullptr;
    auto gpu = createGpuBackend();
    if (gpu) return std::move(gpu).value();
    if (note) *note = QString::fromStdString(gpu.error()) + QStringLiteral("; running on the CPU");
    return nullptr;
}

} // namespace hearth
