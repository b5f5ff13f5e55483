#pragma once
// Recreates the unshipped synthetic models (cf-a-llama3bpe, cf-c-qwen2) from the conformance
// README's bit-exact weight recipe, laid out as the reference's writer did (so sha256 matches).
#include "engine/core/result.h"

#include <cstdint>
#include <string>

namespace hearth::conformance {

struct RecipeSpec {
    std::string stem;      // general.name, e.g. "cf-c-qwen2"
    std::string arch;      // "llama" or "qwen2"
    std::string vocabPath; // vocab-only GGUF whose tokenizer.* keys are copied
    uint64_t seed = 0;
    int nVocab = 0;
    int nHeadKv = 0;
    float ropeBase = 0;
    float rmsEps = 0;
    bool tiedOutput = false;
    bool qkvBias = false;
};

RecipeSpec llama3BpeSpec(const std::string& conformanceDir); // cf-a-llama3bpe
RecipeSpec qwen2Spec(const std::string& conformanceDir);     // cf-c-qwen2

// One weight value of the recipe: (seed, tensor name, flat element index) -> float.
float recipeValue(uint64_t seed, const std::string& tensorName, uint64_t index);

Status writeRecipeModel(const RecipeSpec& spec, const std::string& outPath);

} // namespace hearth::conformance
