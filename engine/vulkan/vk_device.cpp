#include "engine/vulkan/vk_device.h"

#include "engine/vulkan/vk_device_select.h"
#include "engine/vulkan/vk_errors.h"

#include <cstring>
#include <vector>

namespace hearth::vk {
namespace {

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

// A compute-capable family; prefer one without graphics (async compute on discrete GPUs).
int computeQueueFamily(const InstanceFunctions& fn, VkPhysicalDevice pd) {
    uint32_t n = 0;
    fn.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, nullptr);
    std::vector<VkQueueFamilyProperties> families(n);
    fn.vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, families.data());
    int any = -1;
    for (uint32_t i = 0; i < n; ++i) {
        if (!(families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) || families[i].queueCount == 0)
            continue;
        if (!(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) return static_cast<int>(i);
        if (any < 0) any = static_cast<int>(i);
    }
    return any;
}

bool hasExtension(const InstanceFunctions& fn, VkPhysicalDevice pd, const char* name) {
    uint32_t n = 0;
    fn.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    fn.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data());
    for (const auto& e : ext)
        if (std::strcmp(e.extensionName, name) == 0) return true;
    return false;
}

} // namespace

Result<std::unique_ptr<Device>> Device::create(const Instance& instance, int requestedIndex) {
    const InstanceFunctions& fn = instance.fn();
    uint32_t count = 0;
    if (auto s = check(fn.vkEnumeratePhysicalDevices(instance.handle(), &count, nullptr),
                       "listing devices");
        !s)
        return std::move(s).takeError();
    std::vector<VkPhysicalDevice> physicals(count);
    if (count) fn.vkEnumeratePhysicalDevices(instance.handle(), &count, physicals.data());
    if (physicals.empty()) return makeError("No Vulkan device: the loader found no device");

    std::vector<DeviceCandidate> candidates;
    for (uint32_t i = 0; i < count; ++i) {
        VkPhysicalDeviceProperties p{};
        fn.vkGetPhysicalDeviceProperties(physicals[i], &p);
        DeviceCandidate c;
        c.index = static_cast<int>(i);
        c.name = p.deviceName;
        c.type = typeName(p.deviceType);
        c.hasComputeQueue = computeQueueFamily(fn, physicals[i]) >= 0;
        c.apiAtLeast12 = p.apiVersion >= VK_API_VERSION_1_2;
        candidates.push_back(c);
    }
    auto requested = requestedDeviceIndex(requestedIndex);
    if (!requested) return std::move(requested).takeError();
    auto chosen = selectDevice(candidates, *requested);
    if (!chosen) return std::move(chosen).takeError();

    std::unique_ptr<Device> d(new Device(instance));
    d->physical_ = physicals[*chosen];
    d->queueFamily_ = static_cast<uint32_t>(computeQueueFamily(fn, d->physical_));

    // Properties and features worth knowing about.
    VkPhysicalDeviceSubgroupProperties subgroup{};
    subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceProperties2 props{};
    props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    props.pNext = &subgroup;
    fn.vkGetPhysicalDeviceProperties2(d->physical_, &props);
    VkPhysicalDeviceVulkan12Features f12{};
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    VkPhysicalDeviceVulkan11Features f11{};
    f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
    f11.pNext = &f12;
    VkPhysicalDeviceFeatures2 features{};
    features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features.pNext = &f11;
    fn.vkGetPhysicalDeviceFeatures2(d->physical_, &features);

    DeviceInfo& info = d->info_;
    const VkPhysicalDeviceLimits& lim = props.properties.limits;
    info.index = *chosen;
    info.name = props.properties.deviceName;
    info.type = typeName(props.properties.deviceType);
    info.apiVersion = props.properties.apiVersion;
    info.maxStorageBufferRange = lim.maxStorageBufferRange;
    info.minStorageBufferOffsetAlignment = lim.minStorageBufferOffsetAlignment;
    info.nonCoherentAtomSize = lim.nonCoherentAtomSize;
    for (int i = 0; i < 3; ++i) info.maxWorkGroupCount[i] = lim.maxComputeWorkGroupCount[i];
    info.maxPushConstantsSize = lim.maxPushConstantsSize;
    info.subgroupSize = subgroup.subgroupSize;
    info.subgroupArithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                              (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    info.shaderFloat64 = features.features.shaderFloat64;
    info.shaderFloat16 = f12.shaderFloat16;
    info.shaderInt8 = f12.shaderInt8;
    info.storage16Bit = f11.storageBuffer16BitAccess;
    info.storage8Bit = f12.storageBuffer8BitAccess;

    std::vector<const char*> extensions;
    if (hasExtension(fn, d->physical_, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME)) {
        extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
        info.memoryBudget = true;
    }

    // Enable only what the shaders may use; all of it is optional.
    VkPhysicalDeviceVulkan12Features enable12{};
    enable12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    enable12.shaderFloat16 = f12.shaderFloat16;
    enable12.shaderInt8 = f12.shaderInt8;
    enable12.storageBuffer8BitAccess = f12.storageBuffer8BitAccess;
    VkPhysicalDeviceVulkan11Features enable11{};
    enable11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
    enable11.storageBuffer16BitAccess = f11.storageBuffer16BitAccess;
    enable11.pNext = &enable12;
    VkPhysicalDeviceFeatures2 enable{};
    enable.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    enable.pNext = &enable11;
    enable.features.shaderFloat64 = features.features.shaderFloat64;

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo qci{};
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = d->queueFamily_;
    qci.queueCount = 1;
    qci.pQueuePriorities = &priority;
    VkDeviceCreateInfo dci{};
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    dci.pNext = &enable;
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    dci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    dci.ppEnabledExtensionNames = extensions.data();
    if (auto s = check(fn.vkCreateDevice(d->physical_, &dci, nullptr, &d->device_),
                       "creating the device");
        !s)
        return std::move(s).takeError();
    if (std::string missing = loadDeviceFunctions(fn, d->device_, d->fn_); !missing.empty())
        return makeError("Vulkan: the driver lacks " + missing);
    d->fn_.vkGetDeviceQueue(d->device_, d->queueFamily_, 0, &d->queue_);
    return d;
}

Device::~Device() {
    if (device_) {
        fn_.vkDeviceWaitIdle(device_);
        fn_.vkDestroyDevice(device_, nullptr);
    }
}

} // namespace hearth::vk
