// The tensor-type rules and the streaming file conversion behind quantizeModelFile().
#include "engine/cpu/kernels/model_quantizer.h"

#include "engine/cpu/kernels/kernels.h"
#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <cctype>
#include <span>

namespace hearth::kernels {
namespace {

// llama_ftype values.
enum FileType : uint32_t {
    kAllF32 = 0,
    kF16 = 1,
    kQ4_0 = 2,
    kQ4_1 = 3,
    kQ8_0 = 7,
    kQ5_0 = 8,
    kQ5_1 = 9,
    kQ2_K = 10,
    kQ3_K_S = 11,
    kQ3_K_M = 12,
    kQ3_K_L = 13,
    kQ4_K_S = 14,
    kQ4_K_M = 15,
    kQ5_K_S = 16,
    kQ5_K_M = 17,
    kQ6_K = 18,
    kIQ4_NL = 25,
    kIQ4_XS = 30,
    kBF16 = 32,
};

bool contains(std::string_view s, std::string_view part) {
    return s.find(part) != std::string_view::npos;
}
bool endsWith(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Which tensors llama-quantize converts at all (the rest are copied as they are).
bool isQuantizable(const GgufTensor& t) {
    const std::string_view n = t.name;
    if (!endsWith(n, "weight") || t.nDims < 2) return false;
    for (std::string_view skip : {"_norm.weight", "ffn_gate_inp.weight", "altup", "laurel",
                                  "ssm_conv1d.weight", "time_mix_first.weight"})
        if (contains(n, skip)) return false;
    return n != "position_embd.weight" && n != "token_types.weight";
}

// The layer rule behind the _M mixes: more bits for the first and last eighth and every third.
bool useMoreBits(int layer, int layers) {
    return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
}

struct MixState {
    int nAttnV = 0, nFfnDown = 0; // totals over the model
    int iAttnV = 0, iFfnDown = 0; // seen so far
    int64_t nGqa = 1;             // query heads per KV head
    bool hasOutput = false;
};

// llama_tensor_get_type for the file types above (dense models, no importance matrix).
GgmlType mixedType(const GgufTensor& t, uint32_t ft, GgmlType type, MixState& s) {
    const std::string_view n = t.name;
    if (n == "output.weight" || (!s.hasOutput && n == "token_embd.weight")) {
        if (t.ne[0] % 256 != 0) return GgmlType::Q8_0;
        return type == GgmlType::Q8_0 ? type : GgmlType::Q6_K;
    }
    if (contains(n, "attn_v.weight")) {
        if (ft == kQ2_K)
            type = s.nGqa >= 4 ? GgmlType::Q4_K : GgmlType::Q3_K;
        else if (ft == kQ3_K_M)
            type = s.iAttnV < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
        else if (ft == kQ3_K_L)
            type = GgmlType::Q5_K;
        else if ((ft == kIQ4_NL || ft == kIQ4_XS) && s.nGqa >= 4)
            type = GgmlType::Q5_K;
        else if ((ft == kQ4_K_M || ft == kQ5_K_M) && useMoreBits(s.iAttnV, s.nAttnV))
            type = GgmlType::Q6_K;
        else if (ft == kQ4_K_S && s.iAttnV < 4)
            type = GgmlType::Q5_K;
        ++s.iAttnV;
    } else if (contains(n, "ffn_down")) {
        const int i = s.iFfnDown, layers = s.nFfnDown;
        if (ft == kQ2_K)
            type = GgmlType::Q3_K;
        else if (ft == kQ3_K_M)
            type = i < layers / 16 ? GgmlType::Q5_K : GgmlType::Q4_K;
        else if (ft == kQ3_K_L)
            type = GgmlType::Q5_K;
        else if (ft == kQ4_K_M) {
            if (useMoreBits(i, layers)) type = GgmlType::Q6_K;
        } else if (i < layers / 8 && (ft == kIQ4_NL || ft == kIQ4_XS))
            type = GgmlType::Q5_K;
        else if (ft == kQ5_K_M && useMoreBits(i, layers))
            type = GgmlType::Q6_K;
        else if (ft == kQ4_K_S && i < layers / 8)
            type = GgmlType::Q5_K;
        ++s.iFfnDown;
    } else if (contains(n, "attn_output.weight")) {
        if (ft == kQ2_K)
            type = GgmlType::Q3_K;
        else if (ft == kQ3_K_M)
            type = GgmlType::Q4_K;
        else if (ft == kQ3_K_L)
            type = GgmlType::Q5_K;
    } else if (contains(n, "attn_qkv.weight")) {
        if (ft == kQ3_K_M || ft == kQ3_K_L)
            type = GgmlType::Q4_K;
        else if (ft == kQ4_K_M)
            type = GgmlType::Q5_K;
        else if (ft == kQ5_K_M)
            type = GgmlType::Q6_K;
    }
    return type;
}

// Rows that do not fit the chosen block size fall back as llama.cpp does.
GgmlType fitRowLength(GgmlType type, int64_t rowLength) {
    const auto blockOf = [](GgmlType t) { return int64_t(ggmlTypeInfo(t).blockSize); };
    if (rowLength % blockOf(type) == 0) return type;
    switch (type) {
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::IQ4_XS:
        type = GgmlType::IQ4_NL;
        break;
    case GgmlType::Q4_K:
        type = GgmlType::Q5_0;
        break;
    case GgmlType::Q5_K:
        type = GgmlType::Q5_1;
        break;
    case GgmlType::Q6_K:
        type = GgmlType::Q8_0;
        break;
    default:
        break;
    }
    return rowLength % blockOf(type) == 0 ? type : GgmlType::F16;
}

// "blk.N." -> N; -1 for tensors outside the layers (llama.cpp's weight_name_comparer).
int layerOf(std::string_view name) {
    if (name.substr(0, 4) != "blk.") return -1;
    int layer = 0;
    size_t i = 4;
    if (i >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
    for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])); ++i)
        layer = layer * 10 + (name[i] - '0');
    return i < name.size() && name[i] == '.' ? layer : -1;
}

