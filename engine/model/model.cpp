#include "engine/model/model.h"

#include "engine/cpu/cpu_backend.h"
#include "engine/fit/engine_preflight.h"
#include "engine/system/cpu_info.h"

#include <algorithm>
#include <cstdio>

namespace hearth {
namespace {

enum class Kind { Matrix, Embedding, Vector };

} // namespace

Model::~Model() = default;

int Model::threads() const {
    return static_cast<const cpu::CpuBackend&>(*host_).threads();
}

Result<std::unique_ptr<Model>> Model::load(const std::string& path, const ModelOptions& options) {
    auto gguf = GgufFile::open(path);
    if (!gguf) return makeError(path + ": " + gguf.error());
    return fromGguf(std::move(gguf).value(), options);
}

Result<std::unique_ptr<Model>> Model::fromGguf(std::unique_ptr<GgufFile> gguf,
                                               const ModelOptions& options) {
    std::unique_ptr<Model> m(new Model());
    m->gguf_ = std::move(gguf);
    auto params = readModelParams(*m->gguf_);
    if (!params) return std::move(params).takeError();
    m->params_ = std::move(params).value();
    // Refuse, with the numbers, what cannot fit before any weights are wrapped or uploaded.
    if (auto fits = fit::preflightModelLoad(*m->gguf_, options); !fits)
        return std::move(fits).takeError();

    // Decode streams every weight once per token: 2 MiB pages where the page cache allows.
    if (const MappedFile* f = m->gguf_->mapping())
        f->advise(MappedFile::Access::HugePages, m->gguf_->dataOffset());

    int threads = options.threads;
    if (threads <= 0) threads = std::max(1, cpuInfo().physicalCores);
    m->host_ = std::make_unique<cpu::CpuBackend>(threads);
    m->placement_.host = m->host_.get();
    if (options.device && options.gpuLayers > 0) {
        m->placement_.device = options.device;
        m->placement_.firstDeviceLayer = std::max(0, m->params_.nLayer - options.gpuLayers);
    }
    if (auto s = m->loadWeights(); !s) return std::move(s).takeError();
    return m;
}

Status Model::loadWeights() {
    const ModelParams& p = params_;
    const GgufFile& g = *gguf_;

    // Looks up a tensor, checks its type and shape and wraps it on `backend`.
    auto need = [&](const std::string& name, Kind kind, int64_t cols, int64_t rows,
                    Backend* backend, bool optional = false) -> Result<TensorRef> {
        const GgufTensor* t = g.tensor(name);
        if (!t) {
            if (optional) return TensorRef{};
            return makeError("model lacks tensor '" + name + "'");
        }
        if (t->ne[0] != cols || t->ne[1] != rows || t->ne[2] != 1 || t->ne[3] != 1)
            return makeError("tensor '" + name + "' has shape [" + std::to_string(t->ne[0]) + ", " +
                             std::to_string(t->ne[1]) + "], expected [" + std::to_string(cols) +
                             ", " + std::to_string(rows) + "]");
        const std::string typeName(ggmlTypeName(t->type));
        if (kind == Kind::Vector && t->type != GgmlType::F32)
            return makeError("tensor '" + name + "' has type " + typeName +
                             "; norm weights and biases must be f32");
        if (kind == Kind::Matrix && !backend->supports(BackendOp::MatMul, t->type))
            return makeError("tensor '" + name + "' has type " + typeName +
                             ", which this engine cannot compute yet");
        if (kind == Kind::Embedding && !backend->supports(BackendOp::GetRows, t->type))
            return makeError("tensor '" + name + "' has type " + typeName +
                             ", which this engine cannot read yet");
        auto buf = backend->wrapWeights(t->data, t->nbytes);
        if (!buf) return makeError("tensor '" + name + "': " + buf.error());
        TensorRef ref;
        ref.buffer = buf->get();
        ref.type = t->type;
        ref.cols = cols;
        ref.rows = rows;
        buffers_.push_back(std::move(buf).value());
        weightBytes_ += t->nbytes;
        return ref;
    };

#define HEARTH_NEED(dst, ...)                                                                      \
    do {                                                                                           \
        auto r_ = need(__VA_ARGS__);                                                               \
        if (!r_) return std::move(r_).takeError();                                                 \
        dst = *r_;                                                                                 \
    } while (0)

    const int64_t nEmbd = p.nEmbd, qDim = p.qDim(), kvDim = p.kvDim(), nFf = p.nFf;
    const GgufTensor* embd = g.tensor("token_embd.weight");
    if (!embd) return makeError("model lacks tensor 'token_embd.weight'");
    if (embd->ne[1] != p.nVocab)
        return makeError("token_embd.weight has " + std::to_string(embd->ne[1]) +
                         " rows but the vocabulary has " + std::to_string(p.nVocab) + " tokens");
    Backend* host = placement_.host;
    Backend* out = placement_.forOutput();
    HEARTH_NEED(weights_.tokenEmbd, "token_embd.weight", Kind::Embedding, nEmbd, p.nVocab, host);
    HEARTH_NEED(weights_.outputNorm, "output_norm.weight", Kind::Vector, nEmbd, 1, out);
    if (g.tensor("output.weight")) {
        HEARTH_NEED(weights_.output, "output.weight", Kind::Matrix, nEmbd, p.nVocab, out);
    } else { // tied: the embedding table is also the output projection
        HEARTH_NEED(weights_.output, "token_embd.weight", Kind::Matrix, nEmbd, p.nVocab, out);
        weightBytes_ -= embd->nbytes; // the same bytes, counted once
    }

    weights_.layers.resize(static_cast<size_t>(p.nLayer));
    for (int l = 0; l < p.nLayer; ++l) {
        LayerWeights& L = weights_.layers[static_cast<size_t>(l)];
        Backend* be = placement_.forLayer(l);
        const std::string b = "blk." + std::to_string(l) + ".";
        HEARTH_NEED(L.attnNorm, b + "attn_norm.weight", Kind::Vector, nEmbd, 1, be);
        if (p.arch == ModelArch::Phi3) {
            HEARTH_NEED(L.wqkv, b + "attn_qkv.weight", Kind::Matrix, nEmbd, qDim + 2 * kvDim, be);
        } else {
            HEARTH_NEED(L.wq, b + "attn_q.weight", Kind::Matrix, nEmbd, qDim, be);
            HEARTH_NEED(L.wk, b + "attn_k.weight", Kind::Matrix, nEmbd, kvDim, be);
            HEARTH_NEED(L.wv, b + "attn_v.weight", Kind::Matrix, nEmbd, kvDim, be);
        }
        // Biases: qwen2 always has them; llama-shaped models occasionally do.
        const bool biasRequired = p.arch == ModelArch::Qwen2;
        HEARTH_NEED(L.bq, b + "attn_q.bias", Kind::Vector, qDim, 1, be, !biasRequired);
        HEARTH_NEED(L.bk, b + "attn_k.bias", Kind::Vector, kvDim, 1, be, !biasRequired);
        HEARTH_NEED(L.bv, b + "attn_v.bias", Kind::Vector, kvDim, 1, be, !biasRequired);
        HEARTH_NEED(L.wo, b + "attn_output.weight", Kind::Matrix, qDim, nEmbd, be);
        HEARTH_NEED(L.ffnNorm, b + "ffn_norm.weight", Kind::Vector, nEmbd, 1, be);
        if (p.arch == ModelArch::Phi3) {
            HEARTH_NEED(L.gateUp, b + "ffn_up.weight", Kind::Matrix, nEmbd, 2 * nFf, be);
        } else {
            HEARTH_NEED(L.gate, b + "ffn_gate.weight", Kind::Matrix, nEmbd, nFf, be);
            HEARTH_NEED(L.up, b + "ffn_up.weight", Kind::Matrix, nEmbd, nFf, be);
        }
        HEARTH_NEED(L.down, b + "ffn_down.weight", Kind::Matrix, nFf, nEmbd, be);
    }
#undef HEARTH_NEED
    return {};
}

std::string Model::description() const {
    const ModelParams& p = params_;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %d x %d layers, %s, %.1f MiB", p.archName.c_str(), p.nEmbd,
                  p.nLayer,
                  std::string(ggmlTypeName(weights_.layers.empty() ? weights_.output.type
                                                                   : weights_.layers[0].wo.type))
                      .c_str(),
                  static_cast<double>(weightBytes_) / (1024.0 * 1024.0));
    return buf;
}

} // namespace hearth
