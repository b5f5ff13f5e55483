#include "engine/vulkan/vk_functions.h"

namespace hearth::vk {

std::string loadInstanceFunctions(VkInstance instance, InstanceFunctions& out) {
    auto gipa = loader().getInstanceProcAddr;
    if (!gipa) return "vkGetInstanceProcAddr";
#define HEARTH_VK_LOAD(name)                                                                       \
    out.name = reinterpret_cast<PFN_##name>(gipa(instance, #name));                                \
    if (!out.name) return #name;
    HEARTH_VK_INSTANCE_FUNCTIONS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
    out.vkCreateDebugUtilsMessengerEXT = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        gipa(instance, "vkCreateDebugUtilsMessengerEXT"));
    out.vkDestroyDebugUtilsMessengerEXT = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        gipa(instance, "vkDestroyDebugUtilsMessengerEXT"));
    return {};
}

std::string loadDeviceFunctions(const InstanceFunctions& inst, VkDevice device,
                                DeviceFunctions& out) {
#define HEARTH_VK_LOAD(name)                                                                       \
    out.name = reinterpret_cast<PFN_##name>(inst.vkGetDeviceProcAddr(device, #name));              \
    if (!out.name) return #name;
    HEARTH_VK_DEVICE_FUNCTIONS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
    return {};
}

} // namespace hearth::vk
