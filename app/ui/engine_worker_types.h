#pragma once
// Plain values passed between the UI thread and the EngineWorker through queued signals.
#include <QList>
#include <QMetaType>
#include <QString>
#include <QVariantMap>

namespace hearth {

struct ChatTurn {
    QString role; // "system", "user", "assistant"
    QString content;
};

// Per-chat settings; the defaults match the engine's and are replaced by the model's params
// layer (Ollama's `params` blob) when it has one.
struct GenerationSettings {
    QString systemPrompt;
    double temperature = 0.8;
    double topP = 0.95;
    int topK = 40;
    double minP = 0.05;
    double repeatPenalty = 1.0;
    int maxTokens = -1; // until the model ends its turn
    int contextLength = 2048;
    qint64 seed = -1; // < 0: a fresh seed per reply
    // The model's last layers run on the GPU; 0: CPU only (also chats saved before "auto");
    // kAutoGpuLayers (-1): as many as fit, the default of new chats.
    int gpuLayers = 0;

    QVariantMap toMap() const;
    // Values from `map` over `base`; absent or non-numeric ones keep the base's.
    static GenerationSettings fromMap(const QVariantMap& map, const GenerationSettings& base);
    // Overrides from an Ollama params JSON object (temperature, top_p, top_k, min_p,
    // repeat_penalty, num_predict, num_ctx, seed, num_gpu); unknown keys are ignored.
    void applyOllamaParams(const QString& json);
};

struct GenerationStats {
    int promptTokens = 0;
    int generatedTokens = 0;
    double tokensPerSecond = 0;
    double timeToFirstTokenMs = 0;
    QString stopReason; // "eog", "max-tokens", "stop-string", "cancelled", "context-full"
};

struct LoadedModelInfo {
    QString name;         // what the user picked
    QString path;         // the GGUF
    QString description;  // "llama 64 x 5 layers, f32, 1.1 MiB"
    QString templateName; // "gguf", "ollama", or the fallback's name
    QString systemPrompt; // the store's system layer, if any
    QString paramsJson;   // the store's params layer, if any
    int contextTrained = 0;
    QString device;       // where it runs: "CPU", or "<GPU name>: last 5 of 5 layers"
    QString gpuNote;      // why fewer layers than asked run on the GPU (none, or a failure)
    bool gpuAuto = false; // the layers were chosen by "auto"; its note explains, not warns
    int gpuLayers = 0;    // of the model's layers on the GPU as loaded
};

// What went wrong, in words, and what the user can do about it.
struct EngineError {
    QString message;
    QString suggestion;
    QString text() const { return suggestion.isEmpty() ? message : message + u' ' + suggestion; }
};

} // namespace hearth

Q_DECLARE_METATYPE(hearth::ChatTurn)
Q_DECLARE_METATYPE(hearth::GenerationSettings)
Q_DECLARE_METATYPE(hearth::GenerationStats)
Q_DECLARE_METATYPE(hearth::LoadedModelInfo)
Q_DECLARE_METATYPE(hearth::EngineError)
