#pragma once
// Quantization variants ("Q4_K_M", ...) and the per-tensor type each one gives a tensor. A variant
// is not one type: llama-quantize keeps norms in F32, gives the output head Q6_K and lifts some
// attn_v / ffn_down / attn_output tensors a step or two. These rules reproduce its choices for
// dense models without an importance matrix (checked against the conformance manifest), which is
// what makes a catalog estimate land within a few percent of the published file size.
#include "engine/core/result.h"
#include "engine/fit/model_shape.h"
#include "engine/fit/tensor_layout.h"
#include "engine/gguf/ggml_type.h"

#include <optional>
#include <string_view>
#include <vector>

namespace hearth::fit {

struct QuantVariant {
    std::string_view name; // as llama-quantize and file names spell it: "Q4_K_M", "F16"
    int64_t fileType;      // general.file_type (llama_ftype)
    GgmlType base;         // the type most tensors get
};

// Every variant the estimator can model, in llama_ftype order.
const std::vector<QuantVariant>& allQuantVariants();
// The rows of the fit table: Q2_K, Q3_K_M, Q4_0, Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16.
const std::vector<QuantVariant>& standardQuantVariants();
std::optional<QuantVariant> quantVariantByName(std::string_view name); // case-insensitive
std::optional<QuantVariant> quantVariantByFileType(int64_t fileType);

// Storage bits per weight of one type: 8 * bytes per block / elements per block.
double bitsPerWeight(GgmlType type);

// Whether llama-quantize would quantize this tensor at all (2-D or more, a ".weight").
bool isQuantizable(const TensorSlot& slot);

// The type `slot` gets in `variant`. Error when the variant cannot be made for this shape
// (a legacy type whose block does not divide the row; llama-quantize refuses those too).
Result<GgmlType> mixType(const QuantVariant& variant, const TensorSlot& slot,
                         const ModelShape& shape);

} // namespace hearth::fit
