#pragma once
// The Vulkan loader, opened at run time with dlopen so Hearth runs where no loader exists.
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <string>

namespace hearth::vk {

struct Loader {
    void* library = nullptr;
    PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
    PFN_vkCreateInstance createInstance = nullptr;
    PFN_vkEnumerateInstanceVersion enumerateInstanceVersion = nullptr;
    std::string error; // why loading failed
    bool ok() const { return getInstanceProcAddr != nullptr; }
};

// Opens libvulkan once per process; later calls return the same loader.
const Loader& loader();

} // namespace hearth::vk
