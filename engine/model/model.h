#pragma once
// A loaded model: hyperparameters, the GGUF it came from (kept mapped) and its weights as
// backend tensors. Each layer's weights live on the backend that runs that layer.
#include "engine/core/result.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/backend.h"
#include "engine/model/model_params.h"

#include <memory>
#include <string>
#include <vector>

namespace hearth {

// Weights of one transformer block. A TensorRef with buffer == nullptr is absent.
struct LayerWeights {
    TensorRef attnNorm;   // [1, nEmbd] F32
    TensorRef wq, wk, wv; // [qDim, nEmbd], [kvDim, nEmbd], [kvDim, nEmbd]
    TensorRef wqkv;       // phi3: fused [qDim + 2 kvDim, nEmbd] (rows: Q, K, V)
    TensorRef bq, bk, bv; // qwen2: [1, qDim], [1, kvDim], [1, kvDim] F32
    TensorRef wo;         // [nEmbd, qDim]
    TensorRef ffnNorm;    // [1, nEmbd] F32
    TensorRef gate, up;   // [nFf, nEmbd] each
    TensorRef gateUp;     // phi3: fused [2 nFf, nEmbd] (rows: gate, then up)
    TensorRef down;       // [nEmbd, nFf]
};

struct ModelWeights {
    TensorRef tokenEmbd;  // [nVocab, nEmbd]
    TensorRef outputNorm; // [1, nEmbd] F32
    TensorRef output;     // [nVocab, nEmbd]; the token embedding itself when tied
    std::vector<LayerWeights> layers;
};

struct ModelOptions {
    int threads = 0;           // CPU threads; 0 = one per physical core
    int gpuLayers = 0;         // layers to run on `device` (the last ones), 0 = CPU only
    Backend* device = nullptr; // a GPU backend owned by the caller, or null
};

class Model {
public:
    static Result<std::unique_ptr<Model>> load(const std::string& path,
                                               const ModelOptions& options = {});
    static Result<std::unique_ptr<Model>> fromGguf(std::unique_ptr<GgufFile> gguf,
                                                   const ModelOptions& options = {});
    ~Model();

    const ModelParams& params() const { return params_; }
    const ModelWeights& weights() const { return weights_; }
    const GgufFile& gguf() const { return *gguf_; }
    const LayerPlacement& placement() const { return placement_; }
    Backend& hostBackend() const { return *host_; }
    int threads() const;
    // Sum of the weight tensors' bytes (what decode reads per token, roughly).
    uint64_t weightBytes() const { return weightBytes_; }
    std::string description() const; // "llama 256 x 2 layers, q4_0, 1.2 MiB"

private:
    Model() = default;
    Status loadWeights();

    std::unique_ptr<GgufFile> gguf_;
    std::unique_ptr<Backend> host_;
    LayerPlacement placement_;
    ModelParams params_;
    ModelWeights weights_;
    std::vector<std::unique_ptr<Buffer>> buffers_;
    uint64_t weightBytes_ = 0;
};

} // namespace hearth
