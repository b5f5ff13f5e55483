#include "engine/vulkan/vk_context.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace hearth::vk {

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
    std::unique_ptr<Context> c(new Context());
    auto instance = Instance::create(options.validation);
    if (!instance) return std::move(instance).takeError();
    c->instance_ = std::move(*instance);
    auto device = Device::create(*c->instance_, options.deviceIndex);
    if (!device) return std::move(device).takeError();
    c->device_ = std::move(*device);
    if (options.maxBindingBytes) c->device_->capStorageRange(options.maxBindingBytes);
    c->device_->forcedBudgetBytes = options.budgetBytes;
    if (const char* mib = std::getenv("HEARTH_VULKAN_BUDGET_MIB"); mib && !options.budgetBytes)
        c->device_->forcedBudgetBytes = std::strtoull(mib, nullptr, 10) << 20;
    c->pipelines_ = std::make_unique<PipelineCache>(*c->device_);
    auto stream = CommandStream::create(*c->device_);
    if (!stream) return std::move(stream).takeError();
    c->stream_ = std::move(*stream);
    auto transfer = CommandStream::create(*c->device_);
    if (!transfer) return std::move(transfer).takeError();
    c->transfer_ = std::move(*transfer);
    auto staging = Buffer::create(*c->device_, std::max<uint64_t>(options.stagingBytes, 4096),
                                  BufferKind::HostVisible);
    if (!staging) return std::move(staging).takeError();
    c->staging_ = std::move(*staging);
    return c;
}

Context::~Context() {
    // Members are destroyed in reverse order; buffers and pipelines go before the device.
    staging_ = Buffer();
    transfer_.reset();
    stream_.reset();
    pipelines_.reset();
}

Status Context::upload(const Buffer& dst, uint64_t dstOffset, const void* src, uint64_t bytes) {
    if (dstOffset + bytes > dst.size()) return makeError("Vulkan: upload past the buffer's end");
    if (dst.mapped()) {
        std::memcpy(static_cast<uint8_t*>(dst.mapped()) + dstOffset, src, bytes);
        return {};
    }
    const auto* from = static_cast<const uint8_t*>(src);
    const uint64_t chunk = staging_.size() & ~uint64_t(3);
    for (uint64_t done = 0; done < bytes;) {
        uint64_t n = std::min(chunk, bytes - done);
        std::memcpy(staging_.mapped(), from + done, n);
        // vkCmdCopyBuffer needs no alignment, but keep sizes whole words for the shaders' sake.
        if (auto s = transfer_->copy(staging_.range(0, n), dst.range(dstOffset + done, n)); !s)
            return s;
        if (auto s = transfer_->submitAndWait(); !s) return s;
        done += n;
    }
    return {};
}

Status Context::download(const Buffer& src, uint64_t srcOffset, void* dst, uint64_t bytes) {
    if (srcOffset + bytes > src.size()) return makeError("Vulkan: read past the buffer's end");
    if (src.mapped()) {
        std::memcpy(dst, static_cast<const uint8_t*>(src.mapped()) + srcOffset, bytes);
        return {};
    }
    auto* to = static_cast<uint8_t*>(dst);
    const uint64_t chunk = staging_.size();
    for (uint64_t done = 0; done < bytes;) {
        uint64_t n = std::min(chunk, bytes - done);
        if (auto s = transfer_->copy(src.range(srcOffset + done, n), staging_.range(0, n)); !s)
            return s;
        if (auto s = transfer_->submitAndWait(); !s) return s;
        std::memcpy(to + done, staging_.mapped(), n);
        done += n;
    }
    return {};
}

} // namespace hearth::vk
