#pragma once
// Split GGUF models the way llama.cpp's gguf-split writes them: "<prefix>-00001-of-00003.gguf",
// each part a valid GGUF. The first part keeps all metadata; every part carries split.no (u16,
// 0-based), split.count (u16) and split.tensors.count (i32, the model's total).
// mergeGgufParts (gguf_merge.h) is the inverse.
#include "engine/core/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

inline constexpr std::string_view kSplitNoKey = "split.no";
inline constexpr std::string_view kSplitCountKey = "split.count";
inline constexpr std::string_view kSplitTensorsCountKey = "split.tensors.count";

// "<prefix>-%05d-of-%05d.gguf" for the 0-based part index.
std::string ggufSplitPath(const std::string& prefix, int index, int count);

// A part's name "<prefix>-00002-of-00003.gguf": the prefix and the 1-based number, or nothing
// when the name does not end that way.
struct GgufSplitName {
    std::string prefix;
    int number = 0;
};
std::optional<GgufSplitName> parseGgufSplitName(const std::string& path);

// Every part of the split model that `path` belongs to (its header's split.no and split.count), in
// order, when `path` is the first part and all the others are beside it. Otherwise an error that
// says what to do — "<action> its first part (x-00001-of-00003.gguf)" for a later part — or which
// part is missing.
Result<std::vector<std::string>> ggufSplitPartPaths(const std::string& path, int64_t splitNo,
                                                    int64_t splitCount, std::string_view action);

// Writes ceil(tensors / maxTensorsPerPart) parts; returns their paths in order.
Result<std::vector<std::string>> splitGguf(const std::string& in, size_t maxTensorsPerPart,
                                           const std::string& outPrefix);

} // namespace hearth
