#include "engine/gguf/model_summary.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace hearth {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// A hyper-parameter that is a scalar, or an array with one value per layer (take the largest).
std::optional<int64_t> intOrMax(const GgufFile& f, const std::string& key) {
    if (auto v = f.getInt(key)) return v;
    const GgufValue* a = f.getArray(key);
    if (!a || a->count == 0 || a->raw == nullptr) return std::nullopt;
    int64_t best = a->intAt(0);
    for (uint64_t i = 1; i < a->count; ++i) best = std::max(best, a->intAt(i));
    return best;
}

} // namespace

std::optional<std::string> llamaFileTypeName(int64_t t) {
    switch (t) {
    case 0:
        return "F32";
    case 1:
        return "F16";
    case 2:
        return "Q4_0";
    case 3:
        return "Q4_1";
    case 4:
        return "Q4_1_SOME_F16";
    case 7:
        return "Q8_0";
    case 8:
        return "Q5_0";
    case 9:
        return "Q5_1";
    case 10:
        return "Q2_K";
    case 11:
        return "Q3_K_S";
    case 12:
        return "Q3_K_M";
    case 13:
        return "Q3_K_L";
    case 14:
        return "Q4_K_S";
    case 15:
        return "Q4_K_M";
    case 16:
        return "Q5_K_S";
    case 17:
        return "Q5_K_M";
    case 18:
        return "Q6_K";
    case 19:
        return "IQ2_XXS";
    case 20:
        return "IQ2_XS";
    case 21:
        return "Q2_K_S";
    case 22:
        return "IQ3_XS";
    case 23:
        return "IQ3_XXS";
    case 24:
        return "IQ1_S";
    case 25:
        return "IQ4_NL";
    case 26:
        return "IQ3_S";
    case 27:
        return "IQ3_M";
    case 28:
        return "IQ2_S";
    case 29:
        return "IQ2_M";
    case 30:
        return "IQ4_XS";
    case 31:
        return "IQ1_M";
    case 32:
        return "BF16";
    case 36:
        return "TQ1_0";
    case 37:
        return "TQ2_0";
    case 38:
        return "MXFP4_MOE";
    case 39:
        return "NVFP4";
    case 40:
        return "Q1_0";
    default:
        return std::nullopt;
    }
}

std::string formatParameterCount(uint64_t n) {
    char buf[32];
    auto fmt = [&](double v, const char* suffix, int decimals) {
        if (v == std::floor(v))
            std::snprintf(buf, sizeof buf, "%.0f%s", v, suffix);
        else
            std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, suffix);
        return std::string(buf);
    };
    const double d = static_cast<double>(n);
    // Whole-number test on the exact quotient, then printf rounding, as Ollama does.
    if (n >= 1000000000ull) return fmt(d / 1e9, "B", 1);
    if (n >= 1000000ull) return fmt(d / 1e6, "M", 2);
    if (n >= 1000ull) return fmt(d / 1e3, "K", 0);
    return std::to_string(n);
}

