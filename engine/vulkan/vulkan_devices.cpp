// probeGpuDevices() for Vulkan builds: a throw-away instance that lists physical devices.
#include "engine/system/gpu_devices.h"
#include "engine/vulkan/vulkan_loader.h"

#include <cstring>
#include <vector>

namespace hearth {
namespace {

std::string versionString(uint32_t v) {
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
           "." + std::to_string(VK_API_VERSION_PATCH(v));
}

std::string typeName(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "cpu";
    default:
        return "other";
    }
}

} // namespace

GpuReport probeGpuDevices() {
    GpuReport r;
    r.vulkanBuilt = true;
    const vk::Loader& l = vk::loader();
    if (!l.ok() || !l.createInstance) {
        r.message = "No Vulkan device: " + l.error + ". Hearth runs on the CPU.";
        return r;
    }
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "Hearth";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pApplicationInfo = &app;
    VkInstance instance = VK_NULL_HANDLE;
    if (VkResult res = l.createInstance(&ci, nullptr, &instance); res != VK_SUCCESS) {
        r.message = "No Vulkan device: creating a Vulkan instance failed (VkResult " +
                    std::to_string(res) + "). Hearth runs on the CPU.";
        return r;
    }
    r.loaderFound = true;
    auto gipa = l.getInstanceProcAddr;
    auto enumerate = reinterpret_cast<PFN_vkEnumeratePhysicalDevices>(
        gipa(instance, "vkEnumeratePhysicalDevices"));
    auto props = reinterpret_cast<PFN_vkGetPhysicalDeviceProperties2>(
        gipa(instance, "vkGetPhysicalDeviceProperties2"));
    auto memProps = reinterpret_cast<PFN_vkGetPhysicalDeviceMemoryProperties>(
        gipa(instance, "vkGetPhysicalDeviceMemoryProperties"));
    auto destroy = reinterpret_cast<PFN_vkDestroyInstance>(gipa(instance, "vkDestroyInstance"));
    auto memProps2 = reinterpret_cast<PFN_vkGetPhysicalDeviceMemoryProperties2>(
        gipa(instance, "vkGetPhysicalDeviceMemoryProperties2"));
    auto extensions = reinterpret_cast<PFN_vkEnumerateDeviceExtensionProperties>(
        gipa(instance, "vkEnumerateDeviceExtensionProperties"));
    uint32_t count = 0;
    if (enumerate && props && memProps) enumerate(instance, &count, nullptr);
    std::vector<VkPhysicalDevice> devices(count);
    if (count) enumerate(instance, &count, devices.data());
    for (uint32_t i = 0; i < count; ++i) {
        VkPhysicalDeviceDriverProperties driver{};
        driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
        VkPhysicalDeviceProperties2 p2{};
        p2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
        p2.pNext = &driver;
        props(devices[i], &p2);
        VkPhysicalDeviceMemoryProperties mp{};
        memProps(devices[i], &mp);
        GpuDevice d;
        d.index = static_cast<int>(i);
        d.name = p2.properties.deviceName;
        d.type = typeName(p2.properties.deviceType);
        d.apiVersion = versionString(p2.properties.apiVersion);
        d.driver = std::string(driver.driverName) +
                   (driver.driverInfo[0] ? std::string(" ") + driver.driverInfo : "");
        // The driver's per-heap budget where VK_EXT_memory_budget exists (else left at 0).
        VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
        budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
        bool hasBudget = false;
        if (memProps2 && extensions) {
            uint32_t n = 0;
            extensions(devices[i], nullptr, &n, nullptr);
            std::vector<VkExtensionProperties> ext(n);
            extensions(devices[i], nullptr, &n, ext.data());
            for (const auto& e : ext)
                if (std::strcmp(e.extensionName, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME) == 0)
                    hasBudget = true;
            if (hasBudget) {
                VkPhysicalDeviceMemoryProperties2 mp2{};
                mp2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
                mp2.pNext = &budget;
                memProps2(devices[i], &mp2);
            }
        }
        for (uint32_t h = 0; h < mp.memoryHeapCount; ++h) {
            GpuHeap heap;
            heap.sizeBytes = mp.memoryHeaps[h].size;
            heap.budgetBytes = hasBudget ? budget.heapBudget[h] : 0;
            heap.deviceLocal = mp.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT;
            d.heaps.push_back(heap);
        }
        r.devices.push_back(std::move(d));
    }
    if (destroy) destroy(instance, nullptr);
    if (r.devices.empty())
        r.message =
            "No Vulkan device: the Vulkan loader found no physical device. Hearth runs on the CPU.";
    return r;
}

} // namespace hearth
