#include "engine/fit/model_shape.h"

#include <algorithm>

namespace hearth::fit {

namespace {

constexpr int64_t kLimit = int64_t{1} << 40; // any count beyond this is a corrupt header

// head_count_kv may be a per-layer array (some hybrid models); the largest entry sizes the cache.
std::optional<int64_t> intOrArrayMax(const GgufFile& f, const std::string& key) {
    if (auto v = f.getInt(key)) return v;
    const GgufValue* a = f.getArray(key);
    if (!a || a->count == 0 || a->elemType == GgufValueType::String ||
        a->elemType == GgufValueType::Array)
        return std::nullopt;
    int64_t best = 0;
    for (uint64_t i = 0; i < a->count; ++i) best = std::max(best, a->intAt(i));
    return best;
}

} // namespace

Status ModelShape::validate() const {
    auto bad = [](const char* what, int64_t v) {
        return makeError(std::string("model shape: ") + what + " is " + std::to_string(v));
    };
    if (nLayer <= 0 || nLayer > 100000) return bad("layer count", nLayer);
    if (nEmbd <= 0 || nEmbd > kLimit) return bad("embedding length", nEmbd);
    if (nHead <= 0 || nHead > nEmbd * 64) return bad("head count", nHead);
    if (nHeadKv <= 0 || nHeadKv > nHead) return bad("KV head count", nHeadKv);
    if (nHead % nHeadKv != 0)
        return makeError("model shape: head count " + std::to_string(nHead) +
                         " is not a multiple of the KV head count " + std::to_string(nHeadKv));
    if (headDimK <= 0 || headDimK > 65536) return bad("key head dimension", headDimK);
    if (headDimV <= 0 || headDimV > 65536) return bad("value head dimension", headDimV);
    if (nFf <= 0 || nFf > kLimit) return bad("feed-forward length", nFf);
    if (nVocab <= 0 || nVocab > kLimit) return bad("vocabulary size", nVocab);
    if (nCtxTrain <= 0 || nCtxTrain > kLimit) return bad("context length", nCtxTrain);
    return {};
}

Result<ModelShape> shapeFromGguf(const GgufFile& f) {
    ModelShape s;
    auto arch = f.getString("general.architecture");
    if (!arch || arch->empty()) return makeError("GGUF has no general.architecture");
    s.arch = std::string(*arch);
    const std::string p = s.arch + ".";
    auto need = [&](const char* key, int64_t& out) -> Status {
        auto v = f.getInt(p + key);
        if (!v) return makeError("GGUF has no " + p + key);
        out = *v;
        return {};
    };
    if (auto st = need("block_count", s.nLayer); !st) return std::move(st).takeError();
    if (auto st = need("embedding_length", s.nEmbd); !st) return std::move(st).takeError();
    if (auto st = need("context_length", s.nCtxTrain); !st) return std::move(st).takeError();
    auto heads = intOrArrayMax(f, p + "attention.head_count");
    if (!heads) return makeError("GGUF has no " + p + "attention.head_count");
    s.nHead = *heads;
    s.nHeadKv = intOrArrayMax(f, p + "attention.head_count_kv").value_or(s.nHead);
    const int64_t defHead = s.nHead > 0 ? s.nEmbd / s.nHead : 0;
    s.headDimK = f.getInt(p + "attention.key_length").value_or(defHead);
    s.headDimV = f.getInt(p + "attention.value_length").value_or(defHead);
    const GgufTensor* embd = f.tensor("token_embd.weight");
    if (auto ff = intOrArrayMax(f, p + "feed_forward_length")) {
        s.nFf = *ff;
    } else if (const GgufTensor* down = f.tensor("blk.0.ffn_down.weight")) {
        s.nFf = down->ne[0];
    }
    if (auto v = f.getInt(p + "vocab_size")) {
        s.nVocab = *v;
    } else if (embd) {
        s.nVocab = embd->ne[1];
    } else if (auto* toks = f.getStringArray("tokenizer.ggml.tokens")) {
        s.nVocab = static_cast<int64_t>(toks->size());
    }
    s.tiedEmbeddings = f.tensor("output.weight") == nullptr;
    if (auto st = s.validate(); !st) return std::move(st).takeError();
    return s;
}

} // namespace hearth::fit
