#include "engine/vulkan/vk_commands.h"

#include "engine/vulkan/vk_errors.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace hearth::vk {

Result<std::unique_ptr<CommandStream>> CommandStream::create(Device& device) {
    std::unique_ptr<CommandStream> s(new CommandStream(device));
    const DeviceFunctions& fn = device.fn();
    VkCommandPoolCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pci.queueFamilyIndex = device.queueFamily();
    if (auto st = check(fn.vkCreateCommandPool(device.handle(), &pci, nullptr, &s->pool_),
                        "creating a command pool");
        !st)
        return std::move(st).takeError();
    VkCommandBufferAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    ai.commandPool = s->pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    if (auto st = check(fn.vkAllocateCommandBuffers(device.handle(), &ai, &s->cmd_),
                        "allocating a command buffer");
        !st)
        return std::move(st).takeError();
    VkFenceCreateInfo fci{};
    fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    if (auto st =
            check(fn.vkCreateFence(device.handle(), &fci, nullptr, &s->fence_), "creating a fence");
        !st)
        return std::move(st).takeError();
    return s;
}

CommandStream::~CommandStream() {
    const DeviceFunctions& fn = device_.fn();
    if (recording_) fn.vkEndCommandBuffer(cmd_);
    if (fence_) fn.vkDestroyFence(device_.handle(), fence_, nullptr);
    if (pool_) fn.vkDestroyCommandPool(device_.handle(), pool_, nullptr);
}

Status CommandStream::begin() {
    if (recording_) return {};
    if (device_.lost()) return makeError("Vulkan: the GPU device was lost earlier");
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    if (auto s = check(device_.fn().vkBeginCommandBuffer(cmd_, &bi), "recording commands"); !s)
        return s;
    recording_ = true;
    dispatches_ = 0;
    return {};
}

void CommandStream::barrier() {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    const VkPipelineStageFlags stages =
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    device_.fn().vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

Status CommandStream::dispatch(const Pipeline& pipeline, std::initializer_list<BufferRange> buffers,
                               const void* push, uint32_t pushBytes, uint32_t groupsX,
                               uint32_t groupsY, uint32_t groupsZ) {
    if (auto s = begin(); !s) return s;
    if (buffers.size() != pipeline.bindings)
        return makeError("Vulkan: dispatch with the wrong number of buffers");
    if (pushBytes > kPushConstantBytes) return makeError("Vulkan: push constants too large");
    if (groupsX == 0 || groupsY == 0 || groupsZ == 0) return {}; // nothing to do
    const uint32_t* maxGroups = device_.info().maxWorkGroupCount;
    if (groupsX > maxGroups[0] || groupsY > maxGroups[1] || groupsZ > maxGroups[2])
        return makeError("Vulkan: dispatch exceeds the device's work-group count limit");
    auto set = descriptors_.allocate(pipeline.setLayout);
    if (!set) return std::move(set).takeError();
    VkDescriptorBufferInfo infos[8];
    VkWriteDescriptorSet writes[8];
    uint32_t i = 0;
    for (const BufferRange& b : buffers) {
        if (b.buffer == VK_NULL_HANDLE) return makeError("Vulkan: dispatch with a null buffer");
        if (b.size > device_.info().maxStorageBufferRange)
            return makeError("Vulkan: a binding exceeds maxStorageBufferRange");
        infos[i] = {b.buffer, b.offset, b.size};
        writes[i] = {};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = *set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
        ++i;
    }
    const DeviceFunctions& fn = device_.fn();
    fn.vkUpdateDescriptorSets(device_.handle(), i, writes, 0, nullptr);
    fn.vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
    fn.vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1,
                               &set.value(), 0, nullptr);
    // Always push the full range so shaders never read undefined push-constant bytes.
    uint8_t bytes[kPushConstantBytes] = {};
    if (push && pushBytes) std::memcpy(bytes, push, pushBytes);
    fn.vkCmdPushConstants(cmd_, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushConstantBytes,
                          bytes);
    fn.vkCmdDispatch(cmd_, groupsX, groupsY, groupsZ);
    barrier();
    ++dispatches_;
    return {};
}

Status CommandStream::copy(const BufferRange& src, const BufferRange& dst) {
    if (auto s = begin(); !s) return s;
    if (src.size == 0) return {};
    VkBufferCopy region{src.offset, dst.offset, src.size};
    device_.fn().vkCmdCopyBuffer(cmd_, src.buffer, dst.buffer, 1, &region);
    barrier();
    return {};
}

Status CommandStream::fill(const BufferRange& dst, uint32_t value) {
    if (auto s = begin(); !s) return s;
    if (dst.size == 0) return {};
    device_.fn().vkCmdFillBuffer(cmd_, dst.buffer, dst.offset, dst.size, value);
    barrier();
    return {};
}

Status CommandStream::submitAndWait() {
    if (!recording_) return {};
    const DeviceFunctions& fn = device_.fn();
    recording_ = false;
    if (auto s = check(fn.vkEndCommandBuffer(cmd_), "finishing commands"); !s) return s;
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    VkResult r = fn.vkQueueSubmit(device_.queue(), 1, &si, fence_);
    if (r == VK_SUCCESS) r = fn.vkWaitForFences(device_.handle(), 1, &fence_, VK_TRUE, UINT64_MAX);
    if (r == VK_ERROR_DEVICE_LOST) device_.markLost();
    fn.vkResetFences(device_.handle(), 1, &fence_);
    fn.vkResetCommandBuffer(cmd_, 0);
    descriptors_.reset();
    return check(r, "running GPU work");
}

} // namespace hearth::vk
