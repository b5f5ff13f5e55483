#pragma once
// ModelShape: the few hyper-parameters that decide how much memory a transformer needs, read from
// a GGUF header or written in the catalog. Everything else in engine/fit is computed from these
// and from tensor types.
#include "engine/core/result.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <string>

namespace hearth::fit {

struct ModelShape {
    std::string arch;   // general.architecture: "llama", "qwen2", "phi3", "gemma2", ...
    int64_t nLayer = 0; // repeating blocks
    int64_t nEmbd = 0;
    int64_t nHead = 0;
    int64_t nHeadKv = 0;  // < nHead for grouped-query attention
    int64_t headDimK = 0; // per-head key width (n_embd / n_head unless the model says otherwise)
    int64_t headDimV = 0;
    int64_t nFf = 0;
    int64_t nVocab = 0;
    int64_t nCtxTrain = 0;       // the model's maximum context
    bool tiedEmbeddings = false; // no output.weight: token_embd doubles as the output head

    // Query heads per KV head (1 = plain multi-head attention).
    int64_t nGqa() const { return nHeadKv > 0 ? nHead / nHeadKv : 0; }
    // Clear error for zero, negative or inconsistent numbers (hostile files, typos in the catalog).
    Status validate() const;
};

// Reads the shape from `<arch>.*` keys; falls back to tensor shapes where keys are optional.
Result<ModelShape> shapeFromGguf(const GgufFile& file);

} // namespace hearth::fit
