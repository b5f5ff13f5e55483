#pragma once
// Vocab: everything tokenizer.* in a GGUF says, copied into owned memory and completed with the
// reference implementation's defaults and fix-ups (special ids, add-BOS/EOS, end-of-generation
// set, per-model token attributes).
#include "engine/core/result.h"
#include "engine/tokenizer/token_table.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hearth {

class GgufFile;

enum class VocabType { Spm, Bpe, Wpm };

// Token attributes as bit flags (the reference's llama_token_attr).
enum TokenAttr : uint32_t {
    kAttrUndefined = 0,
    kAttrUnknown = 1u << 0,
    kAttrUnused = 1u << 1,
    kAttrNormal = 1u << 2,
    kAttrControl = 1u << 3,
    kAttrUserDefined = 1u << 4,
    kAttrByte = 1u << 5,
    kAttrNormalized = 1u << 6,
    kAttrLStrip = 1u << 7,
    kAttrRStrip = 1u << 8,
    kAttrSingleWord = 1u << 9,
};

struct Vocab {
    VocabType type = VocabType::Spm;
    std::string model;           // tokenizer.ggml.model
    std::string pre = "default"; // tokenizer.ggml.pre

    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<uint32_t> attrs;     // TokenAttr bits per token
    tok::TokenTable ids;             // text -> id (a later duplicate wins, as in the reference)
    std::vector<std::string> merges; // BPE merges "left right", rank = index
    size_t maxTokenLen = 0;

    int32_t bos = -1, eos = -1, eot = -1, eom = -1, unk = -1, sep = -1, pad = -1, mask = -1;
    int32_t newline = -1;
    bool addBos = false, addEos = false, addSep = false;
    bool addSpacePrefix = false;
    bool cleanSpaces = false;  // detokenizer removes spaces before punctuation
    bool ignoreMerges = false; // BPE: a pre-token that is itself a token is not split
    std::unordered_set<int32_t> eog;
    std::vector<int32_t> specialTokens; // control/user-defined/unknown, longest text first

    int32_t size() const { return static_cast<int32_t>(tokens.size()); }
    bool valid(int32_t id) const { return id >= 0 && id < size(); }
    int32_t find(std::string_view text) const { return ids.find(text, tokens); }
};

// Reads and checks the tokenizer metadata. Errors name the key that is missing or malformed.
Result<Vocab> loadVocab(const GgufFile& file);

} // namespace hearth
