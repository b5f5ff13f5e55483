#pragma once
// mergeGgufParts: the parts of a split GGUF (see gguf_split.h) into one file, the way Ollama's
// create merges shards (shared/docs/protocols.md 1.10): the first part's metadata without the
// split.* keys, every part's tensor infos in order with offsets recomputed for the alignment, then
// the tensor bytes unchanged. Apart from those three keys (llama-gguf-split --merge keeps them,
// with split.count 0) the layout is llama-gguf-split's. Tensor data is streamed from the mapped
// parts, never gathered in memory. On any error no output file is left behind.
#include "engine/core/result.h"

#include <string>
#include <vector>

namespace hearth {

// parts: every part's path, in split.no order. Checks each part opens as a valid GGUF, split.count
// agrees with the number of parts, split.no runs 0..n-1, the tensor counts add up to
// split.tensors.count and no tensor name repeats.
Status mergeGgufParts(const std::vector<std::string>& parts, const std::string& out);

} // namespace hearth
