#pragma once
// Buffers: device-local (weights, KV cache, activations) or host-visible (staging, results).
#include "engine/core/result.h"
#include "engine/vulkan/vk_device.h"

#include <cstdint>

namespace hearth::vk {

enum class BufferKind {
    DeviceLocal, // fastest for shaders; filled through staging copies
    HostVisible, // mapped and coherent; for staging and read-back
};

// A region of a buffer as a shader binding sees it.
struct BufferRange {
    VkBuffer buffer = VK_NULL_HANDLE;
    uint64_t offset = 0;
    uint64_t size = 0;
};

class Buffer {
public:
    Buffer() = default;
    static Result<Buffer> create(Device& device, uint64_t size, BufferKind kind);
    ~Buffer() { release(); }
    Buffer(Buffer&& other) noexcept { *this = std::move(other); }
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    bool valid() const { return buffer_ != VK_NULL_HANDLE; }
    VkBuffer handle() const { return buffer_; }
    uint64_t size() const { return size_; }
    BufferKind kind() const { return kind_; }
    void* mapped() const { return mapped_; } // null for device-local memory
    BufferRange range(uint64_t offset, uint64_t size) const { return {buffer_, offset, size}; }
    BufferRange whole() const { return {buffer_, 0, size_}; }

private:
    void release();
    Device* device_ = nullptr;
    VkBuffer buffer_ = VK_NULL_HANDLE;
    VkDeviceMemory memory_ = VK_NULL_HANDLE;
    uint64_t size_ = 0;
    BufferKind kind_ = BufferKind::DeviceLocal;
    void* mapped_ = nullptr;
};

} // namespace hearth::vk
