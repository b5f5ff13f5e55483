#pragma once
// Hyperparameters of a llama-family model, read from GGUF metadata ("<arch>.<key>").
#include "engine/core/result.h"
#include "engine/gguf/gguf_file.h"
#include "engine/model/backend.h"

#include <string>

namespace hearth {

enum class ModelArch { Llama, Qwen2, Phi3 };

struct ModelParams {
    ModelArch arch = ModelArch::Llama;
    std::string archName; // "llama", "qwen2", "phi3"
    int nVocab = 0;
    int nCtxTrain = 0; // context length the model was trained with
    int nEmbd = 0;
    int nLayer = 0;
    int nHead = 0;
    int nHeadKv = 0;
    int headDim = 0; // nEmbd / nHead unless attention.key_length says otherwise
    int nFf = 0;
    int nRot = 0; // rope.dimension_count (defaults to headDim)
    float ropeFreqBase = 10000.0f;
    float ropeFreqScale = 1.0f; // 1 / rope.scaling.factor for linear scaling
    RopeStyle ropeStyle = RopeStyle::Normal;
    float normEps = 1e-5f;

    int qDim() const { return nHead * headDim; }
    int kvDim() const { return nHeadKv * headDim; }
};

// Reads and checks the hyperparameters (every value positive, heads dividing evenly, ...).
Result<ModelParams> readModelParams(const GgufFile& gguf);

} // namespace hearth
