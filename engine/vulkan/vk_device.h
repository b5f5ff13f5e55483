#pragma once
// The logical device Hearth computes on: the chosen physical device, one compute queue, its
// limits and optional features (subgroups, 16/8-bit types, memory budget).
#include "engine/core/result.h"
#include "engine/vulkan/vk_instance.h"

#include <atomic>
#include <memory>
#include <string>

namespace hearth::vk {

struct DeviceInfo {
    int index = 0;
    std::string name;
    std::string type;
    uint32_t apiVersion = 0;
    uint64_t maxStorageBufferRange = 0;
    uint64_t minStorageBufferOffsetAlignment = 4;
    uint64_t nonCoherentAtomSize = 1;
    uint32_t maxWorkGroupCount[3] = {65535, 65535, 65535};
    uint32_t maxPushConstantsSize = 128;
    uint32_t subgroupSize = 1;
    bool subgroupArithmetic = false; // subgroupAdd/Max in compute shaders
    bool shaderFloat64 = false;      // double sums in the norms (as the CPU backend)
    bool shaderFloat16 = false;
    bool shaderInt8 = false;
    bool storage16Bit = false;
    bool storage8Bit = false;
    bool memoryBudget = false; // VK_EXT_memory_budget enabled
};

class Device {
public:
    // requestedIndex < 0: automatic (or HEARTH_VULKAN_DEVICE).
    static Result<std::unique_ptr<Device>> create(const Instance& instance, int requestedIndex);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const Instance& instance() const { return instance_; }
    VkPhysicalDevice physical() const { return physical_; }
    VkDevice handle() const { return device_; }
    VkQueue queue() const { return queue_; }
    uint32_t queueFamily() const { return queueFamily_; }
    const DeviceFunctions& fn() const { return fn_; }
    const DeviceInfo& info() const { return info_; }

    // After VK_ERROR_DEVICE_LOST nothing more is submitted; callers fall back to the CPU.
    bool lost() const { return lost_.load(); }
    void markLost() { lost_.store(true); }

    // Lowers maxStorageBufferRange (tests use it to exercise split bindings on small data).
    void capStorageRange(uint64_t bytes) {
        if (bytes >= 4096 && bytes < info_.maxStorageBufferRange)
            info_.maxStorageBufferRange = bytes;
    }

    // Bytes currently allocated through Buffer (for budget checks and reports).
    std::atomic<uint64_t> allocatedBytes{0};
    // When non-zero, device-local allocations that would take allocatedBytes over this fail as
    // the driver's out-of-memory does (tests and HEARTH_VULKAN_BUDGET_MIB use it to exercise
    // allocation failures on devices with plenty of memory).
    uint64_t forcedBudgetBytes = 0;

private:
    explicit Device(const Instance& instance) : instance_(instance) {}
    const Instance& instance_;
    VkPhysicalDevice physical_ = VK_NULL_HANDLE;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    uint32_t queueFamily_ = 0;
    DeviceFunctions fn_;
    DeviceInfo info_;
    std::atomic<bool> lost_{false};
};

} // namespace hearth::vk