ModelSummary summarizeModel(const GgufFile& f) {
    ModelSummary s;
    s.fileSize = f.fileSize();
    s.architecture = std::string(f.getString("general.architecture").value_or(""));
    s.name = std::string(f.getString("general.name").value_or(""));
    s.license = std::string(f.getString("general.license").value_or(""));
    s.fileType = f.getInt("general.file_type");

    std::map<GgmlType, int> counts;
    std::map<GgmlType, uint64_t> elementsByType;
    for (const GgufTensor& t : f.tensors()) {
        s.parameterCount += static_cast<uint64_t>(t.elements());
        s.tensorBytes += t.nbytes;
        ++counts[t.type];
        elementsByType[t.type] += static_cast<uint64_t>(t.elements());
    }
    for (const auto& [type, n] : counts) s.tensorTypes.emplace_back(type, n);
    // Quantized types first (they name the file), then plain ones; most tensors first.
    std::stable_sort(s.tensorTypes.begin(), s.tensorTypes.end(), [](const auto& a, const auto& b) {
        const bool qa = ggmlTypeInfo(a.first).quantized, qb = ggmlTypeInfo(b.first).quantized;
        if (qa != qb) return qa;
        return a.second > b.second;
    });
    if (s.parameterCount > 0)
        s.bitsPerWeight =
            static_cast<double>(s.tensorBytes) * 8.0 / static_cast<double>(s.parameterCount);

    if (s.fileType) s.fileTypeName = llamaFileTypeName(*s.fileType).value_or("");
    if (s.fileTypeName.empty() && !elementsByType.empty()) {
        // No (known) file type: name it after the type holding the most weights.
        auto most =
            std::max_element(elementsByType.begin(), elementsByType.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; });
        s.fileTypeName = upper(ggmlTypeName(most->first));
    }
    if (!s.tensorTypes.empty()) {
        s.typeMix = s.fileTypeName.empty() ? std::string() : s.fileTypeName + ": ";
        for (size_t i = 0; i < s.tensorTypes.size(); ++i) {
            if (i) s.typeMix += ", ";
            s.typeMix += std::to_string(s.tensorTypes[i].second);
            if (i == 0) s.typeMix += s.tensorTypes[i].second == 1 ? " tensor" : " tensors";
            s.typeMix += ' ';
            s.typeMix += upper(ggmlTypeName(s.tensorTypes[i].first));
        }
    }

    const std::string a = s.architecture + ".";
    s.contextLength = f.getInt(a + "context_length");
    s.embeddingLength = f.getInt(a + "embedding_length");
    s.blockCount = f.getInt(a + "block_count");
    s.headCount = intOrMax(f, a + "attention.head_count");
    s.headCountKv = intOrMax(f, a + "attention.head_count_kv");
    if (!s.headCountKv) s.headCountKv = s.headCount;
    s.vocabSize = f.getInt(a + "vocab_size");
    if (const auto* tokens = f.getStringArray("tokenizer.ggml.tokens"))
        s.vocabSize = static_cast<int64_t>(tokens->size()); // the tokenizer is authoritative
    s.tokenizerModel = std::string(f.getString("tokenizer.ggml.model").value_or(""));
    s.tokenizerPre = std::string(f.getString("tokenizer.ggml.pre").value_or(""));
    s.hasChatTemplate = f.getString("tokenizer.chat_template").has_value();
    return s;
}

std::string describeSummary(const ModelSummary& s) {
    auto opt = [](const std::optional<int64_t>& v) {
        return v ? std::to_string(*v) : std::string("-");
    };
    char bpw[32];
    std::snprintf(bpw, sizeof bpw, "%.2f", s.bitsPerWeight);
    std::string tokenizer = s.tokenizerModel.empty() ? "-" : s.tokenizerModel;
    if (!s.tokenizerPre.empty()) tokenizer += " (" + s.tokenizerPre + ")";
    std::string out;
    out += "  architecture    " + (s.architecture.empty() ? "-" : s.architecture) + "\n";
    if (!s.name.empty()) out += "  name            " + s.name + "\n";
    out += "  parameters      " + formatParameterCount(s.parameterCount) + " (" +
           std::to_string(s.parameterCount) + ")\n";
    out += "  quantization    " + (s.typeMix.empty() ? "-" : s.typeMix) + "\n";
    out += "  bits per weight " + std::string(bpw) + "\n";
    out += "  context length  " + opt(s.contextLength) + "\n";
    out += "  embedding       " + opt(s.embeddingLength) + "\n";
    out += "  layers          " + opt(s.blockCount) + "\n";
    out += "  heads           " + opt(s.headCount) + " (KV " + opt(s.headCountKv) + ")\n";
    out += "  vocabulary      " + opt(s.vocabSize) + "\n";
    out += "  tokenizer       " + tokenizer + "\n";
    out += std::string("  chat template   ") + (s.hasChatTemplate ? "yes" : "no") + "\n";
    if (!s.license.empty()) {
        std::string lic = s.license.substr(0, s.license.find('\n'));
        out += "  license         " + lic + "\n";
    }
    out += "  file size       " + std::to_string(s.fileSize) + " bytes\n";
    return out;
}

} // namespace hearth
