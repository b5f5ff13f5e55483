#include "engine/model/backend.h"

namespace hearth {

size_t TensorRef::stride() const {
    if (rowStride != 0) return rowStride;
    return static_cast<size_t>(ggmlRowBytes(type, cols).value_or(0));
}

TensorRef TensorRef::row(int64_t first, int64_t count) const {
    TensorRef r = *this;
    r.rowStride = stride();
    r.offset = offset + static_cast<size_t>(first) * r.rowStride;
    r.rows = count;
    return r;
}

TensorRef TensorRef::colRange(int64_t first, int64_t count) const {
    // Only element-addressable types (block size 1) can be split by column.
    TensorRef r = *this;
    r.rowStride = stride();
    r.offset = offset + static_cast<size_t>(first) * ggmlTypeInfo(type).bytesPerBlock;
    r.cols = count;
    return r;
}

Status Backend::matmuls(std::span<const TensorRef> ws, const TensorRef& x,
                        std::span<const TensorRef> outs) {
    if (ws.size() != outs.size()) return makeError("matmuls: weights and outputs differ in count");
    for (size_t i = 0; i < ws.size(); ++i)
        if (auto s = matmul(ws[i], x, outs[i]); !s) return s;
    return {};
}

} // namespace hearth
