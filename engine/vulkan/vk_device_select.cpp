#include "engine/vulkan/vk_device_select.h"

#include <cstdlib>

namespace hearth::vk {

int deviceTypeRank(const std::string& type) {
    if (type == "discrete") return 0;
    if (type == "integrated") return 1;
    if (type == "virtual") return 2;
    if (type == "cpu") return 3;
    return 4;
}

static bool usable(const DeviceCandidate& c) {
    return c.hasComputeQueue && c.apiAtLeast12;
}

Result<int> selectDevice(const std::vector<DeviceCandidate>& candidates, int requested) {
    if (requested >= 0) {
        for (const auto& c : candidates) {
            if (c.index != requested) continue;
            if (!usable(c))
                return makeError("Vulkan device " + std::to_string(requested) + " (" + c.name +
                                 ") cannot run Hearth: it needs Vulkan 1.2 and a compute queue");
            return c.index;
        }
        return makeError("Vulkan device " + std::to_string(requested) + " does not exist (" +
                         std::to_string(candidates.size()) + " device(s) found)");
    }
    int best = -1;
    int bestRank = 1 << 30;
    for (const auto& c : candidates) {
        if (!usable(c)) continue;
        const int rank = deviceTypeRank(c.type);
        if (rank < bestRank) { // ties keep the lower index: the driver's own order
            best = c.index;
            bestRank = rank;
        }
    }
    if (best < 0) return makeError("No usable Vulkan device (Vulkan 1.2 with a compute queue)");
    return best;
}

Result<int> requestedDeviceIndex(int optionIndex) {
    if (optionIndex >= 0) return optionIndex;
    const char* env = std::getenv("HEARTH_VULKAN_DEVICE");
    if (!env || !*env) return -1;
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 0 || v > 1000)
        return makeError(std::string("HEARTH_VULKAN_DEVICE must be a device index (0, 1, ...), "
                                     "not \"") +
                         env + "\"");
    return static_cast<int>(v);
}

} // namespace hearth::vk
