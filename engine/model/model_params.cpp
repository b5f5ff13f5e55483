#include "engine/model/model_params.h"

namespace hearth {
namespace {

std::optional<int64_t> archInt(const GgufFile& g, const std::string& arch, const char* key) {
    return g.getInt(arch + "." + key);
}

} // namespace

Result<ModelParams> readModelParams(const GgufFile& g) {
    ModelParams p;
    const auto arch = g.getString("general.architecture");
    if (!arch) return makeError("model has no general.architecture");
    p.archName = std::string(*arch);
    if (p.archName == "llama") {
        p.arch = ModelArch::Llama;
        p.ropeStyle = RopeStyle::Normal;
    } else if (p.archName == "qwen2") {
        p.arch = ModelArch::Qwen2;
        p.ropeStyle = RopeStyle::NeoX;
    } else if (p.archName == "phi3") {
        p.arch = ModelArch::Phi3;
        p.ropeStyle = RopeStyle::NeoX;
    } else {
        return makeError("unsupported model architecture '" + p.archName +
                         "' (supported: llama, qwen2, phi3)");
    }
    const std::string& a = p.archName;
    auto required = [&](const char* key, int& out) -> Status {
        const auto v = archInt(g, a, key);
        if (!v) return makeError("model metadata lacks " + a + "." + key);
        if (*v <= 0 || *v > (1 << 30))
            return makeError("model metadata " + a + "." + key + " = " + std::to_string(*v) +
                             " is out of range");
        out = static_cast<int>(*v);
        return {};
    };
    for (auto [key, out] :
         {std::pair{"embedding_length", &p.nEmbd}, std::pair{"block_count", &p.nLayer},
          std::pair{"feed_forward_length", &p.nFf}, std::pair{"attention.head_count", &p.nHead}}) {
        if (auto s = required(key, *out); !s) return std::move(s).takeError();
    }
    p.nCtxTrain = static_cast<int>(archInt(g, a, "context_length").value_or(2048));
    p.nHeadKv = static_cast<int>(archInt(g, a, "attention.head_count_kv").value_or(p.nHead));
    if (p.nHeadKv <= 0 || p.nHead % p.nHeadKv != 0)
        return makeError("attention.head_count " + std::to_string(p.nHead) +
                         " is not a multiple of head_count_kv " + std::to_string(p.nHeadKv));
    if (p.nEmbd % p.nHead != 0 && !archInt(g, a, "attention.key_length"))
        return makeError("embedding_length is not a multiple of attention.head_count");
    p.headDim = static_cast<int>(archInt(g, a, "attention.key_length").value_or(p.nEmbd / p.nHead));
    const auto valueLength = archInt(g, a, "attention.value_length");
    if (valueLength && *valueLength != p.headDim)
        return makeError("different key and value head sizes are not supported");
    p.nRot = static_cast<int>(archInt(g, a, "rope.dimension_count").value_or(p.headDim));
    if (p.headDim <= 0 || p.nRot <= 0 || p.nRot > p.headDim || p.nRot % 2 != 0)
        return makeError("bad rope.dimension_count " + std::to_string(p.nRot));
    p.ropeFreqBase = static_cast<float>(g.getFloat(a + ".rope.freq_base").value_or(10000.0));
    if (const auto type = g.getString(a + ".rope.scaling.type")) {
        if (*type == "linear") {
            const double f = g.getFloat(a + ".rope.scaling.factor").value_or(1.0);
            if (f > 0) p.ropeFreqScale = static_cast<float>(1.0 / f);
        } else if (*type != "none") {
            return makeError("rope scaling '" + std::string(*type) + "' is not supported");
        }
    }
    p.normEps =
        static_cast<float>(g.getFloat(a + ".attention.layer_norm_rms_epsilon").value_or(1e-5));
    if (!(p.ropeFreqBase > 0) || !(p.normEps > 0))
        return makeError("bad rope.freq_base or norm epsilon");

    // The vocabulary size: metadata when present, else the embedding table.
    if (const auto v = archInt(g, a, "vocab_size"))
        p.nVocab = static_cast<int>(*v);
    else if (const auto* t = g.tensor("token_embd.weight"))
        p.nVocab = static_cast<int>(t->ne[1]);
    if (p.nVocab <= 0) return makeError("cannot tell the vocabulary size");
    return p;
}

} // namespace hearth
