#pragma once
// Compute pipelines built once from the embedded SPIR-V and reused for every token.
// Every pipeline takes `bindings` storage buffers (set 0, bindings 0..n-1) and up to
// kPushConstantBytes of push constants.
#include "engine/core/result.h"
#include "engine/vulkan/vk_device.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace hearth::vk {

constexpr uint32_t kPushConstantBytes = 128;

struct Pipeline {
    VkPipeline pipeline = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
    uint32_t bindings = 0;
};

class PipelineCache {
public:
    explicit PipelineCache(Device& device);
    ~PipelineCache();
    PipelineCache(const PipelineCache&) = delete;
    PipelineCache& operator=(const PipelineCache&) = delete;

    // The pipeline for embedded shader `name`, created on first use.
    Result<const Pipeline*> get(const std::string& name, uint32_t bindings);
    size_t size() const { return pipelines_.size(); }

private:
    Device& device_;
    VkPipelineCache cache_ = VK_NULL_HANDLE;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Pipeline>> pipelines_;
};

} // namespace hearth::vk
