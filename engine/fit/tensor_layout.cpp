#include "engine/fit/tensor_layout.h"

#include <charconv>

namespace hearth::fit {

int layerOfTensorName(const std::string& name) {
    if (name.rfind("blk.", 0) != 0) return -1;
    const char* first = name.data() + 4;
    const char* last = name.data() + name.size();
    int layer = -1;
    auto [ptr, ec] = std::from_chars(first, last, layer);
    if (ec != std::errc() || ptr == first || ptr == last || *ptr != '.' || layer < 0) return -1;
    return layer;
}

std::vector<TensorSlot> slotsFromGguf(const GgufFile& file) {
    std::vector<TensorSlot> out;
    out.reserve(file.tensors().size());
    for (const auto& t : file.tensors()) {
        TensorSlot s;
        s.name = std::string(t.name);
        s.layer = layerOfTensorName(s.name);
        for (int d = 0; d < 4; ++d) s.ne[d] = t.ne[d];
        s.nDims = t.nDims;
        s.type = t.type;
        out.push_back(std::move(s));
    }
    return out;
}

namespace {

struct Builder {
    std::vector<TensorSlot> tensorSlots;
    void add(std::string name, int layer, int64_t ne0, int64_t ne1 = 0) {
        TensorSlot s;
        s.name = std::move(name);
        s.layer = layer;
        s.ne[0] = ne0;
        s.ne[1] = ne1 > 0 ? ne1 : 1;
        s.nDims = ne1 > 0 ? 2 : 1;
        tensorSlots.push_back(std::move(s));
    }
};

} // namespace

std::vector<TensorSlot> synthesizeSlots(const ModelShape& m) {
    Builder b;
    const bool phi3 = m.arch == "phi3";
    const bool qwen2 = m.arch == "qwen2";
    const bool gemma2 = m.arch == "gemma2" || m.arch == "gemma3";
    const int64_t qDim = m.nHead * m.headDimK;
    const int64_t kDim = m.nHeadKv * m.headDimK;
    const int64_t vDim = m.nHeadKv * m.headDimV;
    const int64_t oDim = m.nHead * m.headDimV;

    b.add("token_embd.weight", -1, m.nEmbd, m.nVocab);
    b.add("output_norm.weight", -1, m.nEmbd);
    if (!m.tiedEmbeddings) b.add("output.weight", -1, m.nEmbd, m.nVocab);
    if (phi3) {
        // LongRoPE factors, one per rotary pair.
        b.add("rope_factors_long.weight", -1, m.headDimK / 2);
        b.add("rope_factors_short.weight", -1, m.headDimK / 2);
    }
    for (int i = 0; i < static_cast<int>(m.nLayer); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        b.add(p + "attn_norm.weight", i, m.nEmbd);
        if (phi3) {
            b.add(p + "attn_qkv.weight", i, m.nEmbd, qDim + kDim + vDim);
        } else {
            b.add(p + "attn_q.weight", i, m.nEmbd, qDim);
            b.add(p + "attn_k.weight", i, m.nEmbd, kDim);
            b.add(p + "attn_v.weight", i, m.nEmbd, vDim);
            if (qwen2) {
                b.add(p + "attn_q.bias", i, qDim);
                b.add(p + "attn_k.bias", i, kDim);
                b.add(p + "attn_v.bias", i, vDim);
            }
        }
        b.add(p + "attn_output.weight", i, oDim, m.nEmbd);
        if (gemma2) b.add(p + "post_attention_norm.weight", i, m.nEmbd);
        b.add(p + "ffn_norm.weight", i, m.nEmbd);
        if (phi3) {
            b.add(p + "ffn_up.weight", i, m.nEmbd, 2 * m.nFf); // gate and up fused
        } else {
            b.add(p + "ffn_gate.weight", i, m.nEmbd, m.nFf);
            b.add(p + "ffn_up.weight", i, m.nEmbd, m.nFf);
        }
        b.add(p + "ffn_down.weight", i, m.nFf, m.nEmbd);
        if (gemma2) b.add(p + "post_ffw_norm.weight", i, m.nEmbd);
    }
    return std::move(b.tensorSlots);
}

} // namespace hearth::fit
