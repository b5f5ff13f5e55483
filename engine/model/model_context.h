#pragma once
// ModelContext: the state of one sequence being evaluated by a Model — its KV cache (one per
// layer, on the layer's backend) and scratch tensors — and the forward pass itself. Prompts are
// evaluated in batches of up to maxBatch tokens, one matrix product per weight per batch.
#include "engine/core/result.h"
#include "engine/model/model.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

namespace hearth {

struct ContextOptions {
    int nCtx = 2048;                 // positions the KV cache holds
    GgmlType kvType = GgmlType::F16; // F16 (default, like llama.cpp) or F32
    int maxBatch = 512;              // tokens per forward batch
};

enum class LogitsFor { None, Last, All };

class ModelContext {
public:
    static Result<std::unique_ptr<ModelContext>> create(const Model& model,
                                                        const ContextOptions& options = {});
    ~ModelContext();

    const Model& model() const { return model_; }
    int nCtx() const { return options_.nCtx; }
    GgmlType kvType() const { return options_.kvType; }
    int nVocab() const { return model_.params().nVocab; }

    // Evaluates tokens at positions [pos0, pos0 + n). Cache entries at >= pos0 are overwritten,
    // so evaluating from an earlier position rewinds the sequence. Logits afterwards: one row of
    // nVocab per token (All), for the last token only (Last), or none.
    Status eval(std::span<const int32_t> tokens, int pos0, LogitsFor which);
    std::span<const float> logits() const { return logits_; }

private:
    struct Workspace;
    ModelContext(const Model& model, const ContextOptions& options);
    Result<Workspace*> workspace(Backend* backend);
    Status evalBatch(std::span<const int32_t> tokens, int pos0, LogitsFor which, float* logitsOut);

    const Model& model_;
    ContextOptions options_;
    std::vector<std::unique_ptr<Buffer>> cacheBuffers_;
    std::vector<Backend::KvCache> caches_; // per layer
    std::map<Backend*, std::unique_ptr<Workspace>> workspaces_;
    std::vector<float> logits_;
    std::vector<float> hostHidden_; // hand-over between backends
    std::vector<int32_t> positions_;
};

} // namespace hearth
