#pragma once
// TensorSlot: one weight tensor's name, block index and shape, without data. Slots come from a
// real GGUF (its own types) or are synthesized from a ModelShape for catalog entries, which is
// how a model we have never downloaded gets a per-tensor size estimate.
#include "engine/fit/model_shape.h"
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::fit {

struct TensorSlot {
    std::string name;
    int layer = -1; // N for "blk.N.*", -1 for embeddings, output head and other globals
    int64_t ne[4] = {1, 1, 1, 1}; // ggml order: ne[0] is the row length
    uint32_t nDims = 1;
    GgmlType type = GgmlType::F32; // the type as stored (F32 for synthesized tensorSlots)

    int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

// "blk.12.attn_v.weight" -> 12; anything else -> -1.
int layerOfTensorName(const std::string& name);

std::vector<TensorSlot> slotsFromGguf(const GgufFile& file);

// The tensors llama.cpp's converter writes for this architecture (llama, mistral, qwen2, phi3,
// gemma2; unknown architectures get the llama layout, which is right for most dense models).
std::vector<TensorSlot> synthesizeSlots(const ModelShape& shape);

} // namespace hearth::fit
