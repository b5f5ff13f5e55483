#include "engine/vulkan/vk_instance.h"

#include "engine/vulkan/vk_errors.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace hearth::vk {
namespace {

std::atomic<uint64_t> gErrors{0};
std::atomic<uint64_t> gWarnings{0};
constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                              VkDebugUtilsMessageTypeFlagsEXT,
                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                              void*) {
    const bool error = severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    (error ? gErrors : gWarnings).fetch_add(1);
    std::fprintf(stderr, "[vulkan %s] %s\n", error ? "error" : "warning",
                 data && data->pMessage ? data->pMessage : "");
    return VK_FALSE;
}

bool wantValidation(int validation) {
    if (validation >= 0) return validation == 1;
    const char* env = std::getenv("HEARTH_VULKAN_VALIDATION");
    return env && std::strcmp(env, "1") == 0;
}

bool layerAvailable(const char* name) {
    auto f = reinterpret_cast<PFN_vkEnumerateInstanceLayerProperties>(
        loader().getInstanceProcAddr(nullptr, "vkEnumerateInstanceLayerProperties"));
    if (!f) return false;
    uint32_t n = 0;
    f(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    f(&n, layers.data());
    for (const auto& l : layers)
        if (std::strcmp(l.layerName, name) == 0) return true;
    return false;
}

} // namespace

uint64_t validationErrorCount() {
    return gErrors.load();
}
uint64_t validationWarningCount() {
    return gWarnings.load();
}

Result<std::unique_ptr<Instance>> Instance::create(int validation) {
    const Loader& l = loader();
    if (!l.ok() || !l.createInstance) return makeError("No Vulkan: " + l.error);
    const bool validate = wantValidation(validation);
    if (validate && !layerAvailable(kValidationLayer))
        return makeError("Vulkan validation was requested but VK_LAYER_KHRONOS_validation is not "
                         "installed (Debian: vulkan-validationlayers)");

    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "Hearth";
    app.pEngineName = "Hearth";
    app.apiVersion = VK_API_VERSION_1_2;

    VkDebugUtilsMessengerCreateInfoEXT dbg{};
    dbg.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
    dbg.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    dbg.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    dbg.pfnUserCallback = onDebugMessage;

    const char* layers[] = {kValidationLayer};
    const char* extensions[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkInstanceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pApplicationInfo = &app;
    if (validate) {
        ci.enabledLayerCount = 1;
        ci.ppEnabledLayerNames = layers;
        ci.enabledExtensionCount = 1;
        ci.ppEnabledExtensionNames = extensions;
        ci.pNext = &dbg; // also catches messages from vkCreateInstance itself
    }
    std::unique_ptr<Instance> inst(new Instance());
    const VkResult created = l.createInstance(&ci, nullptr, &inst->instance_);
    if (created == VK_ERROR_INCOMPATIBLE_DRIVER)
        return makeError("No Vulkan driver: the loader found no driver supporting Vulkan 1.2");
    if (auto s = check(created, "creating the instance"); !s) return std::move(s).takeError();
    if (std::string missing = loadInstanceFunctions(inst->instance_, inst->fn_); !missing.empty())
        return makeError("Vulkan: the driver lacks " + missing + " (Vulkan 1.2 is required)");
    if (validate) {
        if (!inst->fn_.vkCreateDebugUtilsMessengerEXT)
            return makeError("Vulkan: validation needs VK_EXT_debug_utils");
        if (auto s = check(inst->fn_.vkCreateDebugUtilsMessengerEXT(inst->instance_, &dbg, nullptr,
                                                                    &inst->messenger_),
                           "creating the debug messenger");
            !s)
            return std::move(s).takeError();
    }
    return inst;
}

Instance::~Instance() {
    if (messenger_ && fn_.vkDestroyDebugUtilsMessengerEXT)
        fn_.vkDestroyDebugUtilsMessengerEXT(instance_, messenger_, nullptr);
    if (instance_ && fn_.vkDestroyInstance) fn_.vkDestroyInstance(instance_, nullptr);
}

} // namespace hearth::vk
