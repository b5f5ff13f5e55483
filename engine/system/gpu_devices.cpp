#include "engine/system/gpu_devices.h"

namespace hearth {

uint64_t GpuDevice::deviceLocalBytes() const {
    uint64_t total = 0;
    for (const auto& h : heaps)
        if (h.deviceLocal) total += h.sizeBytes;
    return total;
}

#ifndef HEARTH_HAVE_VULKAN
GpuReport probeGpuDevices() {
    GpuReport r;
    r.message = "No Vulkan device: this build has no Vulkan backend (HEARTH_VULKAN=OFF).";
    return r;
}
#endif

} // namespace hearth
