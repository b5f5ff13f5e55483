#pragma once
// The Vulkan devices this machine offers, for the System page, `hearth-cli system` and the
// memory-fit estimator. Works (and says why the list is empty) without a loader or a device.
#include <cstdint>
#include <string>
#include <vector>

namespace hearth {

struct GpuHeap {
    uint64_t sizeBytes = 0;
    uint64_t budgetBytes = 0; // VK_EXT_memory_budget when present, else 0
    bool deviceLocal = false;
};

struct GpuDevice {
    int index = 0;
    std::string name;
    std::string type; // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;
    std::string apiVersion; // "1.3.255"
    std::vector<GpuHeap> heaps;
    uint64_t deviceLocalBytes() const;
};

struct GpuReport {
    bool vulkanBuilt = false; // compiled with HEARTH_VULKAN
    bool loaderFound = false; // libvulkan could create an instance
    std::vector<GpuDevice> devices;
    std::string message; // why the list is empty, or "" when devices were found
};

GpuReport probeGpuDevices();

} // namespace hearth
