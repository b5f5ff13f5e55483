#pragma once
// The CPU backend: the reference implementation of the Backend interface. Weights are used in
// place from the memory map; matrix products quantize activations to each weight type's
// vecDotType and use the kernels' row dot products, as ggml does, so logits match the reference.
#include "engine/cpu/thread_pool.h"
#include "engine/model/backend.h"

#include <memory>

namespace hearth::cpu {

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int nThreads);
    ~CpuBackend() override;

    int threads() const { return pool_.size(); }
    ThreadPool& pool() { return pool_; }

    DeviceInfo info() const override;
    bool supports(BackendOp op, GgmlType type) const override;

    Result<std::unique_ptr<Buffer>> allocate(size_t bytes) override;
    Result<std::unique_ptr<Buffer>> wrapWeights(const uint8_t* data, size_t bytes) override;
    Status write(const TensorRef& t, const void* src) override;
    Status read(const TensorRef& t, void* dst) override;
    Status synchronize() override { return {}; }

    Status getRows(const TensorRef& table, std::span<const int32_t> ids,
                   const TensorRef& out) override;
    Status rmsNorm(const TensorRef& x, const TensorRef& weight, float eps,
                   const TensorRef& out) override;
    Status layerNorm(const TensorRef& x, const TensorRef& weight, const TensorRef& bias, float eps,
                     const TensorRef& out) override;
    Status matmul(const TensorRef& w, const TensorRef& x, const TensorRef& out) override;
    // One token (decode): all matrices in one pass over fixed row pieces; else matmul each.
    Status matmuls(std::span<const TensorRef> ws, const TensorRef& x,
                   std::span<const TensorRef> outs) override;
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
    ThreadPool pool_;
    std::vector<uint8_t> quantScratch_;  // activations converted to a vecDotType
    std::vector<uint8_t> matvecScratch_; // matmuls' token in each vecDotType it needs
};

// Host address of row `row` of t (CPU buffers are always host memory).
uint8_t* rowPtr(const TensorRef& t, int64_t row);
inline float* rowF32(const TensorRef& t, int64_t row) {
    return reinterpret_cast<float*>(rowPtr(t, row));
}

} // namespace hearth::cpu
