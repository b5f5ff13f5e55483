#pragma once
// Backend: the op-level seam between a model graph (engine/model) and the hardware that runs it.
// The graph for each architecture is written once against this interface; the CPU backend
// (engine/cpu) is the reference, the Vulkan backend (engine/vulkan) implements the same calls.
//
// Conventions used by every op below
// - A tensor is a 2-D view (TensorRef): `rows` rows of `cols` elements of one ggml type, rows
//   `rowStride` bytes apart, starting `offset` bytes into a Buffer the same backend owns.
//   Shapes are written [rows, cols] (cols = ggml ne[0], the contiguous dimension).
// - Activations are F32 and row-major: one row per token, e.g. x [nTokens, nEmbd].
// - Weight matrices keep the file's layout and type: W [nOut, nIn], one row per output feature
//   (ggml's ne = {nIn, nOut}). Norm weights and biases are F32 rows [1, n].
// - Ops may be queued (Vulkan records a command buffer); results are visible to the host only
//   after read()/synchronize(). The CPU backend runs each op immediately, in order.
// - Every op assumes its inputs were checked by the caller (shapes, types via supports()); a
//   backend reports a failure it can't avoid (device lost, out of memory) through Status.
// - `out` may alias an input only where an op says so ("in place allowed").
// - Results must not depend on the thread count or on how the work is split.
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hearth {

enum class BackendOp {
    GetRows, // embedding lookup
    RmsNorm,
    LayerNorm,
    MatMul, // weights of any type x F32 activations
    Add,
    Mul,
    Scale,
    Rope,
    StoreKv,   // append K/V rows to the cache
    Attention, // causal attention over the cache
    Softmax,
    Silu,
    Gelu,
    SwiGlu, // silu(gate) * up
    GeGlu,  // gelu(gate) * up
    Copy,   // with type conversion
};

enum class RopeStyle {
    Normal, // llama: rotate adjacent pairs (x[2i], x[2i+1])
    NeoX,   // qwen2, phi3, gemma: rotate halves (x[i], x[i + nRot/2])
};

struct DeviceInfo {
    std::string name;         // "CPU (AVX-512, 2 threads)", "NVIDIA GeForce RTX 4070"
    std::string kind;         // "cpu" or "vulkan"
    uint64_t memoryBytes = 0; // memory usable for buffers (RAM for the CPU)
    bool hostVisible = false; // true when buffers live in host memory (CPU, integrated GPU)
};

// Memory owned by a backend. On the CPU a weight buffer may wrap the memory-mapped file in place
// (no copy); on a GPU it is device memory the weights were uploaded into once.
class Buffer {
public:
    virtual ~Buffer() = default;
    virtual size_t size() const = 0;
    // Host address of the first byte, or nullptr when the memory is not host-visible.
    virtual uint8_t* hostData() { return nullptr; }
};

struct TensorRef {
    Buffer* buffer = nullptr;
    size_t offset = 0; // bytes from the buffer start to row 0
    GgmlType type = GgmlType::F32;
    int64_t rows = 1;
    int64_t cols = 0;
    size_t rowStride = 0; // bytes between rows; 0 means packed (ggmlRowBytes(type, cols))

    size_t stride() const;                                 // rowStride or the packed row size
    TensorRef row(int64_t first, int64_t count = 1) const; // a sub-range of rows
    TensorRef colRange(int64_t first,
                       int64_t count) const; // columns [first, first+count) of F32/F16 rows
};

// Where each layer runs. Layers [0, firstDeviceLayer) run on `host`, the rest and the output head
// on `device` (llama.cpp offloads the last N layers; --gpu-layers N sets
// firstDeviceLayer = nLayers - N). When device is null everything runs on host. Between the two
// the model moves the hidden state [nTokens, nEmbd] through the host with read()/write().
class Backend;
struct LayerPlacement {
    Backend* host = nullptr;
    Backend* device = nullptr;
    int firstDeviceLayer = 0;
    Backend* forLayer(int layer) const {
        return device && layer >= firstDeviceLayer ? device : host;
    }
    Backend* forOutput() const { return device ? device : host; }
};

class Backend {
public:
    virtual ~Backend() = default;

    // ---- device ----
    virtual DeviceInfo info() const = 0;
    // Whether `op` can run with operands of `type` (for MatMul/GetRows: the weight type; for
    // StoreKv/Attention: the cache type; for Copy: the destination type).
    virtual bool supports(BackendOp op, GgmlType type) const = 0;

    // ---- buffers ----
    // A new zero-initialised buffer of `bytes` for activations, KV cache or uploaded weights.
    virtual Result<std::unique_ptr<Buffer>> allocate(size_t bytes) = 0;
    // A buffer holding weights that live at `data` (e.g. inside a memory-mapped GGUF) for the
    // lifetime of the backend. The CPU backend wraps them without copying; a GPU backend uploads
    // them once. `data` must stay valid until the buffer is destroyed.
    virtual Result<std::unique_ptr<Buffer>> wrapWeights(const uint8_t* data, size_t bytes) = 0;
    // Host <-> buffer transfers of the packed bytes of `t` (blocking).
    virtual Status write(const TensorRef& t, const void* src) = 0;
    virtual Status read(const TensorRef& t, void* dst) = 0;
    // Wait until every queued op has finished.
    virtual Status synchronize() = 0;

    // ---- ops ----
    // out[i, :] = dequantize(table[ids[i], :]).   table [nVocab, n] any type, out [ids.size(), n]
    // F32.
    virtual Status getRows(const TensorRef& table, std::span<const int32_t> ids,
                           const TensorRef& out) = 0;

    // out[i, :] = x[i, :] / sqrt(mean(x[i, :]^2) + eps) * weight.   x, out [N, n] F32;
    // weight [1, n] F32 or buffer==nullptr for none. In place allowed.
    virtual Status rmsNorm(const TensorRef& x, const TensorRef& weight, float eps,
                           const TensorRef& out) = 0;
    // out[i, :] = (x[i, :] - mean) / sqrt(var + eps) * weight + bias.   weight/bias optional
    // (buffer==nullptr). In place allowed.
    virtual Status layerNorm(const TensorRef& x, const TensorRef& weight, const TensorRef& bias,
                             float eps, const TensorRef& out) = 0;

    // out[i, o] = sum_k W[o, k] * x[i, k].   W [nOut, nIn] any supported type, x [N, nIn] F32,
    // out [N, nOut] F32. Quantized W: x is first quantized per row to the type's vecDotType, as
    // ggml does, so results match the reference implementation. out must not alias x.
    virtual Status matmul(const TensorRef& w, const TensorRef& x, const TensorRef& out) = 0;
    // outs[i] = x · ws[i]ᵀ for weight matrices sharing one input (Q, K, V; gate, up), each as
    // matmul computes it. A backend may run them as one pass (x converted once, one hand-off to
    // its threads); the default calls matmul for each. ws and outs have the same length.
    virtual Status matmuls(std::span<const TensorRef> ws, const TensorRef& x,
                           std::span<const TensorRef> outs);

    // Element-wise out = a + b / a * b, where b has as many rows as a or exactly one row
    // (broadcast: bias, norm weight). All F32, in place allowed (out == a).
    virtual Status add(const TensorRef& a, const TensorRef& b, const TensorRef& out) = 0;
    virtual Status mul(const TensorRef& a, const TensorRef& b, const TensorRef& out) = 0;
    // out = x * s. In place allowed.
    virtual Status scale(const TensorRef& x, float s, const TensorRef& out) = 0;

    // Rotary position embedding, in place on x [N, nHeads * headDim] F32: row i is the token at
    // positions[i]; in each head the first nRot dims rotate by angle pos * freqScale *
    // freqBase^(-2j / nRot) for pair j, the rest pass through.
    struct RopeParams {
        int nHeads = 0;
        int headDim = 0;
        int nRot = 0;
        RopeStyle style = RopeStyle::Normal;
        float freqBase = 10000.0f;
        float freqScale = 1.0f; // 1 / linear scaling factor
    };
    virtual Status rope(const TensorRef& x, std::span<const int32_t> positions,
                        const RopeParams& p) = 0;

    // KV cache of one layer, created by the model with allocate():
    //   k  [nCtx, nKvHeads * headDim] of the cache type: row p = key of position p;
    //   vT [nKvHeads * headDim, nCtx] of the cache type: V stored transposed (row d = channel d
    //      over all positions), so attention's P·V is a row dot product like K·Q.
    // Cache type F16 (default, as llama.cpp) or F32.
    struct KvCache {
        TensorRef k;
        TensorRef vT;
    };
    // Writes k [N, kvDim], v [N, kvDim] (F32) into positions [pos0, pos0 + N) of the cache,
    // converting to the cache type.
    virtual Status storeKv(const TensorRef& k, const TensorRef& v, const KvCache& cache,
                           int pos0) = 0;

    // Causal grouped-query attention. q [N, nHeads * headDim] F32, row i at position pos0 + i,
    // attends to cache positions [0, pos0 + i]; query head h uses KV head h / (nHeads/nKvHeads).
    // scores = scale * (q · k) (+ softcap/alibi: not needed yet), softmax, out = P · V.
    // out [N, nHeads * headDim] F32. With an F16 cache q and P are rounded to F16 before the dot
    // products, as ggml does, so F16-cache results match the reference implementation.
    struct AttentionParams {
        int nHeads = 0;
        int nKvHeads = 0;
        int headDim = 0;
        float scale = 1.0f; // usually 1/sqrt(headDim)
    };
    virtual Status attention(const TensorRef& q, const KvCache& cache, int pos0,
                             const AttentionParams& p, const TensorRef& out) = 0;

    // Row-wise softmax of x [N, n] F32. In place allowed.
    virtual Status softmax(const TensorRef& x, const TensorRef& out) = 0;
    // Activations, element-wise on [N, n] F32, in place allowed.
    virtual Status silu(const TensorRef& x, const TensorRef& out) = 0;
    virtual Status gelu(const TensorRef& x, const TensorRef& out) = 0; // tanh approximation
    // out = act(gate) * up; gate, up, out [N, n] F32 (they may be column ranges of one fused
    // tensor, as in phi3's ffn_up). out may alias gate or up.
    virtual Status swiglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) = 0;
    virtual Status geglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) = 0;
    // out = convert(src): same shape, any type the backend supports for Copy as destination
    // (F32, F16 at least); src F32 or the same type as out.
    virtual Status copy(const TensorRef& src, const TensorRef& out) = 0;
};

} // namespace hearth
