#pragma once
// One reusable command buffer: record dispatches and copies, submit, wait on a fence.
// Each dispatch is followed by a compute->compute barrier, so ops recorded in order see each
// other's results (the graph is a chain of dependent ops).
#include "engine/core/result.h"
#include "engine/vulkan/vk_buffer.h"
#include "engine/vulkan/vk_descriptors.h"
#include "engine/vulkan/vk_pipelines.h"

#include <initializer_list>

namespace hearth::vk {

class CommandStream {
public:
    static Result<std::unique_ptr<CommandStream>> create(Device& device);
    ~CommandStream();
    CommandStream(const CommandStream&) = delete;
    CommandStream& operator=(const CommandStream&) = delete;

    // Starts recording (no-op when already recording).
    Status begin();
    bool recording() const { return recording_; }
    Status dispatch(const Pipeline& pipeline, std::initializer_list<BufferRange> buffers,
                    const void* push, uint32_t pushBytes, uint32_t groupsX, uint32_t groupsY = 1,
                    uint32_t groupsZ = 1);
    Status copy(const BufferRange& src, const BufferRange& dst);
    Status fill(const BufferRange& dst, uint32_t value);
    // Ends, submits and waits; the stream can record again afterwards.
    Status submitAndWait();
    // Dispatches recorded since the last submit (for tests and statistics).
    uint64_t dispatchCount() const { return dispatches_; }

private:
    explicit CommandStream(Device& device) : device_(device), descriptors_(device) {}
    void barrier();
    Device& device_;
    DescriptorArena descriptors_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    bool recording_ = false;
    uint64_t dispatches_ = 0;
};

} // namespace hearth::vk
