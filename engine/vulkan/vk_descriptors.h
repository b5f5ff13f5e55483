#pragma once
// Descriptor sets for one submission: carved from pools that are reset (not freed) once the
// submission finished, so steady-state decoding allocates nothing new.
#include "engine/core/result.h"
#include "engine/vulkan/vk_device.h"

#include <vector>

namespace hearth::vk {

class DescriptorArena {
public:
    explicit DescriptorArena(Device& device) : device_(device) {}
    ~DescriptorArena();
    DescriptorArena(const DescriptorArena&) = delete;
    DescriptorArena& operator=(const DescriptorArena&) = delete;

    Result<VkDescriptorSet> allocate(VkDescriptorSetLayout layout);
    // Every set handed out becomes invalid; call only when the GPU is done with them.
    void reset();
    size_t poolCount() const { return pools_.size(); }

private:
    Status addPool();
    Device& device_;
    std::vector<VkDescriptorPool> pools_;
    size_t current_ = 0;
};

} // namespace hearth::vk
