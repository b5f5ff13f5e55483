#pragma once
// The four parts of a model's memory: weights (from the tensor plan), KV cache, compute buffers
// and runtime overhead, each split by placement when some layers run on a GPU.
#include "engine/core/result.h"
#include "engine/fit/model_shape.h"
#include "engine/fit/tensor_plan.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth::fit {

enum class KvCacheType { F16, Q8_0, F32 };
std::string_view kvCacheTypeName(KvCacheType t);
std::optional<KvCacheType> kvCacheTypeFromName(std::string_view name); // "f16", "q8_0", "f32"

// Bytes of K and V for `layers` layers at n_ctx positions:
//   2 * layers * n_ctx * n_head_kv * head_dim * bytes_per_element
// (K and V widths may differ; Q8_0 is 34 bytes per 32 elements).
uint64_t kvCacheBytes(const ModelShape& shape, int64_t nCtx, KvCacheType type, int64_t layers);
uint64_t kvCacheBytes(const ModelShape& shape, int64_t nCtx, KvCacheType type);

// Scratch of Hearth's forward pass (engine/model/model_context.cpp) over a batch of
// B = min(batch, n_ctx) tokens, all F32, allocated once per backend and reused by every layer:
//   hidden state and its normed copy      2 * B * n_embd
//   Q, K, V                               B * (n_head*dk + 2*n_kv*dk)
//   attention output                      B * n_head*dv
//   gate and up                           2 * B * n_ff
//   logits rows (produced 32 at a time)   min(B, 32) * n_vocab
// plus activations quantized for quantized matmuls (B * max(n_embd, n_ff) at Q8_K's 292/256
// bytes), per-thread attention rows (threads * n_ctx * 8 bytes) and the returned logits of the
// last position (n_vocab * 4). Attention is computed row by row, so there is no
// n_head * B * n_ctx score matrix as in llama.cpp's graph.
uint64_t computeBytes(const ModelShape& shape, int64_t nCtx, int64_t batch, int threads = 16);

// Host-side runtime overhead beyond tensors: process, threads and allocator (a fixed 64 MiB),
// the mapped GGUF header (tokenizer strings and merges) and the tokenizer's in-memory tables
// (about 128 bytes per vocabulary entry).
uint64_t hostOverheadBytes(const ModelShape& shape, uint64_t ggufHeaderBytes);
// Device-side overhead when a GPU is used: driver context, pipelines and staging (256 MiB).
uint64_t deviceOverheadBytes();
// GGUF header size when only the shape is known: about 64 bytes per vocabulary entry
// (token string, score, type, merges) plus 64 KiB of other metadata.
uint64_t estimatedHeaderBytes(const ModelShape& shape);

struct EstimateOptions {
    int64_t nCtx = 4096;
    KvCacheType kvType = KvCacheType::F16;
    int64_t batch = 512;
    int threads =
        16; // CPU threads (each keeps one attention row of n_ctx); 16 covers most desktops
    uint64_t ggufHeaderBytes = 0; // 0: estimated from the vocabulary
};

// A local GGUF as the estimator sees it: its shape, its tensors as stored, and the options with
// the file's own header size filled in (when the caller left it 0).
struct StoredModel {
    ModelShape shape;
    TensorPlan plan;
    EstimateOptions options;
};
Result<StoredModel> storedModelFromGguf(const GgufFile& file, const EstimateOptions& options);

// Memory of one placement: the last `gpuLayers` blocks (and the output head, when any block is
// offloaded; with tied embeddings that includes a device copy of token_embd) on the device,
// everything else on the host.
struct Placement {
    int64_t gpuLayers = 0;
    uint64_t hostWeights = 0, hostKv = 0, hostCompute = 0, hostOverhead = 0;
    uint64_t deviceWeights = 0, deviceKv = 0, deviceCompute = 0, deviceOverhead = 0;
    uint64_t hostTotal() const { return hostWeights + hostKv + hostCompute + hostOverhead; }
    uint64_t deviceTotal() const {
        return deviceWeights + deviceKv + deviceCompute + deviceOverhead;
    }
};

struct MemoryEstimate {
    std::string variant;
    int64_t nCtx = 0;
    int64_t nLayer = 0;
    double bitsPerWeight = 0;
    uint64_t weightsBytes = 0, kvBytes = 0, computeBytes = 0, overheadBytes = 0;
    uint64_t totalBytes() const { return weightsBytes + kvBytes + computeBytes + overheadBytes; }
};

// All on the host (the CPU engine).
MemoryEstimate estimateMemory(const ModelShape& shape, const TensorPlan& plan,
                              const EstimateOptions& o);
Placement placeLayers(const ModelShape& shape, const TensorPlan& plan, const EstimateOptions& o,
                      int64_t gpuLayers);

} // namespace hearth::fit
