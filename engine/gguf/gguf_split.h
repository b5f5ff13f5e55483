#pragma once
// Split GGUF models the way llama.cpp's gguf-split writes them: "<prefix>-00001-of-00003.gguf",
// each part a valid GGUF. The first part keeps all metadata; every part carries split.no (u16,
// 0-based), split.count (u16) and split.tensors.count (i32, the model's total).
// mergeGgufParts (gguf_merge.h) is the inverse.
#include "engine/core/result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

inline constexpr std::string_view kSplitNoKey = "split.no";
inline constexpr std::string_view kSplitCountKey = "split.count";
inline constexpr std::string_view kSplitTensorsCountKey = "split.tensors.count";

// "<prefix>-%05d-of-%05d.gguf" for the 0-based part index.
std::string ggufSplitPath(const std::string& prefix, int index, int count);

// Writes ceil(tensors / maxTensorsPerPart) parts; returns their paths in order.
Result<std::vector<std::string>> splitGguf(const std::string& in, size_t maxTensorsPerPart,
                                           const std::string& outPrefix);

} // namespace hearth
