#pragma once
// Which physical device Hearth uses: discrete > integrated > virtual > CPU implementations,
// unless the user names one by index (setting, or env HEARTH_VULKAN_DEVICE).
#include "engine/core/result.h"

#include <string>
#include <vector>

namespace hearth::vk {

struct DeviceCandidate {
    int index = 0;
    std::string name;
    std::string type; // "discrete", "integrated", "virtual", "cpu", "other"
    bool hasComputeQueue = true;
    bool apiAtLeast12 = true;
};

// Lower is better.
int deviceTypeRank(const std::string& type);

// requested < 0: automatic. Errors when the requested index does not exist or is unusable,
// or when no candidate is usable.
Result<int> selectDevice(const std::vector<DeviceCandidate>& candidates, int requested);

// The explicit request: `optionIndex` when >= 0, else HEARTH_VULKAN_DEVICE, else -1.
// Errors on a malformed environment value.
Result<int> requestedDeviceIndex(int optionIndex);

} // namespace hearth::vk
