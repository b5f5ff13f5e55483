#include "engine/vulkan/vk_pipelines.h"

#include "engine/vulkan/vk_errors.h"
#include "engine/vulkan/vk_shaders.h"

#include <vector>

namespace hearth::vk {

PipelineCache::PipelineCache(Device& device) : device_(device) {
    VkPipelineCacheCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
    // A failed cache only costs compile time; pipelines are still created without one.
    if (device_.fn().vkCreatePipelineCache(device_.handle(), &ci, nullptr, &cache_) != VK_SUCCESS)
        cache_ = VK_NULL_HANDLE;
}

PipelineCache::~PipelineCache() {
    const DeviceFunctions& fn = device_.fn();
    VkDevice dev = device_.handle();
    for (auto& [name, p] : pipelines_) {
        fn.vkDestroyPipeline(dev, p->pipeline, nullptr);
        fn.vkDestroyPipelineLayout(dev, p->layout, nullptr);
        fn.vkDestroyDescriptorSetLayout(dev, p->setLayout, nullptr);
    }
    if (cache_) fn.vkDestroyPipelineCache(dev, cache_, nullptr);
}

Result<const Pipeline*> PipelineCache::get(const std::string& name, uint32_t bindings) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = pipelines_.find(name); it != pipelines_.end()) {
        if (it->second->bindings != bindings)
            return makeError("Vulkan: shader " + name + " used with a different binding count");
        return it->second.get();
    }
    const ShaderBlob* blob = findShader(name);
    if (!blob) return makeError("Vulkan: no embedded shader named " + name);
    const DeviceFunctions& fn = device_.fn();
    VkDevice dev = device_.handle();
    auto p = std::make_unique<Pipeline>();
    p->bindings = bindings;

    std::vector<VkDescriptorSetLayoutBinding> b(bindings);
    for (uint32_t i = 0; i < bindings; ++i) {
        b[i].binding = i;
        b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        b[i].descriptorCount = 1;
        b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dl{};
    dl.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    dl.bindingCount = bindings;
    dl.pBindings = b.data();
    if (auto s = check(fn.vkCreateDescriptorSetLayout(dev, &dl, nullptr, &p->setLayout),
                       "creating a descriptor set layout");
        !s)
        return std::move(s).takeError();

    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushConstantBytes};
    VkPipelineLayoutCreateInfo pl{};
    pl.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &p->setLayout;
    pl.pushConstantRangeCount = 1;
    pl.pPushConstantRanges = &push;
    if (auto s = check(fn.vkCreatePipelineLayout(dev, &pl, nullptr, &p->layout),
                       "creating a pipeline layout");
        !s) {
        fn.vkDestroyDescriptorSetLayout(dev, p->setLayout, nullptr);
        return std::move(s).takeError();
    }

    VkShaderModuleCreateInfo sm{};
    sm.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    sm.codeSize = blob->wordCount * sizeof(uint32_t);
    sm.pCode = blob->words;
    VkShaderModule module = VK_NULL_HANDLE;
    Status made = check(fn.vkCreateShaderModule(dev, &sm, nullptr, &module), "loading a shader");
    if (made) {
        VkComputePipelineCreateInfo cp{};
        cp.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
        cp.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
        cp.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
        cp.stage.module = module;
        cp.stage.pName = "main";
        cp.layout = p->layout;
        made = check(fn.vkCreateComputePipelines(dev, cache_, 1, &cp, nullptr, &p->pipeline),
                     ("creating pipeline " + name).c_str());
        fn.vkDestroyShaderModule(dev, module, nullptr);
    }
    if (!made) {
        fn.vkDestroyPipelineLayout(dev, p->layout, nullptr);
        fn.vkDestroyDescriptorSetLayout(dev, p->setLayout, nullptr);
        return std::move(made).takeError();
    }
    const Pipeline* raw = p.get();
    pipelines_.emplace(name, std::move(p));
    return raw;
}

} // namespace hearth::vk
