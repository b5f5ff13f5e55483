#include "engine/fit/tensor_plan.h"

namespace hearth::fit {

namespace {

bool isOutputHead(const std::string& name) {
    return name == "output.weight" || name == "output_norm.weight" || name == "output.bias" ||
           name == "output_norm.bias";
}

Result<TensorPlan> build(const std::vector<TensorSlot>& tensorSlots, const ModelShape& shape,
                         std::string name, const QuantVariant* variant) {
    TensorPlan plan;
    plan.variant = std::move(name);
    plan.layerBytes.assign(static_cast<size_t>(shape.nLayer), 0);
    plan.tensors.reserve(tensorSlots.size());
    for (const auto& s : tensorSlots) {
        GgmlType type = s.type;
        if (variant) {
            auto t = mixType(*variant, s, shape);
            if (!t) return std::move(t).takeError();
            type = *t;
        }
        for (int d = 0; d < 4; ++d)
            if (s.ne[d] <= 0) return makeError("tensor '" + s.name + "' has an empty dimension");
        // Catalog shapes are typed by hand: refuse sizes no real model has instead of overflowing.
        uint64_t elems = 1;
        for (int d = 0; d < 4; ++d)
            if (__builtin_mul_overflow(elems, static_cast<uint64_t>(s.ne[d]), &elems) ||
                elems > (uint64_t{1} << 44))
                return makeError("tensor '" + s.name + "' is implausibly large");
        auto row = ggmlRowBytes(type, s.ne[0]);
        if (!row)
            return makeError("tensor '" + s.name + "': " + std::to_string(s.ne[0]) +
                             " elements per row do not fit " + std::string(ggmlTypeName(type)) +
                             " blocks");
        const uint64_t rows = static_cast<uint64_t>(s.ne[1] * s.ne[2] * s.ne[3]);
        const uint64_t bytes = *row * rows;
        if (s.layer >= 0 && s.layer < shape.nLayer) {
            plan.layerBytes[static_cast<size_t>(s.layer)] += bytes;
        } else if (isOutputHead(s.name)) {
            plan.outputBytes += bytes;
        } else {
            plan.inputBytes += bytes;
        }
        if (s.name == "token_embd.weight") plan.embeddingBytes = bytes;
        plan.totalBytes += bytes;
        plan.parameters += static_cast<uint64_t>(s.elements());
        plan.tensors.push_back({s, type, bytes});
    }
    if (plan.tensors.empty()) return makeError("model has no tensors");
    return plan;
}

} // namespace

Result<TensorPlan> planAsStored(const std::vector<TensorSlot>& tensorSlots, const ModelShape& shape,
                                std::string name) {
    return build(tensorSlots, shape, std::move(name), nullptr);
}

Result<TensorPlan> planVariant(const std::vector<TensorSlot>& tensorSlots, const ModelShape& shape,
                               const QuantVariant& variant) {
    return build(tensorSlots, shape, std::string(variant.name), &variant);
}

} // namespace hearth::fit
