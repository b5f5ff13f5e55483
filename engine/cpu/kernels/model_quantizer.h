#pragma once
// Whole-model quantization (hearth-cli quantize): picks each tensor's type the way llama.cpp's
// llama-quantize does without an importance matrix (llama_tensor_get_type: output.weight -> Q6_K,
// attn_v / ffn_down / attn_output bumps for the _M/_L/_S mixes, norms and 1-D tensors kept) and
// writes the weights with the reference quantizers, so the output file matches llama-quantize's.
// Sources may be F32, F16 or BF16 tensors.
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::kernels {

// A target as llama-quantize names it: "Q4_K_M", "Q8_0", "F16", ... (LLAMA_FTYPE_MOSTLY_*).
struct QuantTarget {
    std::string_view name;
    uint32_t fileType; // the value written to general.file_type
    GgmlType baseType; // the type most weights get
};

std::optional<QuantTarget> quantTargetFromName(std::string_view name); // case-insensitive
const std::vector<QuantTarget>& quantTargets();

struct TensorPlan {
    std::string name;
    size_t sourceIndex; // position in the input file
    GgmlType from;
    GgmlType to;
};

// The type every tensor of `in` gets for `target`, in the order llama-quantize writes them
// (tensors outside layers first, then layer by layer; by name within each).
Result<std::vector<TensorPlan>> planQuantization(const GgufFile& in, const QuantTarget& target);

// Reads `inPath`, writes the quantized model to `outPath` (atomically). progress(i, n, name) is
// called before tensor i of n is converted.
using QuantizeProgress = std::function<void(size_t index, size_t count, std::string_view tensor)>;
Status quantizeModelFile(const std::string& inPath, const std::string& outPath,
                         const QuantTarget& target, const QuantizeProgress& progress = {});

} // namespace hearth::kernels
