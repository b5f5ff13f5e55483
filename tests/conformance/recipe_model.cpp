#include "conformance/recipe_model.h"

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"

#include <array>
#include <cstring>

namespace hearth::conformance {
namespace {

constexpr int kEmbd = 256, kLayers = 2, kHeads = 8, kHeadDim = 32, kFf = 768;

uint64_t fnv1a64(const std::string& s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char b : s) h = (h ^ b) * 0x100000001b3ull;
    return h;
}

uint64_t mix64(uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ull;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z;
}

constexpr double kScale = 0x1.1bc779ef0d4e8p-29; // (0.02 * sqrt(3)) / 2^24

bool isNorm(const std::string& name) {
    return name.find("_norm") != std::string::npos;
}

float valueFromKey(uint64_t key, uint64_t i, bool norm) {
    int64_t c = -2 * ((int64_t{1} << 24) - 1);
    for (uint64_t j = 0; j < 4; ++j)
        c += static_cast<int64_t>(mix64(key + (4 * i + j + 1) * 0x9e3779b97f4a7c15ull) >> 40);
    const double v = static_cast<double>(c) * kScale;
    return static_cast<float>(norm ? 1.0 + v : v);
}

} // namespace

float recipeValue(uint64_t seed, const std::string& name, uint64_t index) {
    return valueFromKey(fnv1a64(name) ^ mix64(seed), index, isNorm(name));
}

RecipeSpec llama3BpeSpec(const std::string& dir) {
    return {"cf-a-llama3bpe",
            "llama",
            dir + "/vocab/ggml-vocab-llama-bpe.rebuilt.gguf",
            1001,
            128256,
            2,
            500000.0f,
            1e-5f,
            false,
            false};
}

RecipeSpec qwen2Spec(const std::string& dir) {
    return {"cf-c-qwen2", "qwen2", dir + "/vocab/ggml-vocab-qwen2.rebuilt.gguf",
            1003,         151936,  2,
            1000000.0f,   1e-6f,   true,
            true};
}

Status writeRecipeModel(const RecipeSpec& s, const std::string& outPath) {
    auto vocab = GgufFile::open(s.vocabPath);
    if (!vocab) return makeError(vocab.error());
    GgufWriter w;
    w.setString("general.architecture", s.arch);
    w.setString("general.name", s.stem);
    w.copyMetadata(**vocab, [](std::string_view key) { return key.starts_with("tokenizer."); });
    const std::string a = s.arch + ".";
    w.setU32(a + "context_length", 2048);
    w.setU32(a + "embedding_length", kEmbd);
    w.setU32(a + "block_count", kLayers);
    w.setU32(a + "feed_forward_length", kFf);
    w.setU32(a + "attention.head_count", kHeads);
    w.setU32(a + "attention.head_count_kv", static_cast<uint32_t>(s.nHeadKv));
    w.setF32(a + "rope.freq_base", s.ropeBase);
    w.setF32(a + "attention.layer_norm_rms_epsilon", s.rmsEps);
    w.setU32(a + "rope.dimension_count", kHeadDim);
    w.setU32(a + "vocab_size", static_cast<uint32_t>(s.nVocab));
    w.setU32("general.file_type", 0);

    auto add = [&](const std::string& name, int64_t cols, int64_t rows) -> Status {
        const uint64_t key = fnv1a64(name) ^ mix64(s.seed);
        const bool norm = isNorm(name);
        auto fill = [key, norm](uint8_t* out, uint64_t nbytes) -> Status {
            float* f = reinterpret_cast<float*>(out);
            for (uint64_t i = 0; i < nbytes / 4; ++i) f[i] = valueFromKey(key, i, norm);
            return {};
        };
        if (rows == 1) {
            const std::array<int64_t, 1> ne{cols};
            return w.addTensor(name, GgmlType::F32, ne, fill);
        }
        const std::array<int64_t, 2> ne{cols, rows};
        return w.addTensor(name, GgmlType::F32, ne, fill);
    };
    const int kvDim = kHeadDim * s.nHeadKv;
    Status st = add("token_embd.weight", kEmbd, s.nVocab);
    if (st) st = add("output_norm.weight", kEmbd, 1);
    if (st && !s.tiedOutput) st = add("output.weight", kEmbd, s.nVocab);
    for (int l = 0; l < kLayers && st; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        if (st) st = add(b + "attn_norm.weight", kEmbd, 1);
        if (st) st = add(b + "attn_q.weight", kEmbd, kEmbd);
        if (st) st = add(b + "attn_k.weight", kEmbd, kvDim);
        if (st) st = add(b + "attn_v.weight", kEmbd, kvDim);
        if (st && s.qkvBias) st = add(b + "attn_q.bias", kEmbd, 1);
        if (st && s.qkvBias) st = add(b + "attn_k.bias", kvDim, 1);
        if (st && s.qkvBias) st = add(b + "attn_v.bias", kvDim, 1);
        if (st) st = add(b + "attn_output.weight", kEmbd, kEmbd);
        if (st) st = add(b + "ffn_norm.weight", kEmbd, 1);
        if (st) st = add(b + "ffn_gate.weight", kEmbd, kFf);
        if (st) st = add(b + "ffn_up.weight", kEmbd, kFf);
        if (st) st = add(b + "ffn_down.weight", kFf, kEmbd);
    }
    if (!st) return st;
    return w.writeFile(outPath);
}

} // namespace hearth::conformance
