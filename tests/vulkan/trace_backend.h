#pragma once
// A Backend that forwards every call to another one and records each op's output (read back to
// the host after the op), so two backends can be compared op by op through a whole model.
#include "engine/model/backend.h"

#include <string>
#include <vector>

namespace vktest {

struct TracedOp {
    std::string name;
    std::vector<float> values;
};

class TraceBackend final : public hearth::Backend {
public:
    explicit TraceBackend(hearth::Backend& inner) : inner_(inner) {}
    const std::vector<TracedOp>& ops() const { return ops_; }
    void clear() { ops_.clear(); }

    hearth::DeviceInfo info() const override { return inner_.info(); }
    bool supports(hearth::BackendOp op, hearth::GgmlType type) const override {
        return inner_.supports(op, type);
    }
    hearth::Result<std::unique_ptr<hearth::Buffer>> allocate(size_t bytes) override {
        return inner_.allocate(bytes);
    }
    hearth::Result<std::unique_ptr<hearth::Buffer>> wrapWeights(const uint8_t* data,
                                                                size_t bytes) override {
        return inner_.wrapWeights(data, bytes);
    }
    hearth::Status write(const hearth::TensorRef& t, const void* src) override {
        return inner_.write(t, src);
    }
    hearth::Status read(const hearth::TensorRef& t, void* dst) override {
        return inner_.read(t, dst);
    }
    hearth::Status synchronize() override { return inner_.synchronize(); }

    hearth::Status getRows(const hearth::TensorRef& table, std::span<const int32_t> ids,
                           const hearth::TensorRef& out) override {
        return record("get_rows", inner_.getRows(table, ids, out), out);
    }
    hearth::Status rmsNorm(const hearth::TensorRef& x, const hearth::TensorRef& w, float eps,
                           const hearth::TensorRef& out) override {
        return record("rms_norm", inner_.rmsNorm(x, w, eps, out), out);
    }
    hearth::Status layerNorm(const hearth::TensorRef& x, const hearth::TensorRef& w,
                             const hearth::TensorRef& b, float eps,
                             const hearth::TensorRef& out) override {
        return record("layer_norm", inner_.layerNorm(x, w, b, eps, out), out);
    }
    hearth::Status matmul(const hearth::TensorRef& w, const hearth::TensorRef& x,
                          const hearth::TensorRef& out) override {
        return record("matmul_" + std::string(hearth::ggmlTypeName(w.type)),
                      inner_.matmul(w, x, out), out);
    }
    hearth::Status add(const hearth::TensorRef& a, const hearth::TensorRef& b,
                       const hearth::TensorRef& out) override {
        return record("add", inner_.add(a, b, out), out);
    }
    hearth::Status mul(const hearth::TensorRef& a, const hearth::TensorRef& b,
                       const hearth::TensorRef& out) override {
        return record("mul", inner_.mul(a, b, out), out);
    }
    hearth::Status scale(const hearth::TensorRef& x, float s,
                         const hearth::TensorRef& out) override {
        return record("scale", inner_.scale(x, s, out), out);
    }
    hearth::Status rope(const hearth::TensorRef& x, std::span<const int32_t> positions,
                        const RopeParams& p) override {
        return record("rope", inner_.rope(x, positions, p), x);
    }
    hearth::Status storeKv(const hearth::TensorRef& k, const hearth::TensorRef& v,
                           const KvCache& cache, int pos0) override {
        return inner_.storeKv(k, v, cache, pos0);
    }
    hearth::Status attention(const hearth::TensorRef& q, const KvCache& cache, int pos0,
                             const AttentionParams& p, const hearth::TensorRef& out) override {
        return record("attention", inner_.attention(q, cache, pos0, p, out), out);
    }
    hearth::Status softmax(const hearth::TensorRef& x, const hearth::TensorRef& out) override {
        return record("softmax", inner_.softmax(x, out), out);
    }
    hearth::Status silu(const hearth::TensorRef& x, const hearth::TensorRef& out) override {
        return record("silu", inner_.silu(x, out), out);
    }
    hearth::Status gelu(const hearth::TensorRef& x, const hearth::TensorRef& out) override {
        return record("gelu", inner_.gelu(x, out), out);
    }
    hearth::Status swiglu(const hearth::TensorRef& g, const hearth::TensorRef& u,
                          const hearth::TensorRef& out) override {
        return record("swiglu", inner_.swiglu(g, u, out), out);
    }
    hearth::Status geglu(const hearth::TensorRef& g, const hearth::TensorRef& u,
                         const hearth::TensorRef& out) override {
        return record("geglu", inner_.geglu(g, u, out), out);
    }
    hearth::Status copy(const hearth::TensorRef& src, const hearth::TensorRef& out) override {
        return inner_.copy(src, out);
    }

private:
    hearth::Status record(std::string name, hearth::Status s, const hearth::TensorRef& out) {
        if (!s || out.type != hearth::GgmlType::F32) return s;
        TracedOp op{std::move(name), std::vector<float>(size_t(out.rows * out.cols))};
        if (auto r = inner_.read(out, op.values.data()); !r) return r;
        ops_.push_back(std::move(op));
        return s;
    }

    hearth::Backend& inner_;
    std::vector<TracedOp> ops_;
};

} // namespace vktest
