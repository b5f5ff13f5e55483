#pragma once
// Everything one Vulkan compute session needs: instance, device, pipelines, a compute stream
// and a bounded staging buffer for uploads and read-backs.
#include "engine/core/result.h"
#include "engine/vulkan/vk_buffer.h"
#include "engine/vulkan/vk_commands.h"
#include "engine/vulkan/vk_device.h"
#include "engine/vulkan/vk_instance.h"
#include "engine/vulkan/vk_pipelines.h"

#include <memory>

namespace hearth::vk {

struct ContextOptions {
    int deviceIndex = -1;              // -1: automatic / HEARTH_VULKAN_DEVICE
    int validation = -1;               // -1: HEARTH_VULKAN_VALIDATION
    uint64_t stagingBytes = 16u << 20; // upload chunk size
    uint64_t maxBindingBytes = 0;      // >0: pretend the device's binding range is this small
    // >0: fail device-local allocations past this many bytes as out of memory (see
    // Device::forcedBudgetBytes); 0: HEARTH_VULKAN_BUDGET_MIB when set, else no limit.
    uint64_t budgetBytes = 0;
};

class Context {
public:
    static Result<std::unique_ptr<Context>> create(const ContextOptions& options = {});
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    Device& device() { return *device_; }
    const DeviceInfo& info() const { return device_->info(); }
    bool validationEnabled() const { return instance_->validationEnabled(); }
    PipelineCache& pipelines() { return *pipelines_; }
    CommandStream& stream() { return *stream_; }

    Result<Buffer> createBuffer(uint64_t size, BufferKind kind = BufferKind::DeviceLocal) {
        return Buffer::create(*device_, size, kind);
    }
    // Host -> device copy through the staging buffer in bounded chunks (synchronous; must not
    // be called while the compute stream holds unsubmitted work that reads `dst`).
    Status upload(const Buffer& dst, uint64_t dstOffset, const void* src, uint64_t bytes);
    Status download(const Buffer& src, uint64_t srcOffset, void* dst, uint64_t bytes);

private:
    Context() = default;
    std::unique_ptr<Instance> instance_;
    std::unique_ptr<Device> device_;
    std::unique_ptr<PipelineCache> pipelines_;
    std::unique_ptr<CommandStream> stream_;
    std::unique_ptr<CommandStream> transfer_;
    Buffer staging_;
};

} // namespace hearth::vk