// llama-quantize visits (and writes) tensors ordered by layer, then by name.
std::vector<size_t> llamaTensorOrder(const std::vector<GgufTensor>& tensors) {
    std::vector<size_t> order(tensors.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const int la = layerOf(tensors[a].name), lb = layerOf(tensors[b].name);
        if (la != lb) return la < lb;
        return tensors[a].name < tensors[b].name;
    });
    return order;
}

bool isFloatSource(GgmlType t) {
    return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16;
}

} // namespace

const std::vector<QuantTarget>& quantTargets() {
    static const std::vector<QuantTarget> targets = {
        {"F32", kAllF32, GgmlType::F32},      {"F16", kF16, GgmlType::F16},
        {"BF16", kBF16, GgmlType::BF16},      {"Q8_0", kQ8_0, GgmlType::Q8_0},
        {"Q4_0", kQ4_0, GgmlType::Q4_0},      {"Q4_1", kQ4_1, GgmlType::Q4_1},
        {"Q5_0", kQ5_0, GgmlType::Q5_0},      {"Q5_1", kQ5_1, GgmlType::Q5_1},
        {"Q2_K", kQ2_K, GgmlType::Q2_K},      {"Q3_K_S", kQ3_K_S, GgmlType::Q3_K},
        {"Q3_K_M", kQ3_K_M, GgmlType::Q3_K},  {"Q3_K_L", kQ3_K_L, GgmlType::Q3_K},
        {"Q4_K_S", kQ4_K_S, GgmlType::Q4_K},  {"Q4_K_M", kQ4_K_M, GgmlType::Q4_K},
        {"Q5_K_S", kQ5_K_S, GgmlType::Q5_K},  {"Q5_K_M", kQ5_K_M, GgmlType::Q5_K},
        {"Q6_K", kQ6_K, GgmlType::Q6_K},      {"IQ4_NL", kIQ4_NL, GgmlType::IQ4_NL},
        {"IQ4_XS", kIQ4_XS, GgmlType::IQ4_XS}};
    return targets;
}

std::optional<QuantTarget> quantTargetFromName(std::string_view name) {
    std::string upper(name);
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    // llama-quantize's aliases for the medium mixes.
    if (upper == "Q3_K") upper = "Q3_K_M";
    if (upper == "Q4_K") upper = "Q4_K_M";
    if (upper == "Q5_K") upper = "Q5_K_M";
    for (const QuantTarget& t : quantTargets())
        if (t.name == upper) return t;
    return std::nullopt;
}

