#pragma once
// EngineWorker: the only owner of the engine (model, tokenizer, chat template, session). It
// lives in its own QThread; the UI thread talks to it through queued slots and hears back
// through queued signals, so it never waits on the engine. Streamed text is batched (one
// signal per ~25 ms) so fast generation does not flood the UI's event loop. Every reply carries
// the request id it answers; the controller drops chunks of a request it has cancelled.
#include "engine_worker_types.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>
#include <mutex>
#include <stop_token>

namespace hearth {

class Backend;
class Model;
class Tokenizer;
class Session;
namespace tmpl {
class ChatTemplate;
}

class EngineWorker : public QObject {
    Q_OBJECT

public:
    explicit EngineWorker(QString storeRoot = {}, QObject* parent = nullptr);
    ~EngineWorker() override;

    // Thread-safe, called from the UI thread while the worker is busy.
    void cancelGeneration(quint64 requestId); // takes effect before the next token
    void cancelLoad(quint64 loadId);          // the load's result is dropped and freed

public slots:
    // `model`: a store name ("llama3.2:latest"), a linked file's name or a .gguf path.
    // The previous model is unloaded first, so two never share memory. `gpuLayers` > 0 runs
    // that many of the last layers on the GPU, kAutoGpuLayers as many as fit it at this context
    // (planGpuLayers); when that fails the model loads on the CPU and LoadedModelInfo::gpuNote
    // says why.
    void load(quint64 loadId, const QString& model, int contextLength, int gpuLayers = 0);
    void unload();
    void generate(quint64 requestId, const QList<hearth::ChatTurn>& turns,
                  const hearth::GenerationSettings& settings);

signals:
    void loadProgress(quint64 loadId, double fraction, const QString& stage);
    void loaded(quint64 loadId, const hearth::LoadedModelInfo& info);
    void loadFailed(quint64 loadId, const hearth::EngineError& error);
    void unloaded();
    void textReady(quint64 requestId, const QString& text);
    void finished(quint64 requestId, const hearth::GenerationStats& stats);
    void failed(quint64 requestId, const hearth::EngineError& error);

private:
    bool ensureSession(int contextLength, EngineError* error);
    void release();

    QString storeRoot_;
    std::unique_ptr<Backend> gpu_; // outlives the model whose layers it holds
    std::unique_ptr<Model> model_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<tmpl::ChatTemplate> template_;
    std::unique_ptr<Session> session_;
    std::vector<std::string> stops_;
    std::string bos_, eos_;
    std::string systemDefault_;
    int sessionContext_ = 0;

    std::mutex stopMutex_;
    quint64 activeRequest_ = 0;
    std::stop_source stopSource_;
    std::atomic<quint64> cancelledLoad_{0};
};

} // namespace hearth
