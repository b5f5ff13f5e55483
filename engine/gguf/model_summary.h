#pragma once
// ModelSummary: what a person wants to know about a GGUF before loading it, computed from the
// file alone (metadata and tensor shapes): architecture, size, quantization mix, shape numbers.
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hearth {

struct ModelSummary {
    std::string architecture;        // general.architecture ("llama", "qwen2", ...)
    std::string name;                // general.name, else empty
    uint64_t parameterCount = 0;     // sum of tensor element counts
    std::optional<int64_t> fileType; // general.file_type (llama.cpp's LLAMA_FTYPE)
    std::string fileTypeName;        // "Q4_K_M", "F16", ...; guessed from tensors if absent
    std::vector<std::pair<GgmlType, int>> tensorTypes; // quantized first, by count
    std::string typeMix;                               // "Q4_K_M: 13 tensors Q4_K, 3 Q6_K, 5 F32"
    double bitsPerWeight = 0;                          // tensor bytes * 8 / parameters
    uint64_t tensorBytes = 0;
    std::optional<int64_t> contextLength;
    std::optional<int64_t> embeddingLength;
    std::optional<int64_t> blockCount;
    std::optional<int64_t> headCount;   // max over layers when given per layer
    std::optional<int64_t> headCountKv; // defaults to headCount, as llama.cpp does
    std::optional<int64_t> vocabSize;
    std::string tokenizerModel; // tokenizer.ggml.model ("llama" = SentencePiece, "gpt2" = BPE)
    std::string tokenizerPre;   // tokenizer.ggml.pre
    bool hasChatTemplate = false;
    std::string license; // general.license
    uint64_t fileSize = 0;
};

ModelSummary summarizeModel(const GgufFile& file);

// llama.cpp's LLAMA_FTYPE numbering -> the quantization name ("Q4_K_M"); nullopt if unknown.
std::optional<std::string> llamaFileTypeName(int64_t fileType);
// Ollama's HumanNumber: "8B", "7.6B", "135M", "494.03M", "260K".
std::string formatParameterCount(uint64_t n);
// A one-paragraph text rendering, used by `hearth-cli show`.
std::string describeSummary(const ModelSummary& s);

} // namespace hearth
