#pragma once
// The Vulkan implementation of hearth::Backend: weights uploaded once into device memory, ops
// recorded into one command buffer and run at synchronize()/read(). Pipelines, descriptor pools
// and the command buffer are reused across tokens; scratch buffers only grow.
#include "engine/model/backend.h"
#include "engine/vulkan/vk_context.h"
#include "engine/vulkan/vk_ops.h"

#include <memory>
#include <vector>

namespace hearth::vk {

class VulkanBackend final : public hearth::Backend {
public:
    // Fails with a clear message when there is no loader, driver or usable device.
    static Result<std::unique_ptr<VulkanBackend>> create(const ContextOptions& options = {});
    ~VulkanBackend() override;

    Context& context() { return *ctx_; }
    Ops& ops() { return *ops_; }

    hearth::DeviceInfo info() const override;
    bool supports(BackendOp op, GgmlType type) const override;

    Result<std::unique_ptr<hearth::Buffer>> allocate(size_t bytes) override;
    Result<std::unique_ptr<hearth::Buffer>> wrapWeights(const uint8_t* data, size_t bytes) override;
    Status write(const TensorRef& t, const void* src) override;
    Status read(const TensorRef& t, void* dst) override;
    Status synchronize() override;

    Status getRows(const TensorRef& table, std::span<const int32_t> ids,
                   const TensorRef& out) override;
    Status rmsNorm(const TensorRef& x, const TensorRef& weight, float eps,
                   const TensorRef& out) override;
    Status layerNorm(const TensorRef& x, const TensorRef& weight, const TensorRef& bias, float eps,
                     const TensorRef& out) override;
    Status matmul(const TensorRef& w, const TensorRef& x, const TensorRef& out) override;
    Status add(const TensorRef& a, const TensorRef& b, const TensorRef& out) override;
    Status mul(const TensorRef& a, const TensorRef& b, const TensorRef& out) override;
    Status scale(const TensorRef& x, float s, const TensorRef& out) override;
    Status rope(const TensorRef& x, std::span<const int32_t> positions,
                const RopeParams& p) override;
    Status storeKv(const TensorRef& k, const TensorRef& v, const KvCache& cache, int pos0) override;
    Status attention(const TensorRef& q, const KvCache& cache, int pos0, const AttentionParams& p,
                     const TensorRef& out) override;
    Status softmax(const TensorRef& x, const TensorRef& out) override;
    Status silu(const TensorRef& x, const TensorRef& out) override;
    Status gelu(const TensorRef& x, const TensorRef& out) override;
    Status swiglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) override;
    Status geglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) override;
    Status copy(const TensorRef& src, const TensorRef& out) override;

private:
    VulkanBackend() = default;
    // Copies small int32 arrays (ids, positions) into a host-visible arena that lives until the
    // next submission; returns the element offset.
    Result<uint32_t> stageInts(std::span<const int32_t> values);
    Result<uint32_t> stageWords(const void* words, size_t count);
    // The rope angle table for these positions (vk_rope_table.h), staged like the ints.
    Result<uint32_t> stageRopeTable(std::span<const int32_t> positions, const RopeParams& p);
    Result<Buffer*> scratch(uint64_t bytes);

    std::unique_ptr<Context> ctx_;
    std::unique_ptr<Ops> ops_;
    Buffer ints_;
    uint64_t intsUsed_ = 0;    // elements
    uint64_t submissions_ = 0; // synchronize() calls so far
    struct RopeKey {
        std::vector<int32_t> positions;
        int nRot = 0;
        float freqBase = 0, freqScale = 0;
        bool operator==(const RopeKey&) const = default;
    };
    RopeKey ropeKey_;
    uint32_t ropeAt_ = 0;
    uint64_t ropeEpoch_ = ~uint64_t(0);
    Buffer scratch_;
};

// The vecDotType ggml rounds activations to for weights of `type` (Q8_0, Q8_1, Q8_K, F16, ...).
GgmlType activationTypeFor(GgmlType weightType);

} // namespace hearth::vk
