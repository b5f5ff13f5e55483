#include "engine/tokenizer/vocab.h"

#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/bpe_presets.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace hearth {

namespace {

// GGUF token types (tokenizer.ggml.token_type).
uint32_t attrFromTokenType(int64_t type) {
    switch (type) {
    case 1:
        return kAttrNormal;
    case 2:
        return kAttrUnknown;
    case 3:
        return kAttrControl;
    case 4:
        return kAttrUserDefined;
    case 5:
        return kAttrUnused;
    case 6:
        return kAttrByte;
    default:
        return kAttrUndefined;
    }
}

bool isNumericArray(const GgufValue* v) {
    return v && v->isArray() && v->elemType != GgufValueType::String &&
           v->elemType != GgufValueType::Array && v->elemType != GgufValueType::Bool;
}

Status setDefaultsForModel(Vocab& v) {
    if (v.model == "llama") {
        v.type = VocabType::Spm;
        v.bos = 1;
        v.eos = 2;
        v.unk = 0;
        v.addSpacePrefix = true;
        v.addBos = true;
        return {};
    }
    if (v.model == "gpt2") {
        v.type = VocabType::Bpe;
        v.bos = 11;
        v.eos = 11;
        v.cleanSpaces = true;
        return {};
    }
    if (v.model == "bert") {
        v.type = VocabType::Wpm;
        v.bos = 101;
        v.unk = 100;
        v.sep = 102;
        v.pad = 0;
        v.mask = 103;
        v.cleanSpaces = true;
        v.addBos = true;
        v.addSep = true;
        return {};
    }
    return makeError("unsupported tokenizer model '" + v.model +
                     "' (supported: llama, gpt2, bert)");
}

Status applyBpePreset(Vocab& v) {
    const tok::BpePreset* p = tok::findBpePreset(v.pre);
    if (!p) return makeError("unknown BPE pre-tokenizer '" + v.pre + "'");
    v.ignoreMerges = p->ignoreMerges;
    v.cleanSpaces = p->cleanSpaces;
    if (p->forceAddBos) v.addBos = true;
    if (p->noBos) v.bos = -1;
    return {};
}

Status readTokens(const GgufFile& file, Vocab& v) {
    const auto* tokens = file.getStringArray("tokenizer.ggml.tokens");
    if (!tokens || tokens->empty())
        return makeError("tokenizer.ggml.tokens is missing or not a string array");
    if (tokens->size() > static_cast<size_t>(INT32_MAX))
        return makeError("tokenizer.ggml.tokens has too many entries");
    const size_t n = tokens->size();

    const GgufValue* scores = file.getArray("tokenizer.ggml.scores");
    if (scores && (!isNumericArray(scores) || scores->count != n))
        return makeError("tokenizer.ggml.scores must be a numeric array with one entry per token");
    const GgufValue* types = file.getArray("tokenizer.ggml.token_type");
    if (types && (!isNumericArray(types) || types->count != n))
        return makeError("tokenizer.ggml.token_type must be a numeric array with one entry per "
                         "token");

    v.tokens.resize(n);
    v.scores.assign(n, 0.0f);
    v.attrs.assign(n, kAttrNormal);
    for (size_t i = 0; i < n; ++i) {
        std::string text((*tokens)[i]);
        if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]"; // as the reference does
        v.maxTokenLen = std::max(v.maxTokenLen, text.size());
        v.tokens[i] = std::move(text);
        if (scores) v.scores[i] = static_cast<float>(scores->floatAt(i));
        if (types) v.attrs[i] = attrFromTokenType(types->intAt(i));
    }
    v.ids.build(v.tokens);
    return {};
}

Status readMerges(const GgufFile& file, Vocab& v) {
    const auto* merges = file.getStringArray("tokenizer.ggml.merges");
    if (!merges) return makeError("BPE vocab has no tokenizer.ggml.merges");
    v.merges.reserve(merges->size());
    for (std::string_view m : *merges) v.merges.emplace_back(m);
    return {};
}

void readSpecialIds(const GgufFile& file, Vocab& v) {
    const std::array<std::pair<const char*, int32_t*>, 8> keys = {{
        {"tokenizer.ggml.bos_token_id", &v.bos},
        {"tokenizer.ggml.eos_token_id", &v.eos},
        {"tokenizer.ggml.eot_token_id", &v.eot},
        {"tokenizer.ggml.eom_token_id", &v.eom},
        {"tokenizer.ggml.unknown_token_id", &v.unk},
        {"tokenizer.ggml.seperator_token_id", &v.sep},
        {"tokenizer.ggml.padding_token_id", &v.pad},
        {"tokenizer.ggml.mask_token_id", &v.mask},
    }};
    for (const auto& [key, id] : keys) {
        const auto value = file.getInt(key);
        // An id outside the vocab is ignored and the default kept, like the reference.
        if (value && *value >= 0 && *value < v.size()) *id = static_cast<int32_t>(*value);
    }
    if (const auto b = file.getBool("tokenizer.ggml.add_bos_token")) v.addBos = *b;
    if (const auto b = file.getBool("tokenizer.ggml.add_eos_token")) v.addEos = *b;
    if (const auto b = file.getBool("tokenizer.ggml.add_sep_token")) v.addSep = *b;
}

