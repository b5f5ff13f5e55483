#include "engine/vulkan/vk_errors.h"

#include <string>

namespace hearth::vk {

const char* resultName(VkResult r) {
    switch (r) {
    case VK_SUCCESS:
        return "VK_SUCCESS";
    case VK_NOT_READY:
        return "VK_NOT_READY";
    case VK_TIMEOUT:
        return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
        return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
        return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED:
        return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT:
        return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
        return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
        return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
        return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS:
        return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FRAGMENTED_POOL:
        return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_OUT_OF_POOL_MEMORY:
        return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default:
        return "VkResult";
    }
}

bool isOutOfMemory(VkResult r) {
    return r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY;
}

Status check(VkResult r, const char* what) {
    if (r == VK_SUCCESS) return {};
    std::string reason;
    switch (r) {
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        reason = "out of GPU memory; offload fewer layers or use the CPU";
        break;
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        reason = "out of host memory";
        break;
    case VK_ERROR_DEVICE_LOST:
        reason = "the GPU device was lost (driver reset or crash); Hearth can continue on the CPU";
        break;
    default:
        reason = resultName(r);
        break;
    }
    return makeError(std::string("Vulkan: ") + what + " failed: " + reason + " (VkResult " +
                     std::to_string(static_cast<int>(r)) + ")");
}

} // namespace hearth::vk
