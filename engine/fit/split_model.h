#pragma once
// A split GGUF (gguf-split parts, see engine/gguf/gguf_split.h) as the estimator sees one model.
// Part 1 carries the metadata and only its own tensor infos; the other parts carry the rest, so a
// size estimate from part 1 alone would count a fraction of the weights. Only headers are needed
// (remote header reads have no tensor data).
#include "engine/core/result.h"
#include "engine/fit/tensor_layout.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hearth::fit {

struct SplitModelLayout {
    std::vector<TensorSlot> tensorSlots; // every part's tensors, in split.no order
    uint64_t headerBytes = 0; // the merged file's data offset (what the engine keeps mapped)
    uint64_t fileBytes = 0;   // the merged file's size (what the store keeps)
};

// True when the file says it is one of several parts (split.count > 1).
bool isSplitPart(const GgufFile& file);

// A local GGUF to estimate: the file alone, or, for the first part of a split model, every part
// read from the same folder in split.no order. A later part or a missing one is an error saying
// which part to give or which is missing.
Result<std::vector<std::unique_ptr<GgufFile>>> openModelParts(const std::string& path);

// parts: each part's header in split.no order. Checked as mergeGgufParts checks a set (split.count
// agrees with the number given, split.no runs 0..n-1, the tensor counts add up to
// split.tensors.count, no name repeats), so a partial or mixed set is an error, not an estimate.
Result<SplitModelLayout> splitModelLayout(const std::vector<const GgufFile*>& parts);

} // namespace hearth::fit
