#include "engine/vulkan/vulkan_loader.h"

#include <dlfcn.h>

namespace hearth::vk {

static Loader openLoader() {
    Loader l;
    for (const char* name : {"libvulkan.so.1", "libvulkan.so"}) {
        l.library = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (l.library) break;
    }
    if (!l.library) {
        l.error = "the Vulkan loader (libvulkan.so.1) is not installed";
        return l;
    }
    l.getInstanceProcAddr =
        reinterpret_cast<PFN_vkGetInstanceProcAddr>(::dlsym(l.library, "vkGetInstanceProcAddr"));
    if (!l.getInstanceProcAddr) {
        l.error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
        return l;
    }
    l.createInstance =
        reinterpret_cast<PFN_vkCreateInstance>(l.getInstanceProcAddr(nullptr, "vkCreateInstance"));
    l.enumerateInstanceVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
        l.getInstanceProcAddr(nullptr, "vkEnumerateInstanceVersion"));
    return l;
}

const Loader& loader() {
    static const Loader l = openLoader();
    return l;
}

} // namespace hearth::vk
