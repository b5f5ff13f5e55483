#pragma once
// The compute ops, recorded into the context's command stream in call order (each op sees the
// results of the ones before it). Submit with ctx.stream().submitAndWait().
//
// Views address buffers in elements (F32 activations) or bytes (weights). Bindings larger than
// the device's maxStorageBufferRange are split: weights by row ranges, others by windows.
#include "engine/core/result.h"
#include "engine/gguf/ggml_type.h"
#include "engine/vulkan/vk_context.h"

namespace hearth::vk {

// True when the Vulkan kernels can decode weights of this type.
bool supportsWeightType(GgmlType type);

struct WeightView {
    const Buffer* buffer = nullptr;
    uint64_t offset = 0; // bytes to row 0
    GgmlType type = GgmlType::F32;
    uint32_t rows = 0;
    uint32_t k = 0; // elements per row
};

// Rows of F32 values: element (r, c) is at offset + r * stride + c.
struct RowsView {
    const Buffer* buffer = nullptr;
    uint64_t offset = 0; // elements
    uint32_t stride = 0; // elements between rows
};

struct RopeParams {
    uint32_t tokens = 0, heads = 0, headDim = 0, nRot = 0;
    bool neox = false;
    uint32_t headStride = 0; // 0: headDim
};

struct AttentionParams {
    uint32_t tokens = 0, heads = 0, kvHeads = 0, headDim = 0;
    uint32_t pos0 = 0; // cache position of the first token (causal: token t sees [0, pos0+t])
    float scale = 1.0f;
    bool kvF16 = true; // cache element type; F16 also rounds q and P to F16 (as ggml)
    // Cache layout in elements, channel c = kvHead * headDim + dim:
    //   K(pos, c) = kOffset + pos * kPosStride + c
    //   V(pos, c) = vOffset + pos * vPosStride + c * vChanStride
    // Zero strides mean [pos][channel] with kvHeads * headDim channels.
    uint32_t kPosStride = 0, vPosStride = 0, vChanStride = 0;
};

enum class BinaryOp : uint32_t { Add = 0, Mul = 1 };

class Ops {
public:
    explicit Ops(Context& ctx);
    // Subgroup reductions in the matrix kernels (default: when the device supports them).
    void setUseSubgroups(bool on) { subgroups_ = on && ctx_.info().subgroupArithmetic; }
    bool useSubgroups() const { return subgroups_; }
    // Weight reads through 8/16-bit storage (default: when the device offers both
    // storageBuffer8BitAccess and storageBuffer16BitAccess and HEARTH_VULKAN_WORD_STORAGE is
    // unset); off reads 32-bit words, which every device supports. Results are identical.
    void setUseSmallStorage(bool on) { smallStorage_ = on && smallStorageSupported(); }
    bool useSmallStorage() const { return smallStorage_; }
    bool smallStorageSupported() const;

