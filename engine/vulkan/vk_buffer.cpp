#include "engine/vulkan/vk_buffer.h"

#include "engine/vulkan/vk_errors.h"
#include "engine/vulkan/vk_memory.h"

#include <utility>

namespace hearth::vk {

Result<Buffer> Buffer::create(Device& device, uint64_t size, BufferKind kind) {
    if (size == 0) size = 4;          // Vulkan forbids empty buffers; keep callers simple
    size = (size + 3) & ~uint64_t(3); // shaders read whole 32-bit words
    const DeviceFunctions& fn = device.fn();
    Buffer b;
    b.device_ = &device;
    b.size_ = size;
    b.kind_ = kind;
    VkBufferCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    ci.size = size;
    ci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    ci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    if (auto s = check(fn.vkCreateBuffer(device.handle(), &ci, nullptr, &b.buffer_),
                       "creating a buffer");
        !s)
        return std::move(s).takeError();
    VkMemoryRequirements req{};
    fn.vkGetBufferMemoryRequirements(device.handle(), b.buffer_, &req);
    const bool host = kind == BufferKind::HostVisible;
    auto type =
        host ? findMemoryType(device, req.memoryTypeBits,
                              VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                  VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                              VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
             : findMemoryType(device, req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!type) return std::move(type).takeError();
    VkMemoryAllocateInfo ai{};
    ai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = *type;
    const std::string what = "allocating " + std::to_string(size >> 20) + " MiB of " +
                             (host ? "host-visible" : "device") + " memory";
    const bool overBudget = !host && device.forcedBudgetBytes &&
                            device.allocatedBytes + size > device.forcedBudgetBytes;
    const VkResult allocated = overBudget
                                   ? VK_ERROR_OUT_OF_DEVICE_MEMORY
                                   : fn.vkAllocateMemory(device.handle(), &ai, nullptr, &b.memory_);
    if (auto s = check(allocated, what.c_str()); !s) return std::move(s).takeError();
    device.allocatedBytes += size; // counted from here so release() can always subtract
    if (auto s = check(fn.vkBindBufferMemory(device.handle(), b.buffer_, b.memory_, 0),
                       "binding buffer memory");
        !s)
        return std::move(s).takeError();
    if (host) {
        if (auto s =
                check(fn.vkMapMemory(device.handle(), b.memory_, 0, VK_WHOLE_SIZE, 0, &b.mapped_),
                      "mapping buffer memory");
            !s)
            return std::move(s).takeError();
    }
    return b;
}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        release();
        device_ = std::exchange(other.device_, nullptr);
        buffer_ = std::exchange(other.buffer_, VK_NULL_HANDLE);
        memory_ = std::exchange(other.memory_, VK_NULL_HANDLE);
        size_ = std::exchange(other.size_, 0);
        kind_ = other.kind_;
        mapped_ = std::exchange(other.mapped_, nullptr);
    }
    return *this;
}

void Buffer::release() {
    if (!device_) return;
    const DeviceFunctions& fn = device_->fn();
    if (mapped_) fn.vkUnmapMemory(device_->handle(), memory_);
    if (buffer_) fn.vkDestroyBuffer(device_->handle(), buffer_, nullptr);
    if (memory_) {
        fn.vkFreeMemory(device_->handle(), memory_, nullptr);
        device_->allocatedBytes -= size_;
    }
    device_ = nullptr;
    buffer_ = VK_NULL_HANDLE;
    memory_ = VK_NULL_HANDLE;
    mapped_ = nullptr;
}

} // namespace hearth::vk
