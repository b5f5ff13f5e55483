#pragma once
// The ggml tensor type table: ids as stored in GGUF, block geometry and names.
// Ids and sizes follow ggml's public ggml.h / ggml-common.h; removed ids stay reserved.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth {

enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    // 4, 5: Q4_2, Q4_3 (removed)
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    // 31-33: Q4_0_4_4, Q4_0_4_8, Q4_0_8_8 (removed)
    TQ1_0 = 34,
    TQ2_0 = 35,
    // 36-38: IQ4_NL_4_4, IQ4_NL_4_8, IQ4_NL_8_8 (removed)
    MXFP4 = 39,
    NVFP4 = 40,
    Q1_0 = 41,
};

struct GgmlTypeInfo {
    GgmlType type;
    std::string_view name;  // as ggml prints it: "q4_K", "f16", ...
    uint32_t blockSize;     // elements per block
    uint32_t bytesPerBlock; // bytes per block
    bool quantized;
};

// nullopt for ids that are not (or no longer) ggml types.
std::optional<GgmlTypeInfo> ggmlTypeInfo(uint32_t id);
const GgmlTypeInfo& ggmlTypeInfo(GgmlType t);
std::string_view ggmlTypeName(GgmlType t);
std::optional<GgmlType> ggmlTypeFromName(std::string_view name); // case-insensitive
constexpr uint32_t kGgmlTypeCount = 42;                          // ids are < this

// Bytes of one row of n elements; nullopt when n is not a multiple of the block size.
std::optional<uint64_t> ggmlRowBytes(GgmlType t, int64_t n);

} // namespace hearth
