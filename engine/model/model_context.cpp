#include "engine/model/model_context.h"

#include "engine/fit/engine_preflight.h"

#include <algorithm>
#include <cmath>

namespace hearth {
namespace {
constexpr int kLogitRows = 32; // logits are produced this many rows at a time

// One matrix product through matmuls(), which backends may run faster for a single token.
Status matmul1(Backend* be, const TensorRef& w, const TensorRef& x, const TensorRef& out) {
    return be->matmuls(std::span(&w, 1), x, std::span(&out, 1));
}
} // namespace

// Scratch tensors of one backend, each with room for maxBatch rows.
struct ModelContext::Workspace {
    std::vector<std::unique_ptr<Buffer>> buffers;
    TensorRef x, xn, qkv, attn, ffn, logits;
};

ModelContext::ModelContext(const Model& model, const ContextOptions& options)
    : model_(model), options_(options) {}
ModelContext::~ModelContext() = default;

Result<std::unique_ptr<ModelContext>> ModelContext::create(const Model& model,
                                                           const ContextOptions& options) {
    if (options.nCtx <= 0) return makeError("context length must be positive");
    if (options.kvType != GgmlType::F16 && options.kvType != GgmlType::F32)
        return makeError("KV cache type must be f16 or f32");
    // Refuse, with the numbers, a KV cache that cannot fit instead of trying to allocate it.
    if (auto fits = fit::preflightContextCreate(model, options); !fits)
        return std::move(fits).takeError();
    std::unique_ptr<ModelContext> c(new ModelContext(model, options));
    c->options_.maxBatch = std::clamp(options.maxBatch, 1, options.nCtx);
    const ModelParams& p = model.params();
    const size_t elem = options.kvType == GgmlType::F16 ? 2 : 4;
    for (int l = 0; l < p.nLayer; ++l) {
        Backend* be = model.placement().forLayer(l);
        if (!be->supports(BackendOp::Attention, options.kvType))
            return makeError("backend cannot attend over this KV cache type");
        const size_t bytes = static_cast<size_t>(options.nCtx) * p.kvDim() * elem;
        auto kb = be->allocate(bytes);
        if (!kb) return makeError("KV cache: " + kb.error());
        auto vb = be->allocate(bytes);
        if (!vb) return makeError("KV cache: " + vb.error());
        Backend::KvCache cache;
        cache.k = TensorRef{kb->get(), 0, options.kvType, options.nCtx, p.kvDim(), 0};
        cache.vT = TensorRef{vb->get(), 0, options.kvType, p.kvDim(), options.nCtx, 0};
        c->caches_.push_back(cache);
        c->cacheBuffers_.push_back(std::move(kb).value());
        c->cacheBuffers_.push_back(std::move(vb).value());
    }
    return c;
}

Result<ModelContext::Workspace*> ModelContext::workspace(Backend* backend) {
    auto it = workspaces_.find(backend);
    if (it != workspaces_.end()) return it->second.get();
    const ModelParams& p = model_.params();
    auto ws = std::make_unique<Workspace>();
    const int64_t rows = options_.maxBatch;
    auto make = [&](TensorRef& t, int64_t r, int64_t cols) -> Status {
        auto buf = backend->allocate(static_cast<size_t>(r * cols) * sizeof(float));
        if (!buf) return makeError("scratch: " + buf.error());
        t = TensorRef{buf->get(), 0, GgmlType::F32, r, cols, 0};
        ws->buffers.push_back(std::move(buf).value());
        return {};
    };
    for (auto [t, r, cols] :
         {std::tuple{&ws->x, rows, int64_t{p.nEmbd}}, std::tuple{&ws->xn, rows, int64_t{p.nEmbd}},
          std::tuple{&ws->qkv, rows, int64_t{p.qDim() + 2 * p.kvDim()}},
          std::tuple{&ws->attn, rows, int64_t{p.qDim()}},
          std::tuple{&ws->ffn, rows, int64_t{2 * p.nFf}},
          std::tuple{&ws->logits, std::min<int64_t>(rows, kLogitRows), int64_t{p.nVocab}}}) {
        if (auto s = make(*t, r, cols); !s) return std::move(s).takeError();
    }
    Workspace* raw = ws.get();
    workspaces_.emplace(backend, std::move(ws));
    return raw;
}

Status ModelContext::eval(std::span<const int32_t> tokens, int pos0, LogitsFor which) {
    if (pos0 < 0) return makeError("negative position");
    if (static_cast<int64_t>(pos0) + static_cast<int64_t>(tokens.size()) > options_.nCtx)
        return makeError("context is full: " + std::to_string(pos0 + tokens.size()) +
                         " tokens do not fit in " + std::to_string(options_.nCtx));
    const int nVocab = model_.params().nVocab;
    for (int32_t t : tokens)
        if (t < 0 || t >= nVocab)
            return makeError("token id " + std::to_string(t) + " is outside the vocabulary");
    const size_t nOut =
        which == LogitsFor::All ? tokens.size() : (which == LogitsFor::Last ? 1 : 0);
    logits_.resize(nOut * static_cast<size_t>(nVocab));
    const size_t batch = static_cast<size_t>(options_.maxBatch);
    for (size_t start = 0; start < tokens.size(); start += batch) {
        const size_t n = std::min(batch, tokens.size() - start);
        const bool lastBatch = start + n == tokens.size();
        const LogitsFor w =
            which == LogitsFor::All ? LogitsFor::All : (lastBatch ? which : LogitsFor::None);
        float* out = w == LogitsFor::All ? logits_.data() + start * nVocab : logits_.data();
        auto s = evalBatch(tokens.subspan(start, n), pos0 + static_cast<int>(start), w, out);
        if (!s) return s;
    }
    return {};
}

Status ModelContext::evalBatch(std::span<const int32_t> tokens, int pos0, LogitsFor which,
                               float* logitsOut) {
    const ModelParams& p = model_.params();
    const ModelWeights& W = model_.weights();
    const LayerPlacement& place = model_.placement();
    const int64_t n = static_cast<int64_t>(tokens.size());
    positions_.resize(tokens.size());
    for (int64_t i = 0; i < n; ++i) positions_[i] = pos0 + static_cast<int>(i);

#define HEARTH_TRY(expr)                                                                           \
    do {                                                                                           \
        if (auto s_ = (expr); !s_) return s_;                                                      \
    } while (0)

    Backend* be = place.host;
    auto wsr = workspace(be);
    if (!wsr) return std::move(wsr).takeError();
    Workspace* ws = *wsr;
    const TensorRef x = ws->x.row(0, n);
    HEARTH_TRY(be->getRows(W.tokenEmbd, tokens, x));

    const float attnScale = 1.0f / std::sqrt(static_cast<float>(p.headDim));
    for (int l = 0; l < p.nLayer; ++l) {
        Backend* lb = place.forLayer(l);
        if (lb != be) { // hand the hidden state over to the next backend through the host
            hostHidden_.resize(static_cast<size_t>(n * p.nEmbd));
            HEARTH_TRY(be->read(ws->x.row(0, n), hostHidden_.data()));
            be = lb;
            auto next = workspace(be);
            if (!next) return std::move(next).takeError();
            ws = *next;
            HEARTH_TRY(be->write(ws->x.row(0, n), hostHidden_.data()));
        }
        const LayerWeights& L = W.layers[static_cast<size_t>(l)];
        const TensorRef hx = ws->x.row(0, n), xn = ws->xn.row(0, n);
        const TensorRef qkv = ws->qkv.row(0, n);
        const TensorRef q = qkv.colRange(0, p.qDim());
        const TensorRef k = qkv.colRange(p.qDim(), p.kvDim());
        const TensorRef v = qkv.colRange(p.qDim() + p.kvDim(), p.kvDim());

        // Attention block.
        HEARTH_TRY(be->rmsNorm(hx, L.attnNorm, p.normEps, xn));
        if (L.wqkv.buffer) {
            HEARTH_TRY(matmul1(be, L.wqkv, xn, qkv));
        } else {
            // One pass for the three (one hand-off to the threads, the input converted once).
            const TensorRef w3[3] = {L.wq, L.wk, L.wv}, o3[3] = {q, k, v};
            HEARTH_TRY(be->matmuls(w3, xn, o3));
        }
        if (L.bq.buffer) HEARTH_TRY(be->add(q, L.bq, q));
        if (L.bk.buffer) HEARTH_TRY(be->add(k, L.bk, k));
        if (L.bv.buffer) HEARTH_TRY(be->add(v, L.bv, v));
        Backend::RopeParams rp{p.nHead,     p.headDim,      p.nRot,
                               p.ropeStyle, p.ropeFreqBase, p.ropeFreqScale};
        HEARTH_TRY(be->rope(q, positions_, rp));
        rp.nHeads = p.nHeadKv;
        HEARTH_TRY(be->rope(k, positions_, rp));
        const Backend::KvCache& cache = caches_[static_cast<size_t>(l)];
        HEARTH_TRY(be->storeKv(k, v, cache, pos0));
        Backend::AttentionParams ap{p.nHead, p.nHeadKv, p.headDim, attnScale};
        if (p.arch == ModelArch::Phi3) {
            // phi3 scales q before the product (as the reference does) rather than the scores.
            HEARTH_TRY(be->scale(q, attnScale, q));
            ap.scale = 1.0f;
        }
        const TensorRef attn = ws->attn.row(0, n);
        HEARTH_TRY(be->attention(q, cache, pos0, ap, attn));
        HEARTH_TRY(matmul1(be, L.wo, attn, xn));
        HEARTH_TRY(be->add(hx, xn, hx));

        // Feed-forward block.
        HEARTH_TRY(be->rmsNorm(hx, L.ffnNorm, p.normEps, xn));
        const TensorRef ffn = ws->ffn.row(0, n);
        const TensorRef gate = ffn.colRange(0, p.nFf), up = ffn.colRange(p.nFf, p.nFf);
        if (L.gateUp.buffer) {
            HEARTH_TRY(matmul1(be, L.gateUp, xn, ffn));
        } else {
            const TensorRef w2[2] = {L.gate, L.up}, o2[2] = {gate, up};
            HEARTH_TRY(be->matmuls(w2, xn, o2));
        }
        HEARTH_TRY(be->swiglu(gate, up, gate));
        HEARTH_TRY(matmul1(be, L.down, gate, xn));
        HEARTH_TRY(be->add(hx, xn, hx));
    }

    if (which == LogitsFor::None) return be->synchronize();
    Backend* ob = place.forOutput();
    if (ob != be) {
        hostHidden_.resize(static_cast<size_t>(n * p.nEmbd));
        HEARTH_TRY(be->read(ws->x.row(0, n), hostHidden_.data()));
        be = ob;
        auto next = workspace(be);
        if (!next) return std::move(next).takeError();
        ws = *next;
        HEARTH_TRY(be->write(ws->x.row(0, n), hostHidden_.data()));
    }
    const int64_t first = which == LogitsFor::All ? 0 : n - 1;
    const size_t nVocab = static_cast<size_t>(p.nVocab);
    for (int64_t r = first; r < n; r += kLogitRows) {
        const int64_t m = std::min<int64_t>(kLogitRows, n - r);
        const TensorRef xn = ws->xn.row(r, m);
        HEARTH_TRY(be->rmsNorm(ws->x.row(r, m), W.outputNorm, p.normEps, xn));
        const TensorRef out = ws->logits.row(0, m);
        HEARTH_TRY(matmul1(be, W.output, xn, out));
        HEARTH_TRY(be->read(out, logitsOut + static_cast<size_t>(r - first) * nVocab));
    }
#undef HEARTH_TRY
    return be->synchronize();
}

} // namespace hearth