bool textIsOneOf(std::string_view text, std::initializer_list<std::string_view> options) {
    return std::find(options.begin(), options.end(), text) != options.end();
}

// Tokens found by their text: EOT/EOM when metadata lacks them, and the end-of-generation set.
// Such tokens are forced to control type, as the reference does for mislabelled vocabs.
void detectEndTokens(Vocab& v) {
    const auto forceControl = [&](int32_t id) {
        if (!(v.attrs[id] & kAttrControl)) v.attrs[id] = kAttrControl;
    };
    // Each distinct text once, with the id a lookup gives (the reference walks its text map).
    std::vector<int32_t> distinct;
    for (int32_t id = 0; id < v.size(); ++id)
        if (v.find(v.tokens[id]) == id) distinct.push_back(id);
    for (int32_t id : distinct) {
        const std::string& text = v.tokens[id];
        if (v.eot < 0 && textIsOneOf(text, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
                                            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>",
                                            "<｜end▁of▁sentence｜>", "<end_of_utterance>"})) {
            v.eot = id;
            forceControl(id);
        }
        if (v.eom < 0 && text == "<|eom_id|>") {
            v.eom = id;
            forceControl(id);
        }
    }
    for (int32_t id : distinct) {
        const std::string& text = v.tokens[id];
        if (textIsOneOf(text, {"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
                               "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>",
                               "<|end_of_text|>", "<end_of_utterance>"})) {
            v.eog.insert(id);
            forceControl(id);
        }
    }
    for (int32_t id : {v.eos, v.eot, v.eom})
        if (id >= 0) v.eog.insert(id);
}

void buildSpecialTokenList(Vocab& v) {
    for (int32_t id = 0; id < v.size(); ++id)
        if (v.attrs[id] & (kAttrControl | kAttrUserDefined | kAttrUnknown))
            v.specialTokens.push_back(id);
    // Longest first so that a token containing another one wins; stable keeps id order on ties.
    std::stable_sort(v.specialTokens.begin(), v.specialTokens.end(),
                     [&](int32_t a, int32_t b) { return v.tokens[a].size() > v.tokens[b].size(); });
}

// Per-model strip attributes the reference applies by name (Phi-3 eats spaces after specials).
void applyModelAttributes(const GgufFile& file, Vocab& v) {
    std::string name(file.getString("general.name").value_or(""));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string arch(file.getString("general.architecture").value_or(""));
    const auto setAttr = [&](int32_t id, uint32_t attr, bool on) {
        if (!v.valid(id)) return;
        v.attrs[id] = on ? (v.attrs[id] | attr) : (v.attrs[id] & ~attr);
    };
    const bool jinaLike = textIsOneOf(v.pre, {"jina-v2-de", "jina-v2-es", "jina-v2-code"}) ||
                          arch.find("nomic-bert-moe") != std::string::npos ||
                          arch.find("jina-bert-v3") != std::string::npos;
    if (jinaLike) {
        setAttr(v.find("<mask>"), kAttrLStrip, true);
    } else if (name.find("phi-3") != std::string::npos || name.find("phi3") != std::string::npos) {
        for (int32_t id : v.specialTokens) setAttr(id, kAttrRStrip, true);
        setAttr(v.find("</s>"), kAttrRStrip, true);
        for (const char* t : {"<unk>", "<s>", "<|endoftext|>"})
            setAttr(v.find(t), kAttrRStrip, false);
    }
}

} // namespace

Result<Vocab> loadVocab(const GgufFile& file) {
    Vocab v;
    const auto model = file.getString("tokenizer.ggml.model");
    if (!model) return makeError("the file has no tokenizer (tokenizer.ggml.model is missing)");
    v.model = std::string(*model);
    if (auto s = setDefaultsForModel(v); !s) return std::move(s).takeError();

    if (const auto pre = file.getString("tokenizer.ggml.pre"); pre && !pre->empty())
        v.pre = std::string(*pre);
    if (auto s = readTokens(file, v); !s) return std::move(s).takeError();
    if (v.type == VocabType::Bpe) {
        if (auto s = readMerges(file, v); !s) return std::move(s).takeError();
        if (auto s = applyBpePreset(v); !s) return std::move(s).takeError();
    }
    if (const auto b = file.getBool("tokenizer.ggml.add_space_prefix")) v.addSpacePrefix = *b;

    readSpecialIds(file, v);
    detectEndTokens(v);
    buildSpecialTokenList(v);
    applyModelAttributes(file, v);

    if (v.type == VocabType::Spm) {
        v.newline = v.find("<0x0A>");
        if (v.newline < 0) v.newline = v.find("\n");
    } else if (v.type == VocabType::Bpe) {
        v.newline = v.find("\xC4\x8A"); // 'Ċ': the byte-level spelling of '\n'
    }
    if (v.newline < 0) v.newline = v.pad;
    return v;
}

} // namespace hearth
