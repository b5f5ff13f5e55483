#include "engine/vulkan/vk_descriptors.h"

#include "engine/vulkan/vk_errors.h"

namespace hearth::vk {

namespace {
constexpr uint32_t kSetsPerPool = 1024;
constexpr uint32_t kBuffersPerSet = 8; // the most bindings any shader has
} // namespace

DescriptorArena::~DescriptorArena() {
    for (VkDescriptorPool p : pools_)
        device_.fn().vkDestroyDescriptorPool(device_.handle(), p, nullptr);
}

Status DescriptorArena::addPool() {
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kSetsPerPool * kBuffersPerSet};
    VkDescriptorPoolCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    ci.maxSets = kSetsPerPool;
    ci.poolSizeCount = 1;
    ci.pPoolSizes = &size;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    if (auto s = check(device_.fn().vkCreateDescriptorPool(device_.handle(), &ci, nullptr, &pool),
                       "creating a descriptor pool");
        !s)
        return s;
    pools_.push_back(pool);
    return {};
}

Result<VkDescriptorSet> DescriptorArena::allocate(VkDescriptorSetLayout layout) {
    for (;;) {
        if (current_ >= pools_.size()) {
            if (auto s = addPool(); !s) return std::move(s).takeError();
        }
        VkDescriptorSetAllocateInfo ai{};
        ai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
        ai.descriptorPool = pools_[current_];
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        VkDescriptorSet set = VK_NULL_HANDLE;
        VkResult r = device_.fn().vkAllocateDescriptorSets(device_.handle(), &ai, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL)
            return check(r, "allocating a descriptor set").takeError();
        ++current_; // this pool is full: move on to the next (created on demand)
    }
}

void DescriptorArena::reset() {
    for (VkDescriptorPool p : pools_) device_.fn().vkResetDescriptorPool(device_.handle(), p, 0);
    current_ = 0;
}

} // namespace hearth::vk
