#include "engine/vulkan/vk_ops.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace hearth::vk {
namespace {

constexpr uint32_t kMulMatColumns = 8; // NC in mul_mat.comp

uint64_t rowsSpanBytes(const RowsView& v, uint32_t rows, uint32_t n, uint32_t elemBytes) {
    if (rows == 0 || n == 0) return 0;
    return (uint64_t(rows - 1) * v.stride + n) * elemBytes;
}

bool fitsU32(uint64_t v) {
    return v <= 0xFFFFFFFFull;
}

} // namespace

bool supportsWeightType(GgmlType t) {
    switch (t) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16:
    case GgmlType::Q8_0:
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
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

Ops::Ops(Context& ctx) : ctx_(ctx), subgroups_(ctx.info().subgroupArithmetic) {
    const char* words = std::getenv("HEARTH_VULKAN_WORD_STORAGE");
    smallStorage_ = smallStorageSupported() && !(words && *words && *words != '0');
}

bool Ops::smallStorageSupported() const {
    return ctx_.info().storage8Bit && ctx_.info().storage16Bit;
}

Result<Ops::Bound> Ops::window(const Buffer& b, uint64_t begin, uint64_t end) const {
    if (end > b.size() || begin > end) return makeError("Vulkan: a view reaches past its buffer");
    const uint64_t align = std::max<uint64_t>(ctx_.info().minStorageBufferOffsetAlignment, 4);
    const uint64_t base = begin / align * align;
    uint64_t size = std::max<uint64_t>((end - base + 3) & ~uint64_t(3), 4);
    size = std::min(size, b.size() - base);
    if (size > ctx_.info().maxStorageBufferRange)
        return makeError("Vulkan: one binding would need " + std::to_string(size >> 20) +
                         " MiB, over the device's storage-buffer range");
    return Bound{b.range(base, size), begin - base};
}

Result<const Pipeline*> Ops::pipeline(const std::string& name, uint32_t bindings) {
    return ctx_.pipelines().get(name, bindings);
}

void Ops::spread(uint64_t groups, uint32_t& gx, uint32_t& gy) const {
    const uint32_t maxX = std::min<uint32_t>(ctx_.info().maxWorkGroupCount[0], 32768);
    gx = static_cast<uint32_t>(std::min<uint64_t>(std::max<uint64_t>(groups, 1), maxX));
    gy = static_cast<uint32_t>((groups + gx - 1) / gx);
}

Status Ops::mulMat(const WeightView& w, const RowsView& x, uint32_t cols, const RowsView& y,
                   bool accumulate, int64_t xSumsOffset, int64_t xScalesOffset) {
    if (!w.buffer || !x.buffer || !y.buffer) return makeError("Vulkan mulMat: missing buffer");
    if (!supportsWeightType(w.type))
        return makeError("Vulkan mulMat: weights of type " + std::string(ggmlTypeName(w.type)) +
                         " are not supported");
    auto rowBytes = ggmlRowBytes(w.type, w.k);
    if (!rowBytes || w.k == 0)
        return makeError("Vulkan mulMat: row length " + std::to_string(w.k) +
                         " is not a whole number of blocks");
    if (w.rows == 0 || cols == 0) return {};
    if (x.stride < w.k && cols > 1) return makeError("Vulkan mulMat: x rows overlap");
    auto pipe = pipeline("mul_mat_" + std::string(ggmlTypeName(w.type)) +
                             (subgroups_ ? "_sg" : "") + (smallStorage_ ? "_s8" : ""),
                         3);
    if (!pipe) return std::move(pipe).takeError();
    uint64_t xBegin = x.offset * 4, xEnd = x.offset * 4 + rowsSpanBytes(x, cols, w.k, 4);
    const uint32_t blockSize = ggmlTypeInfo(w.type).blockSize;
    const bool quantized = blockSize > 1 && w.type != GgmlType::F16 && w.type != GgmlType::BF16;
    if (xScalesOffset >= 0 && !quantized)
        return makeError("Vulkan mulMat: integer activations need quantized weights");
    auto extend = [&](int64_t offset, uint64_t perCol) {
        if (offset < 0) return;
        xBegin = std::min<uint64_t>(xBegin, uint64_t(offset) * 4);
        xEnd = std::max<uint64_t>(xEnd, (uint64_t(offset) + uint64_t(cols) * perCol) * 4);
    };
    extend(xSumsOffset, w.k / 32);
    extend(xScalesOffset, w.k / std::max<uint32_t>(blockSize, 1));
    auto xb = window(*x.buffer, xBegin, xEnd);
    if (!xb) return std::move(xb).takeError();
    const uint64_t xBase = xb->range.offset / 4; // element index of the window start
    auto relative = [&](int64_t offset) {
        return offset >= 0 ? uint32_t(uint64_t(offset) - xBase) : 0xFFFFFFFFu;
    };
    const uint32_t sumsPush = relative(xSumsOffset);
    const uint32_t scalesPush = relative(xScalesOffset);
    const uint64_t maxRange = ctx_.info().maxStorageBufferRange;
    const uint64_t align = std::max<uint64_t>(ctx_.info().minStorageBufferOffsetAlignment, 4);
    // Rows per dispatch so that one weight binding (plus alignment slack) fits the range.
    const uint64_t rowsPerChunk =
        std::max<uint64_t>(1, std::min<uint64_t>(w.rows, (maxRange - align - 4) / *rowBytes));
    if (*rowBytes + align + 4 > maxRange)
        return makeError("Vulkan mulMat: one weight row exceeds the storage-buffer range");
    for (uint64_t r0 = 0; r0 < w.rows; r0 += rowsPerChunk) {
        const uint64_t rows = std::min<uint64_t>(rowsPerChunk, w.rows - r0);
        auto wb = window(*w.buffer, w.offset + r0 * *rowBytes, w.offset + (r0 + rows) * *rowBytes);
        if (!wb) return std::move(wb).takeError();
        const uint64_t yFirst = y.offset + r0;
        const uint64_t yEnd = y.offset + uint64_t(cols - 1) * y.stride + w.rows;
        auto yb = window(*y.buffer, yFirst * 4, yEnd * 4);
        if (!yb) return std::move(yb).takeError();
        uint32_t gx, gy;
        spread(rows, gx, gy);
        const uint32_t push[] = {static_cast<uint32_t>(rows),
                                 w.k,
                                 cols,
                                 static_cast<uint32_t>(*rowBytes),
                                 static_cast<uint32_t>(wb->skew),
                                 static_cast<uint32_t>(x.offset - xBase),
                                 x.stride,
                                 static_cast<uint32_t>(yb->skew / 4),
                                 y.stride,
                                 gx,
                                 accumulate ? 1u : 0u,
                                 sumsPush,
                                 scalesPush};
        if (auto s =
                ctx_.stream().dispatch(**pipe, {wb->range, xb->range, yb->range}, push, sizeof push,
                                       gx, gy, (cols + kMulMatColumns - 1) / kMulMatColumns);
            !s)
            return s;
    }
    return {};
}

Status Ops::roundActivations(GgmlType vecDotType, const RowsView& x, const RowsView& y,
                             uint32_t rows, uint32_t n, int64_t ySumsOffset,
                             int64_t yScalesOffset) {
    uint32_t mode;
    uint32_t block = 1;
    switch (vecDotType) {
    case GgmlType::F32:
        return copy(GgmlType::F32, x, GgmlType::F32, y, rows, n);
    case GgmlType::Q8_0:
    case GgmlType::Q8_1:
        mode = 0;
        block = 32;
        break;
    case GgmlType::Q8_K:
        mode = 1;
        block = 256;
        break;
    case GgmlType::F16:
        mode = 2;
        break;
    case GgmlType::BF16:
        mode = 3;
        break;
    default:
        return makeError("Vulkan: cannot round activations to " +
                         std::string(ggmlTypeName(vecDotType)));
    }
    if (n % block != 0) return makeError("Vulkan: activation row is not a whole number of blocks");
    if (rows == 0 || n == 0) return {};
    auto pipe = pipeline("act_quant", 2);
    if (!pipe) return std::move(pipe).takeError();
    auto xb = bindRows(x, rows, n);
    if (!xb) return std::move(xb).takeError();
    if (ySumsOffset >= 0 && mode != 0)
        return makeError("Vulkan: block sums exist for Q8_0/Q8_1 rounding only");
    if (!y.buffer) return makeError("Vulkan: missing buffer");
    uint64_t yBegin = y.offset * 4, yEnd = y.offset * 4 + rowsSpanBytes(y, rows, n, 4);
    if (yScalesOffset >= 0 && mode > 1)
        return makeError("Vulkan: integer levels exist for Q8_0/Q8_1/Q8_K rounding only");
    auto extend = [&](int64_t offset, uint64_t perRow) {
        if (offset < 0) return;
        yBegin = std::min<uint64_t>(yBegin, uint64_t(offset) * 4);
        yEnd = std::max<uint64_t>(yEnd, (uint64_t(offset) + uint64_t(rows) * perRow) * 4);
    };
    extend(ySumsOffset, n / 32);
    extend(yScalesOffset, n / block);
    auto yb = window(*y.buffer, yBegin, yEnd);
    if (!yb) return std::move(yb).takeError();
    const uint64_t yBase = yb->range.offset / 4;
    const uint64_t items = uint64_t(rows) * (n / block);
    uint32_t gx, gy;
    spread((items + 63) / 64, gx, gy);
    const uint32_t push[] = {
        rows,
        n,
        uint32_t(xb->skew / 4),
        x.stride,
        uint32_t(y.offset - yBase),
        y.stride,
        mode,
        gx,
        ySumsOffset >= 0 ? uint32_t(uint64_t(ySumsOffset) - yBase) : 0xFFFFFFFFu,
        yScalesOffset >= 0 ? uint32_t(uint64_t(yScalesOffset) - yBase) : 0xFFFFFFFFu};
    return ctx_.stream().dispatch(**pipe, {xb->range, yb->range}, push, sizeof push, gx, gy);
}

Status Ops::getRows(const WeightView& t, const Buffer& ids, uint32_t idOffset, uint32_t count,
                    const RowsView& out) {
    if (!t.buffer || !out.buffer) return makeError("Vulkan getRows: missing buffer");
    if (!supportsWeightType(t.type))
        return makeError("Vulkan getRows: type " + std::string(ggmlTypeName(t.type)) +
                         " is not supported");
    auto rowBytes = ggmlRowBytes(t.type, t.k);
    if (!rowBytes || t.k == 0) return makeError("Vulkan getRows: bad row length");
    if (count == 0) return {};
    auto pipe =
        pipeline("get_rows_" + std::string(ggmlTypeName(t.type)) + (smallStorage_ ? "_s8" : ""), 3);
    if (!pipe) return std::move(pipe).takeError();
    auto ib = window(ids, uint64_t(idOffset) * 4, uint64_t(idOffset + count) * 4);
    if (!ib) return std::move(ib).takeError();
    auto ob =
        window(*out.buffer, out.offset * 4, out.offset * 4 + rowsSpanBytes(out, count, t.k, 4));
    if (!ob) return std::move(ob).takeError();
    const uint64_t maxRange = ctx_.info().maxStorageBufferRange;
    const uint64_t align = std::max<uint64_t>(ctx_.info().minStorageBufferOffsetAlignment, 4);
    const uint64_t rowsPerChunk = std::max<uint64_t>(1, (maxRange - align - 4) / *rowBytes);
    for (uint64_t r0 = 0; r0 < t.rows; r0 += rowsPerChunk) {
        const uint64_t rows = std::min<uint64_t>(rowsPerChunk, t.rows - r0);
        auto wb = window(*t.buffer, t.offset + r0 * *rowBytes, t.offset + (r0 + rows) * *rowBytes);
        if (!wb) return std::move(wb).takeError();
        uint32_t gx, gy;
        spread(count, gx, gy);
        const uint32_t push[] = {count,
                                 t.k,
                                 static_cast<uint32_t>(*rowBytes),
                                 static_cast<uint32_t>(wb->skew),
                                 static_cast<uint32_t>(r0),
                                 static_cast<uint32_t>(r0 + rows),
                                 static_cast<uint32_t>(ib->skew / 4),
                                 static_cast<uint32_t>(ob->skew / 4),
                                 out.stride,
                                 gx};
        if (auto s = ctx_.stream().dispatch(**pipe, {wb->range, ib->range, ob->range}, push,
                                            sizeof push, gx, gy);
            !s)
            return s;
    }
    return {};
}

Result<Ops::Bound> Ops::bindRows(const RowsView& v, uint32_t rows, uint32_t n) const {
    if (!v.buffer) return makeError("Vulkan: missing buffer");
    if (rows > 1 && v.stride < n) return makeError("Vulkan: rows overlap (stride < row length)");
    return window(*v.buffer, v.offset * 4, v.offset * 4 + rowsSpanBytes(v, rows, n, 4));
}

Status Ops::rowKernel(const char* name, const RowsView& x, const RowsView& y, uint32_t rows,
                      uint32_t n, float param) {
    if (rows == 0 || n == 0) return {};
    auto pipe = pipeline(name, 2);
    if (!pipe) return std::move(pipe).takeError();
    auto xb = bindRows(x, rows, n);
    if (!xb) return std::move(xb).takeError();
    auto yb = bindRows(y, rows, n);
    if (!yb) return std::move(yb).takeError();
    if (rows > ctx_.info().maxWorkGroupCount[0]) return makeError("Vulkan: too many rows");
    struct {
        uint32_t rows, n, xOffset, xStride, yOffset, yStride;
        float param;
    } push{rows, n, uint32_t(xb->skew / 4), x.stride, uint32_t(yb->skew / 4), y.stride, param};
    return ctx_.stream().dispatch(**pipe, {xb->range, yb->range}, &push, sizeof push, rows);
}

Status Ops::rmsNorm(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float eps) {
    return rowKernel(ctx_.info().shaderFloat64 ? "rms_norm_f64" : "rms_norm", x, y, rows, n, eps);
}

Status Ops::layerNorm(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float eps) {
    return rowKernel(ctx_.info().shaderFloat64 ? "layer_norm_f64" : "layer_norm", x, y, rows, n,
                     eps);
}

Status Ops::softmax(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float scale) {
    return rowKernel(ctx_.info().shaderFloat64 ? "softmax_f64" : "softmax", x, y, rows, n, scale);
}

Status Ops::rope(const RowsView& x, const RowsView& y, const Buffer& table, uint32_t tableOffset,
                 const RopeParams& p) {
    if (p.tokens == 0 || p.heads == 0) return {};
    if (p.nRot > p.headDim || p.nRot % 2 != 0)
        return makeError("Vulkan rope: rotated dimensions must be even and <= head size");
    const uint32_t headStride = p.headStride ? p.headStride : p.headDim;
    const uint32_t rowLen = (p.heads - 1) * headStride + p.headDim;
    auto pipe = pipeline("rope", 3);
    if (!pipe) return std::move(pipe).takeError();
    auto xb = bindRows(x, p.tokens, rowLen);
    if (!xb) return std::move(xb).takeError();
    auto yb = bindRows(y, p.tokens, rowLen);
    if (!yb) return std::move(yb).takeError();
    auto tb = window(table, uint64_t(tableOffset) * 4,
                     (uint64_t(tableOffset) + uint64_t(p.tokens) * p.nRot) * 4);
    if (!tb) return std::move(tb).takeError();
    const uint32_t push[] = {p.tokens, p.heads,          p.headDim,
                             p.nRot,   p.neox ? 1u : 0u, uint32_t(xb->skew / 4),
                             x.stride, headStride,       uint32_t(yb->skew / 4),
                             y.stride, headStride,       uint32_t(tb->skew / 4)};
    return ctx_.stream().dispatch(**pipe, {xb->range, tb->range, yb->range}, push, sizeof push,
                                  p.heads, p.tokens);
}

Status Ops::gluKernel(const RowsView& gate, const RowsView* up, const RowsView& y, uint32_t rows,
                      uint32_t n, bool gelu) {
    if (rows == 0 || n == 0) return {};
    auto pipe = pipeline(ctx_.info().shaderFloat64 ? "glu_f64" : "glu", 3);
    if (!pipe) return std::move(pipe).takeError();
    auto gb = bindRows(gate, rows, n);
    if (!gb) return std::move(gb).takeError();
    auto ub = bindRows(up ? *up : gate, rows, n);
    if (!ub) return std::move(ub).takeError();
    auto yb = bindRows(y, rows, n);
    if (!yb) return std::move(yb).takeError();
    if (!fitsU32(uint64_t(rows) * n)) return makeError("Vulkan glu: too many elements");
    uint32_t gx, gy;
    spread((uint64_t(rows) * n + 255) / 256, gx, gy);
    const uint32_t push[] = {rows,
                             n,
                             uint32_t(gb->skew / 4),
                             gate.stride,
                             uint32_t(ub->skew / 4),
                             up ? up->stride : gate.stride,
                             uint32_t(yb->skew / 4),
                             y.stride,
                             gelu ? 1u : 0u,
                             gx,
                             up ? 0u : 1u};
    return ctx_.stream().dispatch(**pipe, {gb->range, ub->range, yb->range}, push, sizeof push, gx,
                                  gy);
}

Status Ops::glu(const RowsView& gate, const RowsView& up, const RowsView& y, uint32_t rows,
                uint32_t n, bool gelu) {
    return gluKernel(gate, &up, y, rows, n, gelu);
}

Status Ops::activation(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, bool gelu) {
    return gluKernel(x, nullptr, y, rows, n, gelu);
}

Status Ops::storeTransposed(const RowsView& src, uint32_t tokens, uint32_t channels,
                            const Buffer& dst, GgmlType dstType, uint64_t dstOffset,
                            uint32_t dstRowStride, uint32_t pos0) {
    if (tokens == 0 || channels == 0) return {};
    const bool half = dstType == GgmlType::F16;
    if (!half && dstType != GgmlType::F32)
        return makeError("Vulkan: transposed stores support F32 and F16 only");
    if (half && (dstRowStride % 2 || dstOffset % 2))
        return makeError("Vulkan: an F16 V cache needs an even context length and offset");
    if (channels > ctx_.info().maxWorkGroupCount[1]) return makeError("Vulkan: too many channels");
    auto pipe = pipeline(half ? "store_transposed_f16" : "store_transposed_f32", 2);
    if (!pipe) return std::move(pipe).takeError();
    auto sb = bindRows(src, tokens, channels);
    if (!sb) return std::move(sb).takeError();
    const uint32_t eb = half ? 2 : 4;
    const uint64_t begin = (dstOffset + pos0) * eb;
    const uint64_t end = (dstOffset + uint64_t(channels - 1) * dstRowStride + pos0 + tokens) * eb;
    auto db = window(dst, begin / 4 * 4, (end + 3) / 4 * 4);
    if (!db) return std::move(db).takeError();
    // dst element 0 relative to the window; may wrap below zero (uint arithmetic in the shader
    // is modulo 2^32 and only elements from pos0 on are addressed).
    const uint32_t dstOff = uint32_t(dstOffset - db->range.offset / eb);
    const uint32_t items = half ? (tokens + 2) / 2 : tokens;
    const uint32_t push[] = {tokens,       channels, uint32_t(sb->skew / 4), src.stride, dstOff,
                             dstRowStride, pos0};
    return ctx_.stream().dispatch(**pipe, {sb->range, db->range}, push, sizeof push,
                                  (items + 63) / 64, channels);
}

Status Ops::binaryKernel(uint32_t op, float s, const RowsView& a, const RowsView& b, uint32_t bRows,
                         uint32_t bCols, const RowsView& y, uint32_t rows, uint32_t n) {
    if (rows == 0 || n == 0) return {};
    if (bRows == 0 || bCols == 0) return makeError("Vulkan binary op: empty operand");
    auto pipe = pipeline("binary", 3);
    if (!pipe) return std::move(pipe).takeError();
    auto ab = bindRows(a, rows, n);
    if (!ab) return std::move(ab).takeError();
    auto bb = bindRows(b, bRows, bCols);
    if (!bb) return std::move(bb).takeError();
    auto yb = bindRows(y, rows, n);
    if (!yb) return std::move(yb).takeError();
    if (!fitsU32(uint64_t(rows) * n)) return makeError("Vulkan binary op: too many elements");
    uint32_t gx, gy;
    spread((uint64_t(rows) * n + 255) / 256, gx, gy);
    struct {
        uint32_t rows, n, aOffset, aStride, bOffset, bStride, bRows, bCols, yOffset, yStride, op;
        float scale;
        uint32_t groupsX;
    } push{rows,
           n,
           uint32_t(ab->skew / 4),
           a.stride,
           uint32_t(bb->skew / 4),
           b.stride,
           bRows,
           bCols,
           uint32_t(yb->skew / 4),
           y.stride,
           op,
           s,
           gx};
    return ctx_.stream().dispatch(**pipe, {ab->range, bb->range, yb->range}, &push, sizeof push, gx,
                                  gy);
}

Status Ops::binary(BinaryOp op, const RowsView& a, const RowsView& b, uint32_t bRows,
                   uint32_t bCols, const RowsView& y, uint32_t rows, uint32_t n) {
    return binaryKernel(static_cast<uint32_t>(op), 0.0f, a, b, bRows, bCols, y, rows, n);
}

Status Ops::scale(const RowsView& a, const RowsView& y, uint32_t rows, uint32_t n, float s) {
    // The shader ignores b for scaling; bind a in its place.
    return binaryKernel(2, s, a, a, 1, 1, y, rows, n);
}

Status Ops::copy(GgmlType srcType, const RowsView& x, GgmlType dstType, const RowsView& y,
                 uint32_t rows, uint32_t n) {
    auto sideOk = [](GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16; };
    if (!sideOk(srcType) || !sideOk(dstType))
        return makeError("Vulkan copy: only F32 and F16 are supported");
    if (rows == 0 || n == 0) return {};
    if (!x.buffer || !y.buffer) return makeError("Vulkan copy: missing buffer");
    const bool srcHalf = srcType == GgmlType::F16, dstHalf = dstType == GgmlType::F16;
    auto even = [&](const RowsView& v) {
        return n % 2 == 0 && v.offset % 2 == 0 && v.stride % 2 == 0;
    };
    if ((srcHalf && !even(x)) || (dstHalf && !even(y)))
        return makeError("Vulkan copy: F16 rows need even lengths, offsets and strides");
    const std::string name =
        std::string("cpy_") + (srcHalf ? "f16" : "f32") + "_" + (dstHalf ? "f16" : "f32");
    auto pipe = pipeline(name, 2);
    if (!pipe) return std::move(pipe).takeError();
    const uint32_t xe = srcHalf ? 2 : 4, ye = dstHalf ? 2 : 4;
    if (rows > 1 && (x.stride < n || y.stride < n)) return makeError("Vulkan copy: rows overlap");
    auto xb = window(*x.buffer, x.offset * xe, x.offset * xe + rowsSpanBytes(x, rows, n, xe));
    if (!xb) return std::move(xb).takeError();
    auto yb = window(*y.buffer, y.offset * ye, y.offset * ye + rowsSpanBytes(y, rows, n, ye));
    if (!yb) return std::move(yb).takeError();
    const uint64_t pairs = uint64_t(rows) * ((n + 1) / 2);
    uint32_t gx, gy;
    spread((pairs + 255) / 256, gx, gy);
    const uint32_t push[] = {
        rows, n, uint32_t(xb->skew / xe), x.stride, uint32_t(yb->skew / ye), y.stride, gx};
    return ctx_.stream().dispatch(**pipe, {xb->range, yb->range}, push, sizeof push, gx, gy);
}

Status Ops::attention(const RowsView& q, const Buffer& kCache, uint64_t kOffset,
                      const Buffer& vCache, uint64_t vOffset, const RowsView& out,
                      const AttentionParams& p) {
    if (p.tokens == 0 || p.heads == 0) return {};
    if (p.headDim == 0 || p.headDim > 256)
        return makeError("Vulkan attention: head size must be 1..256");
    if (p.kvHeads == 0 || p.heads % p.kvHeads != 0)
        return makeError("Vulkan attention: heads must be a multiple of KV heads");
    const uint32_t kvDim = p.kvHeads * p.headDim;
    const uint32_t kPos = p.kPosStride ? p.kPosStride : kvDim;
    const uint32_t vPos = p.vPosStride ? p.vPosStride : kvDim;
    const uint32_t vChan = p.vChanStride ? p.vChanStride : 1;
    const uint32_t eb = p.kvF16 ? 2 : 4;
    auto pipe = pipeline(std::string(p.kvF16 ? "attention_f16" : "attention_f32") +
                             (ctx_.info().shaderFloat64 ? "_f64" : ""),
                         4);
    if (!pipe) return std::move(pipe).takeError();
    const uint32_t rowLen = p.heads * p.headDim;
    auto qb = bindRows(q, p.tokens, rowLen);
    if (!qb) return std::move(qb).takeError();
    auto ob = bindRows(out, p.tokens, rowLen);
    if (!ob) return std::move(ob).takeError();
    const uint64_t lastKey = uint64_t(p.pos0) + p.tokens - 1;
    const uint64_t kEnd = (kOffset + lastKey * kPos + kvDim) * eb;
    const uint64_t vEnd = (vOffset + lastKey * vPos + uint64_t(kvDim - 1) * vChan + 1) * eb;
    // Windows start at >= 4-byte boundaries, so F16 element parity is kept.
    auto kb = window(kCache, kOffset * eb, kEnd);
    if (!kb) return std::move(kb).takeError();
    auto vb = window(vCache, vOffset * eb, vEnd);
    if (!vb) return std::move(vb).takeError();
    struct {
        uint32_t nTok, nHead, nKvHead, headDim, qOffset, qTokStride, kOffset, kPosStride, vOffset,
            vPosStride, vChanStride, oOffset, oTokStride, pos0;
        float scale;
    } push{p.tokens,
           p.heads,
           p.kvHeads,
           p.headDim,
           uint32_t(qb->skew / 4),
           q.stride,
           uint32_t(kb->skew / eb),
           kPos,
           uint32_t(vb->skew / eb),
           vPos,
           vChan,
           uint32_t(ob->skew / 4),
           out.stride,
           p.pos0,
           p.scale};
    return ctx_.stream().dispatch(**pipe, {qb->range, kb->range, vb->range, ob->range}, &push,
                                  sizeof push, p.heads, p.tokens);
}

} // namespace hearth::vk
