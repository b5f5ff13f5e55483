#pragma once
// TensorPlan: every weight tensor with the type and byte size it has in one variant, and the sums
// the fit needs: per-layer bytes (what moves to the GPU with a layer), the input embedding (stays
// on the CPU; only a few rows are read per token) and the output head (goes with the last layer).
#include "engine/core/result.h"
#include "engine/fit/model_shape.h"
#include "engine/fit/quant_mix.h"
#include "engine/fit/tensor_layout.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::fit {

struct PlannedTensor {
    TensorSlot slot; // name, layer, shape
    GgmlType type = GgmlType::F32;
    uint64_t bytes = 0;
};

struct TensorPlan {
    std::string variant; // "Q4_K_M", or the file's own type name for a plan taken as stored
    std::vector<PlannedTensor> tensors;
    std::vector<uint64_t> layerBytes; // index = block
    uint64_t inputBytes = 0;     // token embeddings (and anything else outside blocks but the head)
    uint64_t outputBytes = 0;    // output norm and output matrix (0 extra when tied)
    uint64_t embeddingBytes = 0; // token_embd alone: a tied head needs a copy where it runs
    uint64_t totalBytes = 0;
    uint64_t parameters = 0;

    double bitsPerWeight() const {
        return parameters ? 8.0 * static_cast<double>(totalBytes) / static_cast<double>(parameters)
                          : 0;
    }
};

// The tensors as they are stored (a local or remote GGUF).
Result<TensorPlan> planAsStored(const std::vector<TensorSlot>& tensorSlots, const ModelShape& shape,
                                std::string name);
// The same tensors re-typed by the variant's mixing rules.
Result<TensorPlan> planVariant(const std::vector<TensorSlot>& tensorSlots, const ModelShape& shape,
                               const QuantVariant& variant);

} // namespace hearth::fit