    // y[c][r] (+)= sum_k W[r][k] * x[c][k] for c < cols (y row stride is y.stride).
    // x is F32, or, for quantized weights with xScalesOffset >= 0, the integer levels that
    // roundActivations writes with their per-block scales at that element offset of x's
    // buffer ([col][k / block]): then each block is an exact integer dot scaled once, as ggml
    // computes it. For Q4_1/Q5_1 weights the block-minimum term uses per-block activation sums:
    // read from x's buffer at element xSumsOffset ([col][k/32]) when >= 0, else summed from x.
    Status mulMat(const WeightView& w, const RowsView& x, uint32_t cols, const RowsView& y,
                  bool accumulate = false, int64_t xSumsOffset = -1, int64_t xScalesOffset = -1);
    // y = x rounded to what `vecDotType` (Q8_0, Q8_1, Q8_K, F16, BF16; F32 copies) can hold,
    // as ggml quantizes activations before a product with quantized weights.
    // For Q8_1 with ySumsOffset >= 0, also writes each block's F16-rounded d * sum(q) (ggml's s)
    // into y's buffer at that element offset, [row][n/32], for mulMat's xSumsOffset.
    // For Q8_0/Q8_1/Q8_K with yScalesOffset >= 0, y gets the integer levels q instead of q * d
    // and each block's d goes to that element offset, [row][n / block], for mulMat.
    Status roundActivations(GgmlType vecDotType, const RowsView& x, const RowsView& y,
                            uint32_t rows, uint32_t n, int64_t ySumsOffset = -1,
                            int64_t yScalesOffset = -1);
    // out[i] = W[ids[idOffset + i]] for i < count (ids are int32 in `ids`).
    Status getRows(const WeightView& table, const Buffer& ids, uint32_t idOffset, uint32_t count,
                   const RowsView& out);
    Status rmsNorm(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float eps);
    Status layerNorm(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float eps);
    // x and y are [token][head][dim] with token stride .stride; the angles are read from
    // `table` at element tableOffset, laid out as ropeTable() (vk_rope_table.h) makes them.
    Status rope(const RowsView& x, const RowsView& y, const Buffer& table, uint32_t tableOffset,
                const RopeParams& p);
    Status softmax(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, float scale);
    Status glu(const RowsView& gate, const RowsView& up, const RowsView& y, uint32_t rows,
               uint32_t n, bool gelu);
    // y = silu(x) or gelu(x) (tanh form).
    Status activation(const RowsView& x, const RowsView& y, uint32_t rows, uint32_t n, bool gelu);
    // dst[c][pos0 + t] = src[t][c] for t < tokens, c < channels; dst F32 or F16 in elements
    // (dstOffset, dstRowStride; F16 needs an even row stride).
    Status storeTransposed(const RowsView& src, uint32_t tokens, uint32_t channels,
                           const Buffer& dst, GgmlType dstType, uint64_t dstOffset,
                           uint32_t dstRowStride, uint32_t pos0);
    // y = a op b, b broadcasting: b row (r % bRows), column (c % bCols).
    Status binary(BinaryOp op, const RowsView& a, const RowsView& b, uint32_t bRows, uint32_t bCols,
                  const RowsView& y, uint32_t rows, uint32_t n);
    Status scale(const RowsView& a, const RowsView& y, uint32_t rows, uint32_t n, float s);
    // Element copy with conversion; F16 sides need even n, offsets and strides.
    Status copy(GgmlType srcType, const RowsView& x, GgmlType dstType, const RowsView& y,
                uint32_t rows, uint32_t n);
    // q [token][head][dim] (stride q.stride), caches as AttentionParams describes, out like q.
    Status attention(const RowsView& q, const Buffer& kCache, uint64_t kOffset,
                     const Buffer& vCache, uint64_t vOffset, const RowsView& out,
                     const AttentionParams& p);

private:
    struct Bound {
        BufferRange range;
        uint64_t skew = 0; // bytes between range.offset and the first byte asked for
    };
    Result<Bound> window(const Buffer& b, uint64_t beginByte, uint64_t endByte) const;
    Result<Bound> bindRows(const RowsView& v, uint32_t rows, uint32_t n) const;
    Status rowKernel(const char* name, const RowsView& x, const RowsView& y, uint32_t rows,
                     uint32_t n, float param);
    Status gluKernel(const RowsView& gate, const RowsView* up, const RowsView& y, uint32_t rows,
                     uint32_t n, bool gelu);
    Status binaryKernel(uint32_t op, float s, const RowsView& a, const RowsView& b, uint32_t bRows,
                        uint32_t bCols, const RowsView& y, uint32_t rows, uint32_t n);
    Result<const Pipeline*> pipeline(const std::string& name, uint32_t bindings);
    void spread(uint64_t groups, uint32_t& gx, uint32_t& gy) const;

    Context& ctx_;
    bool subgroups_ = false;
    bool smallStorage_ = false;
};

} // namespace hearth::vk
