#include "engine/gguf/ggml_type.h"

#include <array>
#include <cctype>

namespace hearth {
namespace {

constexpr GgmlTypeInfo kUnknown{GgmlType::F32, "", 0, 0, false};

constexpr std::array<GgmlTypeInfo, kGgmlTypeCount> makeTable() {
    std::array<GgmlTypeInfo, kGgmlTypeCount> t{};
    for (auto& e : t) e = kUnknown;
    auto set = [&t](GgmlType ty, std::string_view name, uint32_t bs, uint32_t bytes, bool q) {
        t[static_cast<uint32_t>(ty)] = GgmlTypeInfo{ty, name, bs, bytes, q};
    };
    set(GgmlType::F32, "f32", 1, 4, false);
    set(GgmlType::F16, "f16", 1, 2, false);
    set(GgmlType::Q4_0, "q4_0", 32, 18, true);
    set(GgmlType::Q4_1, "q4_1", 32, 20, true);
    set(GgmlType::Q5_0, "q5_0", 32, 22, true);
    set(GgmlType::Q5_1, "q5_1", 32, 24, true);
    set(GgmlType::Q8_0, "q8_0", 32, 34, true);
    set(GgmlType::Q8_1, "q8_1", 32, 36, true);
    set(GgmlType::Q2_K, "q2_K", 256, 84, true);
    set(GgmlType::Q3_K, "q3_K", 256, 110, true);
    set(GgmlType::Q4_K, "q4_K", 256, 144, true);
    set(GgmlType::Q5_K, "q5_K", 256, 176, true);
    set(GgmlType::Q6_K, "q6_K", 256, 210, true);
    set(GgmlType::Q8_K, "q8_K", 256, 292, true);
    set(GgmlType::IQ2_XXS, "iq2_xxs", 256, 66, true);
    set(GgmlType::IQ2_XS, "iq2_xs", 256, 74, true);
    set(GgmlType::IQ3_XXS, "iq3_xxs", 256, 98, true);
    set(GgmlType::IQ1_S, "iq1_s", 256, 50, true);
    set(GgmlType::IQ4_NL, "iq4_nl", 32, 18, true);
    set(GgmlType::IQ3_S, "iq3_s", 256, 110, true);
    set(GgmlType::IQ2_S, "iq2_s", 256, 82, true);
    set(GgmlType::IQ4_XS, "iq4_xs", 256, 136, true);
    set(GgmlType::I8, "i8", 1, 1, false);
    set(GgmlType::I16, "i16", 1, 2, false);
    set(GgmlType::I32, "i32", 1, 4, false);
    set(GgmlType::I64, "i64", 1, 8, false);
    set(GgmlType::F64, "f64", 1, 8, false);
    set(GgmlType::IQ1_M, "iq1_m", 256, 56, true);
    set(GgmlType::BF16, "bf16", 1, 2, false);
    set(GgmlType::TQ1_0, "tq1_0", 256, 54, true);
    set(GgmlType::TQ2_0, "tq2_0", 256, 66, true);
    set(GgmlType::MXFP4, "mxfp4", 32, 17, true);
    set(GgmlType::NVFP4, "nvfp4", 64, 36, true); // 4 UE4M3 sub-block scales + 32 nibble bytes
    set(GgmlType::Q1_0, "q1_0", 128, 18, true);  // f16 scale + 128 sign bits
    return t;
}

constexpr auto kTable = makeTable();

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

std::optional<GgmlTypeInfo> ggmlTypeInfo(uint32_t id) {
    if (id >= kGgmlTypeCount || kTable[id].blockSize == 0) return std::nullopt;
    return kTable[id];
}

const GgmlTypeInfo& ggmlTypeInfo(GgmlType t) {
    return kTable[static_cast<uint32_t>(t)];
}

std::string_view ggmlTypeName(GgmlType t) {
    return ggmlTypeInfo(t).name;
}

std::optional<GgmlType> ggmlTypeFromName(std::string_view name) {
    for (const auto& e : kTable)
        if (e.blockSize != 0 && iequals(e.name, name)) return e.type;
    return std::nullopt;
}

std::optional<uint64_t> ggmlRowBytes(GgmlType t, int64_t n) {
    const auto& info = ggmlTypeInfo(t);
    if (n < 0 || info.blockSize == 0 || n % info.blockSize != 0) return std::nullopt;
    return static_cast<uint64_t>(n / info.blockSize) * info.bytesPerBlock;
}

} // namespace hearth
