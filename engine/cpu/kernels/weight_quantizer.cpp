// quantizeWeights(): the file-writing quantizer (hearth-cli quantize) on top of the reference
// row quantizers. Rows are independent, so each row is quantized on its own.
#include "engine/cpu/kernels/kernels.h"
#include "engine/cpu/kernels/quant_math.h"

#include <string>

namespace hearth::kernels {

bool canQuantizeWeights(GgmlType type) {
    switch (type) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16:
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
    case GgmlType::Q8_0:
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K:
    case GgmlType::IQ4_NL:
    case GgmlType::IQ4_XS:
        return true;
    default:
        return false;
    }
}

Status quantizeWeights(GgmlType type, const float* src, void* dst, int64_t nRows, int64_t nPerRow) {
    if (!canQuantizeWeights(type))
        return makeError("cannot quantize weights to " + std::string(ggmlTypeName(type)));
    if (nRows < 0 || nPerRow <= 0) return makeError("bad tensor shape for quantization");
    const auto rowBytes = ggmlRowBytes(type, nPerRow);
    if (!rowBytes)
        return makeError("row length " + std::to_string(nPerRow) + " is not a multiple of the " +
                         std::string(ggmlTypeName(type)) + " block size");
    QuantizeRowFn quantize =
        type == GgmlType::Q8_0 ? quantizeRowQ8_0Ref : kernelsFor(type, Isa::Scalar).quantize;
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t r = 0; r < nRows; ++r) quantize(src + r * nPerRow, out + r * *rowBytes, nPerRow);
    return {};
}

} // namespace hearth::kernels
