#pragma once
// Memory heaps, the budget Hearth may fill, and memory-type choice for buffers.
#include "engine/core/result.h"
#include "engine/vulkan/vk_device.h"

#include <vector>

namespace hearth::vk {

struct HeapBudget {
    uint64_t sizeBytes = 0;
    uint64_t budgetBytes = 0; // what this process may use: driver's budget, else a share of size
    uint64_t usageBytes = 0;  // driver-reported use, or 0 when unknown
    bool deviceLocal = false;
    bool fromDriver = false; // budget came from VK_EXT_memory_budget
};

std::vector<HeapBudget> heapBudgets(const Device& device);

// Bytes Hearth may still place in device-local memory (the largest device-local heap's budget
// minus what it already allocated when the driver does not report usage).
uint64_t deviceLocalBudgetBytes(const Device& device);

// Index of a memory type allowed by typeBits having all `required` flags, preferring `preferred`.
Result<uint32_t> findMemoryType(const Device& device, uint32_t typeBits,
                                VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred);

} // namespace hearth::vk
