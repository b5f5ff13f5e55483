#include "engine/fit/quant_mix.h"

#include <cctype>

namespace hearth::fit {

namespace {

using T = GgmlType;

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// llama-quantize spends extra bits on the first and last eighth of the layers and on every third
// layer in between, where quantization error hurts most.
bool useMoreBits(int64_t layer, int64_t nLayer) {
    return layer < nLayer / 8 || layer >= 7 * nLayer / 8 || (layer - nLayer / 8) % 3 == 2;
}

bool isKOrIQuant(T t) {
    switch (t) {
    case T::Q2_K:
    case T::Q3_K:
    case T::Q4_K:
    case T::Q5_K:
    case T::Q6_K:
    case T::IQ4_XS:
        return true;
    default:
        return false;
    }
}

// Rows that a 256-element super-block does not divide fall back to a 32-block type of similar
// size, as llama-quantize does (e.g. Qwen2.5-0.5B's 896-wide rows).
T fallbackFor(T t) {
    switch (t) {
    case T::Q2_K:
    case T::Q3_K:
    case T::IQ4_XS:
        return T::IQ4_NL;
    case T::Q4_K:
        return T::Q5_0;
    case T::Q5_K:
        return T::Q5_1;
    case T::Q6_K:
        return T::Q8_0;
    default:
        return t;
    }
}

const std::vector<QuantVariant> kAll = {
    {"F32", 0, T::F32},      {"F16", 1, T::F16},        {"Q4_0", 2, T::Q4_0},
    {"Q4_1", 3, T::Q4_1},    {"Q8_0", 7, T::Q8_0},      {"Q5_0", 8, T::Q5_0},
    {"Q5_1", 9, T::Q5_1},    {"Q2_K", 10, T::Q2_K},     {"Q3_K_S", 11, T::Q3_K},
    {"Q3_K_M", 12, T::Q3_K}, {"Q3_K_L", 13, T::Q3_K},   {"Q4_K_S", 14, T::Q4_K},
    {"Q4_K_M", 15, T::Q4_K}, {"Q5_K_S", 16, T::Q5_K},   {"Q5_K_M", 17, T::Q5_K},
    {"Q6_K", 18, T::Q6_K},   {"IQ4_NL", 25, T::IQ4_NL}, {"IQ4_XS", 30, T::IQ4_XS},
    {"BF16", 32, T::BF16},
};

} // namespace

const std::vector<QuantVariant>& allQuantVariants() {
    return kAll;
}

const std::vector<QuantVariant>& standardQuantVariants() {
    static const std::vector<QuantVariant> rows = [] {
        std::vector<QuantVariant> r;
        for (auto n : {"Q2_K", "Q3_K_M", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"})
            r.push_back(*quantVariantByName(n));
        return r;
    }();
    return rows;
}

std::optional<QuantVariant> quantVariantByName(std::string_view name) {
    for (const auto& v : kAll)
        if (iequals(v.name, name)) return v;
    return std::nullopt;
}

std::optional<QuantVariant> quantVariantByFileType(int64_t fileType) {
    for (const auto& v : kAll)
        if (v.fileType == fileType) return v;
    return std::nullopt;
}

double bitsPerWeight(GgmlType type) {
    const auto& info = ggmlTypeInfo(type);
    if (info.blockSize == 0) return 0;
    return 8.0 * info.bytesPerBlock / info.blockSize;
}

bool isQuantizable(const TensorSlot& slot) {
    return slot.nDims >= 2 && endsWith(slot.name, ".weight");
}

Result<GgmlType> mixType(const QuantVariant& v, const TensorSlot& slot, const ModelShape& shape) {
    if (!isQuantizable(slot)) return slot.type; // norms, biases, rope factors stay as stored
    const bool floatVariant = !ggmlTypeInfo(v.base).quantized;
    T t = v.base;
    const std::string_view name = slot.name;
    const std::string_view ft = v.name;
    const int64_t layer = slot.layer;
    const int64_t n = shape.nLayer;
    // Float variants convert every matrix and apply no mixing rules.
    if (!floatVariant) {
        const bool isOutput =
            name == "output.weight" || (shape.tiedEmbeddings && name == "token_embd.weight");
        if (isOutput) {
            if (t != T::Q8_0) t = T::Q6_K;
        } else if (endsWith(name, "attn_v.weight") || endsWith(name, "attn_qkv.weight")) {
            if (ft == "Q2_K")
                t = shape.nGqa() >= 4 ? T::Q4_K : T::Q3_K;
            else if (ft == "Q3_K_M")
                t = layer < 2 ? T::Q5_K : T::Q4_K;
            else if (ft == "Q3_K_L")
                t = T::Q5_K;
            else if ((ft == "IQ4_NL" || ft == "IQ4_XS") && shape.nGqa() >= 4)
                t = T::Q5_K;
            else if ((ft == "Q4_K_M" || ft == "Q5_K_M") && useMoreBits(layer, n))
                t = T::Q6_K;
            else if (ft == "Q4_K_S" && layer < 4)
                t = T::Q5_K;
        } else if (endsWith(name, "ffn_down.weight")) {
            if (ft == "Q2_K")
                t = T::Q3_K;
            else if (ft == "Q3_K_M")
                t = layer < n / 16 ? T::Q5_K : T::Q4_K;
            else if (ft == "Q3_K_L")
                t = T::Q5_K;
            else if ((ft == "Q4_K_M" || ft == "Q5_K_M") && useMoreBits(layer, n))
                t = T::Q6_K;
            else if ((ft == "Q4_K_S" || ft == "IQ4_NL" || ft == "IQ4_XS") && layer < n / 8)
                t = T::Q5_K;
        } else if (endsWith(name, "attn_output.weight")) {
            if (ft == "Q2_K")
                t = T::Q3_K;
            else if (ft == "Q3_K_M")
                t = T::Q4_K;
            else if (ft == "Q3_K_L")
                t = T::Q5_K;
        }
    }
    const int64_t row = slot.ne[0];
    auto divides = [row](T ty) { return row % ggmlTypeInfo(ty).blockSize == 0; };
    if (divides(t)) return t;
    if (isKOrIQuant(t)) {
        T f = fallbackFor(t);
        return divides(f) ? f : T::F16;
    }
    return makeError(std::string(v.name) + " cannot be made: tensor '" + slot.name +
                     "' has rows of " + std::to_string(row) + " elements, not a multiple of the " +
                     std::string(ggmlTypeName(t)) + " block of " +
                     std::to_string(ggmlTypeInfo(t).blockSize));
}

} // namespace hearth::fit
