#pragma once
// VkResult -> hearth::Status with a message a user can act on (out of memory, device lost, ...).
#include "engine/core/result.h"
#include "engine/vulkan/vulkan_loader.h"

namespace hearth::vk {

const char* resultName(VkResult r);
// "Vulkan: <what> failed: <reason>"; OK for VK_SUCCESS.
Status check(VkResult r, const char* what);
bool isOutOfMemory(VkResult r);

} // namespace hearth::vk
