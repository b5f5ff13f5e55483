#include "engine/vulkan/vk_memory.h"

#include <algorithm>

namespace hearth::vk {

std::vector<HeapBudget> heapBudgets(const Device& device) {
    const InstanceFunctions& fn = device.instance().fn();
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 props{};
    props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    if (device.info().memoryBudget) props.pNext = &budget;
    fn.vkGetPhysicalDeviceMemoryProperties2(device.physical(), &props);
    std::vector<HeapBudget> out;
    for (uint32_t i = 0; i < props.memoryProperties.memoryHeapCount; ++i) {
        const VkMemoryHeap& h = props.memoryProperties.memoryHeaps[i];
        HeapBudget b;
        b.sizeBytes = h.size;
        b.deviceLocal = h.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT;
        if (device.info().memoryBudget && budget.heapBudget[i] > 0) {
            b.budgetBytes = budget.heapBudget[i];
            b.usageBytes = budget.heapUsage[i];
            b.fromDriver = true;
        } else {
            // Without the extension, leave headroom for the desktop and other programs.
            b.budgetBytes = h.size / 10 * 8;
        }
        out.push_back(b);
    }
    return out;
}

uint64_t deviceLocalBudgetBytes(const Device& device) {
    uint64_t best = 0;
    for (const HeapBudget& h : heapBudgets(device)) {
        if (!h.deviceLocal) continue;
        uint64_t left;
        if (h.fromDriver)
            left = h.budgetBytes > h.usageBytes ? h.budgetBytes - h.usageBytes : 0;
        else
            left =
                h.budgetBytes > device.allocatedBytes ? h.budgetBytes - device.allocatedBytes : 0;
        if (left > best) best = left;
    }
    if (device.forcedBudgetBytes) {
        const uint64_t forced = device.forcedBudgetBytes > device.allocatedBytes
                                    ? device.forcedBudgetBytes - device.allocatedBytes
                                    : 0;
        best = std::min(best, forced);
    }
    return best;
}

Result<uint32_t> findMemoryType(const Device& device, uint32_t typeBits,
                                VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) {
    VkPhysicalDeviceMemoryProperties mp{};
    device.instance().fn().vkGetPhysicalDeviceMemoryProperties(device.physical(), &mp);
    int fallback = -1;
    for (uint32_t i = 0; i < mp.memoryTypeCount; ++i) {
        if (!(typeBits & (1u << i))) continue;
        const VkMemoryPropertyFlags f = mp.memoryTypes[i].propertyFlags;
        if ((f & required) != required) continue;
        if ((f & preferred) == preferred) return i;
        if (fallback < 0) fallback = static_cast<int>(i);
    }
    if (fallback < 0) return makeError("Vulkan: no memory type with the needed properties");
    return static_cast<uint32_t>(fallback);
}

} // namespace hearth::vk
