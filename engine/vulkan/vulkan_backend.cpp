#include "engine/vulkan/vulkan_backend.h"

#include "engine/vulkan/vk_memory.h"
#include "engine/vulkan/vk_rope_table.h"

#include <algorithm>
#include <cstring>

namespace hearth::vk {
namespace {

constexpr uint64_t kIntArenaElements = 1 << 18; // 1 MiB of ids / positions per submission

// A hearth::Buffer backed by device memory. Queued work may still reference it (a zero fill,
// ops of a context being torn down, a model load that failed half way), so it is finished
// before the memory is freed; with nothing queued that costs nothing.
class DeviceBuffer final : public hearth::Buffer {
public:
    DeviceBuffer(vk::Buffer b, size_t size, VulkanBackend& owner)
        : buffer_(std::move(b)), size_(size), owner_(owner) {}
    ~DeviceBuffer() override { (void)owner_.synchronize(); }
    size_t size() const override { return size_; }
    const vk::Buffer& vk() const { return buffer_; }

private:
    vk::Buffer buffer_;
    size_t size_;
    VulkanBackend& owner_;
};

Result<const vk::Buffer*> deviceBuffer(const TensorRef& t) {
    auto* b = dynamic_cast<DeviceBuffer*>(t.buffer);
    if (!b) return makeError("Vulkan backend: a tensor does not live in a Vulkan buffer");
    return &b->vk();
}

// F32 rows of t as a RowsView (offsets in elements).
Result<RowsView> rows(const TensorRef& t) {
    auto b = deviceBuffer(t);
    if (!b) return std::move(b).takeError();
    if (t.type != GgmlType::F32) return makeError("Vulkan backend: expected an F32 tensor");
    const size_t stride = t.stride();
    if (t.offset % 4 || stride % 4) return makeError("Vulkan backend: misaligned F32 tensor");
    if (t.offset + (t.rows > 0 ? (t.rows - 1) * stride + t.cols * 4 : 0) > t.buffer->size())
        return makeError("Vulkan backend: tensor reaches past its buffer");
    return RowsView{*b, t.offset / 4, static_cast<uint32_t>(stride / 4)};
}

// Rows of an F32 or F16 tensor, offsets in that type's elements.
Result<RowsView> typedRows(const TensorRef& t) {
    if (t.type == GgmlType::F32) return rows(t);
    auto b = deviceBuffer(t);
    if (!b) return std::move(b).takeError();
    if (t.type != GgmlType::F16) return makeError("Vulkan backend: expected F32 or F16");
    const size_t stride = t.stride();
    if (t.offset % 2 || stride % 2) return makeError("Vulkan backend: misaligned F16 tensor");
    return RowsView{*b, t.offset / 2, static_cast<uint32_t>(stride / 2)};
}

uint32_t u32(int64_t v) {
    return static_cast<uint32_t>(v);
}

} // namespace

GgmlType activationTypeFor(GgmlType w) {
    switch (w) {
    case GgmlType::Q4_0:
    case GgmlType::Q5_0:
    case GgmlType::Q8_0:
    case GgmlType::IQ4_NL:
        return GgmlType::Q8_0;
    case GgmlType::Q4_1:
    case GgmlType::Q5_1:
        return GgmlType::Q8_1;
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K:
    case GgmlType::IQ4_XS:
        return GgmlType::Q8_K;
    case GgmlType::F16:
        return GgmlType::F16;
    case GgmlType::BF16:
        return GgmlType::BF16;
    default:
        return GgmlType::F32;
    }
}

Result<std::unique_ptr<VulkanBackend>> VulkanBackend::create(const ContextOptions& options) {
    auto ctx = Context::create(options);
    if (!ctx) return std::move(ctx).takeError();
    std::unique_ptr<VulkanBackend> b(new VulkanBackend());
    b->ctx_ = std::move(*ctx);
    b->ops_ = std::make_unique<Ops>(*b->ctx_);
    auto ints = b->ctx_->createBuffer(kIntArenaElements * 4, BufferKind::HostVisible);
    if (!ints) return std::move(ints).takeError();
    b->ints_ = std::move(*ints);
    return b;
}

VulkanBackend::~VulkanBackend() {
    if (ctx_) (void)ctx_->stream().submitAndWait();
    ints_ = Buffer();
    scratch_ = Buffer();
    ops_.reset();
}

hearth::DeviceInfo VulkanBackend::info() const {
    hearth::DeviceInfo d;
    d.name = ctx_->info().name;
    d.kind = "vulkan";
    d.memoryBytes = deviceLocalBudgetBytes(ctx_->device());
    d.hostVisible = ctx_->info().type == "cpu" || ctx_->info().type == "integrated";
    return d;
}

bool VulkanBackend::supports(BackendOp op, GgmlType type) const {
    switch (op) {
    case BackendOp::MatMul:
    case BackendOp::GetRows:
        return supportsWeightType(type);
    case BackendOp::StoreKv:
    case BackendOp::Attention:
    case BackendOp::Copy:
        return type == GgmlType::F32 || type == GgmlType::F16;
    default:
        return type == GgmlType::F32;
    }
}

Result<std::unique_ptr<hearth::Buffer>> VulkanBackend::allocate(size_t bytes) {
    auto b = ctx_->createBuffer(bytes);
    if (!b) return std::move(b).takeError();
    if (auto s = ctx_->stream().fill(b->whole(), 0); !s) return std::move(s).takeError();
    return std::unique_ptr<hearth::Buffer>(new DeviceBuffer(std::move(*b), bytes, *this));
}

Result<std::unique_ptr<hearth::Buffer>> VulkanBackend::wrapWeights(const uint8_t* data,
                                                                   size_t bytes) {
    auto b = ctx_->createBuffer(bytes);
    if (!b) return std::move(b).takeError();
    if (auto s = ctx_->upload(*b, 0, data, bytes); !s) return std::move(s).takeError();
    return std::unique_ptr<hearth::Buffer>(new DeviceBuffer(std::move(*b), bytes, *this));
}

Status VulkanBackend::write(const TensorRef& t, const void* src) {
    auto b = deviceBuffer(t);
    if (!b) return std::move(b).takeError();
    if (auto s = synchronize(); !s) return s; // queued ops may still use the old contents
    const auto packed = ggmlRowBytes(t.type, t.cols);
    if (!packed) return makeError("Vulkan backend: row length not a whole number of blocks");
    const auto* from = static_cast<const uint8_t*>(src);
    if (t.stride() == *packed) return ctx_->upload(**b, t.offset, from, *packed * t.rows);
    for (int64_t r = 0; r < t.rows; ++r)
        if (auto s = ctx_->upload(**b, t.offset + r * t.stride(), from + r * *packed, *packed); !s)
            return s;
    return {};
}

Status VulkanBackend::read(const TensorRef& t, void* dst) {
    auto b = deviceBuffer(t);
    if (!b) return std::move(b).takeError();
    if (auto s = synchronize(); !s) return s;
    const auto packed = ggmlRowBytes(t.type, t.cols);
    if (!packed) return makeError("Vulkan backend: row length not a whole number of blocks");
    auto* to = static_cast<uint8_t*>(dst);
    if (t.stride() == *packed) return ctx_->download(**b, t.offset, to, *packed * t.rows);
    for (int64_t r = 0; r < t.rows; ++r)
        if (auto s = ctx_->download(**b, t.offset + r * t.stride(), to + r * *packed, *packed); !s)
            return s;
    return {};
}

Status VulkanBackend::synchronize() {
    Status s = ctx_->stream().submitAndWait();
    intsUsed_ = 0;
    ++submissions_; // staged arrays are gone
    return s;
}

Result<uint32_t> VulkanBackend::stageInts(std::span<const int32_t> values) {
    return stageWords(values.data(), values.size());
}

Result<uint32_t> VulkanBackend::stageWords(const void* words, size_t count) {
    if (count > kIntArenaElements) return makeError("Vulkan backend: too many ids");
    if (intsUsed_ + count > kIntArenaElements)
        if (auto s = synchronize(); !s) return std::move(s).takeError();
    const uint32_t at = static_cast<uint32_t>(intsUsed_);
    std::memcpy(static_cast<uint32_t*>(ints_.mapped()) + at, words, count * 4);
    // Keep the next array's start aligned for any binding offset alignment.
    intsUsed_ += (count + 63) / 64 * 64;
    return at;
}

Result<Buffer*> VulkanBackend::scratch(uint64_t bytes) {
    if (scratch_.valid() && scratch_.size() >= bytes) return &scratch_;
    // Queued ops may read the old scratch; finish them before replacing it.
    if (auto s = synchronize(); !s) return std::move(s).takeError();
    auto b = ctx_->createBuffer(std::max<uint64_t>(bytes, 1 << 20));
    if (!b) return std::move(b).takeError();
    scratch_ = std::move(*b);
    return &scratch_;
}

Status VulkanBackend::getRows(const TensorRef& table, std::span<const int32_t> ids,
                              const TensorRef& out) {
    auto tb = deviceBuffer(table);
    if (!tb) return std::move(tb).takeError();
    auto o = rows(out);
    if (!o) return std::move(o).takeError();
    for (int32_t id : ids)
        if (id < 0 || id >= table.rows)
            return makeError("Vulkan backend: token id " + std::to_string(id) + " out of range");
    if (table.stride() != ggmlRowBytes(table.type, table.cols).value_or(0))
        return makeError("Vulkan backend: embedding rows must be packed");
    auto at = stageInts(ids);
    if (!at) return std::move(at).takeError();
    return ops_->getRows(
        WeightView{*tb, table.offset, table.type, u32(table.rows), u32(table.cols)}, ints_, *at,
        u32(ids.size()), *o);
}

Status VulkanBackend::rmsNorm(const TensorRef& x, const TensorRef& weight, float eps,
                              const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    if (auto s = ops_->rmsNorm(*xv, *ov, u32(x.rows), u32(x.cols), eps); !s) return s;
    if (!weight.buffer) return {};
    auto wv = rows(weight);
    if (!wv) return std::move(wv).takeError();
    return ops_->binary(BinaryOp::Mul, *ov, *wv, 1, u32(x.cols), *ov, u32(x.rows), u32(x.cols));
}

Status VulkanBackend::layerNorm(const TensorRef& x, const TensorRef& weight, const TensorRef& bias,
                                float eps, const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    if (auto s = ops_->layerNorm(*xv, *ov, u32(x.rows), u32(x.cols), eps); !s) return s;
    const uint32_t n = u32(x.cols), r = u32(x.rows);
    if (weight.buffer) {
        auto wv = rows(weight);
        if (!wv) return std::move(wv).takeError();
        if (auto s = ops_->binary(BinaryOp::Mul, *ov, *wv, 1, n, *ov, r, n); !s) return s;
    }
    if (bias.buffer) {
        auto bv = rows(bias);
        if (!bv) return std::move(bv).takeError();
        if (auto s = ops_->binary(BinaryOp::Add, *ov, *bv, 1, n, *ov, r, n); !s) return s;
    }
    return {};
}

Status VulkanBackend::matmul(const TensorRef& w, const TensorRef& x, const TensorRef& out) {
    auto wb = deviceBuffer(w);
    if (!wb) return std::move(wb).takeError();
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    if (x.cols != w.cols || out.cols != w.rows || out.rows != x.rows)
        return makeError("Vulkan backend: matmul shapes do not match");
    if (w.stride() != ggmlRowBytes(w.type, w.cols).value_or(0))
        return makeError("Vulkan backend: weight rows must be packed");
    // Round activations as the reference quantizes them, so logits match the CPU backend.
    const GgmlType act = activationTypeFor(w.type);
    RowsView xin = *xv;
    int64_t sums = -1, scales = -1;
    if (act != GgmlType::F32) {
        // Scratch: rounded rows [N][nIn] (integer levels for the Q8 types), then their per-block
        // scales [N][nIn / block] and (Q8_1) block sums [N][nIn / 32].
        const uint64_t values = uint64_t(x.rows) * x.cols;
        uint64_t total = values;
        if (act == GgmlType::Q8_0 || act == GgmlType::Q8_1 || act == GgmlType::Q8_K) {
            scales = int64_t(total);
            total += values / ggmlTypeInfo(act).blockSize;
        }
        if (act == GgmlType::Q8_1) {
            sums = int64_t(total);
            total += values / 32;
        }
        auto s = scratch(total * 4);
        if (!s) return std::move(s).takeError();
        RowsView sv{*s, 0, u32(x.cols)};
        if (auto st = ops_->roundActivations(act, *xv, sv, u32(x.rows), u32(x.cols), sums, scales);
            !st)
            return st;
        xin = sv;
    }
    return ops_->mulMat(WeightView{*wb, w.offset, w.type, u32(w.rows), u32(w.cols)}, xin,
                        u32(x.rows), *ov, false, sums, scales);
}

Status VulkanBackend::add(const TensorRef& a, const TensorRef& b, const TensorRef& out) {
    auto av = rows(a), bv = rows(b), ov = rows(out);
    if (!av) return std::move(av).takeError();
    if (!bv) return std::move(bv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->binary(BinaryOp::Add, *av, *bv, u32(b.rows), u32(b.cols), *ov, u32(a.rows),
                        u32(a.cols));
}

Status VulkanBackend::mul(const TensorRef& a, const TensorRef& b, const TensorRef& out) {
    auto av = rows(a), bv = rows(b), ov = rows(out);
    if (!av) return std::move(av).takeError();
    if (!bv) return std::move(bv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->binary(BinaryOp::Mul, *av, *bv, u32(b.rows), u32(b.cols), *ov, u32(a.rows),
                        u32(a.cols));
}

Status VulkanBackend::scale(const TensorRef& x, float s, const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->scale(*xv, *ov, u32(x.rows), u32(x.cols), s);
}

Status VulkanBackend::rope(const TensorRef& x, std::span<const int32_t> positions,
                           const RopeParams& p) {
    auto xv = rows(x);
    if (!xv) return std::move(xv).takeError();
    if (int64_t(positions.size()) != x.rows)
        return makeError("Vulkan backend: one position per row is needed");
    if (p.nRot <= 0 || p.nRot % 2 != 0 || p.nRot > p.headDim)
        return makeError("Vulkan backend: rope needs an even nRot <= headDim");
    vk::RopeParams rp;
    rp.heads = u32(p.nHeads);
    rp.headDim = u32(p.headDim);
    rp.nRot = u32(p.nRot);
    rp.neox = p.style == RopeStyle::NeoX;
    // Tokens per dispatch so that one chunk's angle table fills at most half the arena.
    const size_t chunk = std::max<size_t>(1, kIntArenaElements / 2 / size_t(p.nRot));
    for (size_t t0 = 0; t0 < positions.size(); t0 += chunk) {
        const auto pos = positions.subspan(t0, std::min(chunk, positions.size() - t0));
        auto at = stageRopeTable(pos, p);
        if (!at) return std::move(at).takeError();
        rp.tokens = u32(int64_t(pos.size()));
        RowsView part = *xv;
        part.offset += uint64_t(t0) * part.stride;
        if (auto s = ops_->rope(part, part, ints_, *at, rp); !s) return s;
    }
    return {};
}

Result<uint32_t> VulkanBackend::stageRopeTable(std::span<const int32_t> positions,
                                               const RopeParams& p) {
    // Q and K of every layer rotate by the same angles: stage each table once per submission.
    RopeKey key{std::vector<int32_t>(positions.begin(), positions.end()), p.nRot, p.freqBase,
                p.freqScale};
    if (ropeEpoch_ == submissions_ && key == ropeKey_) return ropeAt_;
    const std::vector<float> table = ropeTable(positions, p.nRot, p.freqBase, p.freqScale);
    auto at = stageWords(table.data(), table.size());
    if (!at) return std::move(at).takeError();
    ropeKey_ = std::move(key);
    ropeAt_ = *at;
    ropeEpoch_ = submissions_;
    return *at;
}

Status VulkanBackend::storeKv(const TensorRef& k, const TensorRef& v, const KvCache& cache,
                              int pos0) {
    auto kv = rows(k), vv = rows(v);
    if (!kv) return std::move(kv).takeError();
    if (!vv) return std::move(vv).takeError();
    if (pos0 < 0 || pos0 + k.rows > cache.k.rows || pos0 + v.rows > cache.vT.cols)
        return makeError("Vulkan backend: the KV cache is full");
    auto kc = typedRows(cache.k);
    if (!kc) return std::move(kc).takeError();
    RowsView dst = *kc;
    dst.offset += uint64_t(pos0) * dst.stride;
    if (auto s = ops_->copy(GgmlType::F32, *kv, cache.k.type, dst, u32(k.rows), u32(k.cols)); !s)
        return s;
    auto vc = typedRows(cache.vT);
    if (!vc) return std::move(vc).takeError();
    return ops_->storeTransposed(*vv, u32(v.rows), u32(v.cols), *vc->buffer, cache.vT.type,
                                 vc->offset, vc->stride, u32(pos0));
}

Status VulkanBackend::attention(const TensorRef& q, const KvCache& cache, int pos0,
                                const AttentionParams& p, const TensorRef& out) {
    auto qv = rows(q), ov = rows(out);
    if (!qv) return std::move(qv).takeError();
    if (!ov) return std::move(ov).takeError();
    auto kc = typedRows(cache.k), vc = typedRows(cache.vT);
    if (!kc) return std::move(kc).takeError();
    if (!vc) return std::move(vc).takeError();
    if (cache.k.type != cache.vT.type) return makeError("Vulkan backend: K and V types differ");
    vk::AttentionParams ap;
    ap.tokens = u32(q.rows);
    ap.heads = u32(p.nHeads);
    ap.kvHeads = u32(p.nKvHeads);
    ap.headDim = u32(p.headDim);
    ap.pos0 = u32(pos0);
    ap.scale = p.scale;
    ap.kvF16 = cache.k.type == GgmlType::F16;
    ap.kPosStride = kc->stride;
    ap.vPosStride = 1;
    ap.vChanStride = vc->stride;
    return ops_->attention(*qv, *kc->buffer, kc->offset, *vc->buffer, vc->offset, *ov, ap);
}

Status VulkanBackend::softmax(const TensorRef& x, const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->softmax(*xv, *ov, u32(x.rows), u32(x.cols), 1.0f);
}

Status VulkanBackend::silu(const TensorRef& x, const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->activation(*xv, *ov, u32(x.rows), u32(x.cols), false);
}

Status VulkanBackend::gelu(const TensorRef& x, const TensorRef& out) {
    auto xv = rows(x), ov = rows(out);
    if (!xv) return std::move(xv).takeError();
    if (!ov) return std::move(ov).takeError();
    return ops_->activation(*xv, *ov, u32(x.rows), u32(x.cols), true);
}

Status VulkanBackend::swiglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) {
    auto g = rows(gate), u = rows(up), o = rows(out);
    if (!g) return std::move(g).takeError();
    if (!u) return std::move(u).takeError();
    if (!o) return std::move(o).takeError();
    return ops_->glu(*g, *u, *o, u32(gate.rows), u32(gate.cols), false);
}

Status VulkanBackend::geglu(const TensorRef& gate, const TensorRef& up, const TensorRef& out) {
    auto g = rows(gate), u = rows(up), o = rows(out);
    if (!g) return std::move(g).takeError();
    if (!u) return std::move(u).takeError();
    if (!o) return std::move(o).takeError();
    return ops_->glu(*g, *u, *o, u32(gate.rows), u32(gate.cols), true);
}

Status VulkanBackend::copy(const TensorRef& src, const TensorRef& out) {
    auto s = typedRows(src), o = typedRows(out);
    if (!s) return std::move(s).takeError();
    if (!o) return std::move(o).takeError();
    if (src.rows != out.rows || src.cols != out.cols)
        return makeError("Vulkan backend: copy shapes differ");
    return ops_->copy(src.type, *s, out.type, *o, u32(src.rows), u32(src.cols));
}

} // namespace hearth::vk
