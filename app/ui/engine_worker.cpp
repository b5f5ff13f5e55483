#include "engine_worker.h"

#include "app/core/gpu_backend.h"
#include "engine/model/model.h"
#include "engine/session/session.h"
#include "engine/store/model_store.h"
#include "engine/template/chat_template.h"
#include "engine/tokenizer/tokenizer.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <chrono>

namespace hearth {

namespace {

// One signal per this many milliseconds at most: smooth to read, cheap for the event loop.
constexpr qint64 kBatchMs = 25;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString stopReasonKey(StopReason r) {
    switch (r) {
    case StopReason::MaxTokens:
        return QStringLiteral("max-tokens");
    case StopReason::Eog:
        return QStringLiteral("eog");
    case StopReason::StopString:
        return QStringLiteral("stop-string");
    case StopReason::Cancelled:
        return QStringLiteral("cancelled");
    case StopReason::ContextFull:
        return QStringLiteral("context-full");
    }
    return {};
}

// The engine's words, plus what the user can do about them.
EngineError loadError(const QString& model, const std::string& why) {
    const QString w = qs(why);
    EngineError e{QObject::tr("%1 could not be loaded: %2.").arg(model, w), {}};
    if (w.contains(QStringLiteral("memory"), Qt::CaseInsensitive) ||
        w.contains(QStringLiteral("alloc"), Qt::CaseInsensitive))
        e.suggestion = QObject::tr("Try a smaller context, fewer GPU layers or a smaller "
                                   "quantization (Q4_K_M) of this model.");
    else if (w.contains(QStringLiteral("architecture"), Qt::CaseInsensitive) ||
             w.contains(QStringLiteral("unsupported"), Qt::CaseInsensitive))
        e.suggestion = QObject::tr("Hearth runs llama, qwen2 and phi3 models; pick another model.");
    else
        e.suggestion = QObject::tr("Check that the file is a complete GGUF model, or pick "
                                   "another model.");
    return e;
}

tmpl::Value turnsToValue(const QList<ChatTurn>& turns, const QString& system) {
    tmpl::ValueList items;
    auto add = [&](const QString& role, const QString& content) {
        tmpl::Dict d;
        d.entries.emplace_back(tmpl::Value("role"), tmpl::Value(role.toStdString()));
        d.entries.emplace_back(tmpl::Value("content"), tmpl::Value(content.toStdString()));
        items.push_back(tmpl::Value::dict(std::move(d)));
    };
    if (!system.trimmed().isEmpty()) add(QStringLiteral("system"), system);
    for (const ChatTurn& t : turns) add(t.role, t.content);
    return tmpl::Value::list(std::move(items));
}

} // namespace

EngineWorker::EngineWorker(QString storeRoot, QObject* parent)
    : QObject(parent), storeRoot_(std::move(storeRoot)) {
    if (storeRoot_.isEmpty()) storeRoot_ = qs(ModelStore::defaultRoot());
}

EngineWorker::~EngineWorker() {
    release();
}

void EngineWorker::release() {
    // The session refers to the model and tokenizer: it goes first; the GPU goes last.
    session_.reset();
    template_.reset();
    tokenizer_.reset();
    model_.reset();
    gpu_.reset();
    sessionContext_ = 0;
}

void EngineWorker::cancelGeneration(quint64 requestId) {
    std::lock_guard lock(stopMutex_);
    if (requestId == activeRequest_ || requestId == 0) stopSource_.request_stop();
}

void EngineWorker::cancelLoad(quint64 loadId) {
    quint64 seen = cancelledLoad_.load();
    while (seen < loadId && !cancelledLoad_.compare_exchange_weak(seen, loadId)) {
    }
}

void EngineWorker::unload() {
    const bool had = model_ != nullptr;
    release();
    if (had) emit unloaded();
}

void EngineWorker::load(quint64 loadId, const QString& model, int contextLength, int gpuLayers) {
    unload(); // never two models in memory
    auto cancelled = [&] { return cancelledLoad_.load() >= loadId; };
    if (cancelled()) return;
    emit loadProgress(loadId, 0.05, tr("Finding the model"));
    ModelStore store(storeRoot_.toStdString());
    auto resolved = store.resolve(model.toStdString());
    if (!resolved) {
        emit loadFailed(loadId, {tr("%1 was not found: %2.").arg(model, qs(resolved.error())),
                                 tr("Pick a model from the list, or open a .gguf file.")});
        return;
    }
    // Auto sizes the layers for the context the session will have (ensureSession's default).
    GpuPlan gpuPlan =
        planGpuLayers(gpuLayers, resolved->modelPath, contextLength > 0 ? contextLength : 2048);
    const int onGpu = gpuPlan.layers;
    bool gpuAuto = gpuPlan.automatic;
    QString gpuNote = gpuPlan.note;
    gpu_ = std::move(gpuPlan.backend);
    emit loadProgress(loadId, 0.15,
                      gpu_ ? tr("Reading the weights onto the GPU") : tr("Reading the weights"));
    auto m = Model::load(resolved->modelPath, ModelOptions{0, gpu_ ? onGpu : 0, gpu_.get()});
    if (!m && gpu_) {
        // The device could not take the layers: say so, and run on the CPU instead.
        gpuNote = tr("%1 GPU layers could not be loaded (%2); running on the CPU. Try fewer GPU "
                     "layers in this chat's settings.")
                      .arg(onGpu)
                      .arg(qs(m.error()));
        gpuAuto = false; // a failure, not a choice
        gpu_.reset();
        m = Model::load(resolved->modelPath);
    } else if (!gpuNote.isEmpty()) {
        gpuNote = tr("No GPU layers: %1.").arg(gpuNote);
    }
    if (!m) {
        emit loadFailed(loadId, loadError(model, m.error()));
        return;
    }
    if (cancelled()) return; // freed as `m` goes out of scope
    emit loadProgress(loadId, 0.8, tr("Reading the vocabulary"));
    auto tok = Tokenizer::fromGguf((*m)->gguf());
    if (!tok) {
        emit loadFailed(loadId, loadError(model, tok.error()));
        return;
    }
    emit loadProgress(loadId, 0.9, tr("Choosing the chat template"));
    tmpl::TemplateSources src;
    src.ggufTemplate = std::string((*m)->gguf().getString("tokenizer.chat_template").value_or(""));
    src.ollamaTemplate = resolved->templateText.value_or("");
    src.architecture = (*m)->params().archName;
    for (int32_t i = 0; i < (*tok)->nVocab(); ++i)
        if ((*tok)->isControl(i)) src.specialTokens.push_back((*tok)->tokenText(i));
    auto chosen = tmpl::ChatTemplate::select(src);
    if (!chosen) {
        emit loadFailed(
            loadId,
            {tr("The chat template of %1 cannot be used: %2.").arg(model, qs(chosen.error())),
             tr("Set a template override for this model, or pick another "
                "model.")});
        return;
    }
    if (cancelled()) return;

    model_ = std::move(m).value();
    tokenizer_ = std::move(tok).value();
    template_ = std::make_unique<tmpl::ChatTemplate>(std::move(chosen).value());
    bos_ = tokenizer_->bos() >= 0 ? tokenizer_->tokenText(tokenizer_->bos()) : std::string();
    eos_ = tokenizer_->eos() >= 0 ? tokenizer_->tokenText(tokenizer_->eos()) : std::string();
    stops_ = template_->stopSequences(eos_, src.specialTokens);
    EngineError error;
    bool sessionReady = ensureSession(contextLength, &error);
    if (!sessionReady && gpu_) {
        // The context's cache did not fit beside the layers on the device: CPU it is.
        gpuNote = tr("The context did not fit on the GPU with %1 layers (%2); running on the "
                     "CPU. Try fewer GPU layers or a smaller context.")
                      .arg(onGpu)
                      .arg(error.message);
        gpuAuto = false;
        session_.reset();
        model_.reset();
        gpu_.reset();
        auto cpu = Model::load(resolved->modelPath);
        if (!cpu) {
            release();
            emit loadFailed(loadId, loadError(model, cpu.error()));
            return;
        }
        model_ = std::move(cpu).value();
        sessionReady = ensureSession(contextLength, &error);
    }
    if (!sessionReady) {
        release();
        emit loadFailed(loadId, error);
        return;
    }

    LoadedModelInfo info;
    info.name = model;
    info.path = qs(resolved->modelPath);
    info.description = qs(model_->description());
    switch (template_->origin()) {
    case tmpl::TemplateOrigin::Fallback:
        info.templateName = qs(template_->fallbackName());
        break;
    case tmpl::TemplateOrigin::Ollama:
        info.templateName = QStringLiteral("ollama");
        break;
    default:
        info.templateName = QStringLiteral("gguf");
        break;
    }
    info.systemPrompt = qs(resolved->systemText.value_or(""));
    info.paramsJson = qs(resolved->paramsJson.value_or(""));
    info.contextTrained = model_->params().nCtxTrain;
    if (gpu_) {
        info.device = tr("%1: last %2 of %3 layers")
                          .arg(qs(gpu_->info().name))
                          .arg(std::min(onGpu, model_->params().nLayer))
                          .arg(model_->params().nLayer);
        if (gpuAuto) info.device += tr(" (auto)");
    } else {
        info.device = tr("CPU");
    }
    info.gpuNote = gpuNote;
    info.gpuAuto = gpuAuto;
    info.gpuLayers = gpu_ ? std::min(onGpu, model_->params().nLayer) : 0;
    emit loadProgress(loadId, 1.0, tr("Ready"));
    emit loaded(loadId, info);
}

bool EngineWorker::ensureSession(int contextLength, EngineError* error) {
    if (contextLength <= 0) contextLength = 2048;
    if (model_->params().nCtxTrain > 0)
        contextLength = std::min(contextLength, model_->params().nCtxTrain);
    if (session_ && sessionContext_ == contextLength) return true;
    session_.reset();
    SessionOptions so;
    so.nCtx = contextLength;
    auto s = Session::create(*model_, *tokenizer_, so);
    if (!s) {
        *error = {tr("A context of %1 tokens could not be set up: %2.")
                      .arg(contextLength)
                      .arg(qs(s.error())),
                  tr("Try a smaller context length in this chat's settings.")};
        return false;
    }
    session_ = std::move(s).value();
    sessionContext_ = contextLength;
    return true;
}

void EngineWorker::generate(quint64 requestId, const QList<ChatTurn>& turns,
                            const GenerationSettings& settings) {
    std::stop_token stop;
    {
        std::lock_guard lock(stopMutex_);
        // A stop that arrived before this request started still counts.
        const bool stoppedEarly = stopSource_.stop_requested() && activeRequest_ == requestId;
        activeRequest_ = requestId;
        if (!stoppedEarly) stopSource_ = std::stop_source();
        stop = stopSource_.get_token();
    }
    if (!model_) {
        emit failed(requestId, {tr("No model is loaded."), tr("Pick a model for this chat.")});
        return;
    }
    EngineError error;
    if (!ensureSession(settings.contextLength, &error)) {
        emit failed(requestId, error);
        return;
    }
    tmpl::ChatRequest req;
    req.messages = turnsToValue(turns, settings.systemPrompt);
    req.bosToken = bos_;
    req.eosToken = eos_;
    auto text = template_->render(req);
    if (!text) {
        emit failed(requestId, {tr("The chat template failed: %1.").arg(qs(text.error())),
                                tr("Set a template override for this model, or pick another "
                                   "model.")});
        return;
    }
    // The template usually writes BOS itself; add it only when it did not.
    const bool addBos = bos_.empty() || !text->starts_with(bos_);
    const std::vector<int32_t> ids = tokenizer_->encode(*text, addBos, true);

    GenerateParams gp;
    gp.maxTokens = settings.maxTokens;
    gp.stop = stops_;
    gp.parseSpecial = true;
    gp.sampling.temperature = float(settings.temperature);
    gp.sampling.topP = float(settings.topP);
    gp.sampling.topK = settings.topK;
    gp.sampling.minP = float(settings.minP);
    gp.sampling.repeatPenalty = float(settings.repeatPenalty);
    gp.sampling.seed = settings.seed >= 0
                           ? uint64_t(settings.seed)
                           : uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());

