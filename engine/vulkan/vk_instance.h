#pragma once
// The Vulkan instance, with the Khronos validation layer and a message counter when
// HEARTH_VULKAN_VALIDATION=1 (tests assert the counter stays at zero).
#include "engine/core/result.h"
#include "engine/vulkan/vk_functions.h"

#include <cstdint>
#include <memory>

namespace hearth::vk {

class Instance {
public:
    // validation: -1 = from HEARTH_VULKAN_VALIDATION, 0 = off, 1 = on (error if the layer is
    // missing).
    static Result<std::unique_ptr<Instance>> create(int validation = -1);
    ~Instance();
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    VkInstance handle() const { return instance_; }
    const InstanceFunctions& fn() const { return fn_; }
    bool validationEnabled() const { return messenger_ != VK_NULL_HANDLE; }

private:
    Instance() = default;
    VkInstance instance_ = VK_NULL_HANDLE;
    VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
    InstanceFunctions fn_;
};

// Validation messages seen in this process (all instances), by severity.
uint64_t validationErrorCount();
uint64_t validationWarningCount();

} // namespace hearth::vk