Result<std::vector<TensorPlan>> planQuantization(const GgufFile& in, const QuantTarget& target) {
    MixState state;
    for (const GgufTensor& t : in.tensors()) {
        const std::string_view n = t.name;
        if (contains(n, "attn_v.weight") || contains(n, "attn_qkv.weight")) ++state.nAttnV;
        if (contains(n, "ffn_down")) ++state.nFfnDown;
        if (n == "output.weight") state.hasOutput = true;
    }
    if (const auto arch = in.getString("general.architecture")) {
        const std::string prefix(*arch);
        const auto heads = in.getInt(prefix + ".attention.head_count");
        const auto kvHeads = in.getInt(prefix + ".attention.head_count_kv");
        if (heads && kvHeads && *kvHeads > 0) state.nGqa = *heads / *kvHeads;
    }
    const bool mixed = ggmlTypeInfo(target.baseType).quantized;
    std::vector<TensorPlan> plan;
    for (size_t index : llamaTensorOrder(in.tensors())) {
        const GgufTensor& t = in.tensors()[index];
        GgmlType to = t.type;
        if (isQuantizable(t)) {
            to = mixed
                     ? fitRowLength(mixedType(t, target.fileType, target.baseType, state), t.ne[0])
                     : target.baseType;
            if (to != t.type && !isFloatSource(t.type))
                return makeError("tensor " + std::string(t.name) + " is " +
                                 std::string(ggmlTypeName(t.type)) +
                                 "; only F32, F16 and BF16 tensors can be quantized");
        }
        plan.push_back({std::string(t.name), index, t.type, to});
    }
    return plan;
}

Status quantizeModelFile(const std::string& inPath, const std::string& outPath,
                         const QuantTarget& target, const QuantizeProgress& progress) {
    auto opened = GgufFile::open(inPath);
    if (!opened) return makeError(opened.error());
    const GgufFile& in = **opened;
    auto plan = planQuantization(in, target);
    if (!plan) return makeError(plan.error());

    GgufWriter out;
    out.copyMetadata(in, [](std::string_view key) {
        return key != "general.file_type" && key != "general.quantization_version";
    });
    out.setU32("general.quantization_version", 2);
    out.setU32("general.file_type", target.fileType);
    if (const auto alignment = in.find("general.alignment"); alignment && alignment->isInteger()) {
        if (auto s = out.setAlignment(uint32_t(alignment->u)); !s) return s;
    }

    const std::vector<GgufTensor>& tensors = in.tensors();
    for (size_t i = 0; i < plan->size(); ++i) {
        const TensorPlan& p = (*plan)[i];
        const GgufTensor& t = tensors[p.sourceIndex];
        const std::span<const int64_t> ne(t.ne, t.nDims);
        Status added;
        if (p.to == t.type) {
            added = out.addTensor(t.name, t.type, ne, t.data);
        } else {
            const size_t count = tensors.size();
            added = out.addTensor(
                t.name, p.to, ne,
                [&t, &p, i, count, &progress](uint8_t* dst, uint64_t nbytes) -> Status {
                    if (progress) progress(i, count, t.name);
                    const int64_t rowLength = t.ne[0], rows = t.rows();
                    const auto outRow = ggmlRowBytes(p.to, rowLength);
                    if (!outRow || *outRow * uint64_t(rows) != nbytes)
                        return makeError("tensor size mismatch for " + p.name);
                    std::vector<float> row(static_cast<size_t>(rowLength));
                    const TypeKernels& source = kernelsFor(t.type, Isa::Scalar);
                    for (int64_t r = 0; r < rows; ++r) {
                        const float* src =
                            reinterpret_cast<const float*>(t.data + r * t.rowBytes());
                        if (t.type != GgmlType::F32) {
                            source.dequantize(t.data + r * t.rowBytes(), row.data(), rowLength);
                            src = row.data();
                        }
                        if (auto s = quantizeWeights(p.to, src, dst + uint64_t(r) * *outRow, 1,
                                                     rowLength);
                            !s)
                            return s;
                    }
                    return {};
                });
        }
        if (!added) return added;
    }
    return out.writeFile(outPath);
}

} // namespace hearth::kernels