    std::string pending;
    QElapsedTimer sinceEmit;
    sinceEmit.start();
    auto flush = [&] {
        if (pending.empty()) return;
        emit textReady(requestId, QString::fromStdString(pending));
        pending.clear();
        sinceEmit.restart();
    };
    auto result = session_->generate(
        ids, gp,
        [&](std::string_view piece) {
            pending.append(piece);
            if (sinceEmit.elapsed() >= kBatchMs) flush();
        },
        stop);
    flush();
    if (!result) {
        const QString why = qs(result.error());
        // The next request starts from a clean cache rather than a half-evaluated one.
        session_->reset();
        if (why.contains(QStringLiteral("does not fit")))
            emit failed(requestId, {tr("This chat no longer fits in the model's context (%1 "
                                       "tokens).")
                                        .arg(sessionContext_),
                                    tr("Start a new chat, shorten the conversation, or raise "
                                       "the context length in this chat's settings.")});
        else
            emit failed(requestId, {tr("The model stopped with an error: %1.").arg(why),
                                    tr("Try again; if it repeats, try a smaller context.")});
        return;
    }
    GenerationStats stats;
    stats.promptTokens = result->promptTokens;
    stats.generatedTokens = result->generatedTokens;
    stats.tokensPerSecond = result->generatedTokensPerSecond;
    stats.timeToFirstTokenMs = result->timeToFirstTokenMs;
    stats.stopReason = stopReasonKey(result->stopReason);
    emit finished(requestId, stats);
}

} // namespace hearth
