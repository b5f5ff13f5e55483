#include "engine_worker_types.h"

#include "app/core/gpu_backend.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace hearth {

QVariantMap GenerationSettings::toMap() const {
    return {{QStringLiteral("systemPrompt"), systemPrompt},
            {QStringLiteral("temperature"), temperature},
            {QStringLiteral("topP"), topP},
            {QStringLiteral("topK"), topK},
            {QStringLiteral("minP"), minP},
            {QStringLiteral("repeatPenalty"), repeatPenalty},
            {QStringLiteral("maxTokens"), maxTokens},
            {QStringLiteral("contextLength"), contextLength},
            {QStringLiteral("seed"), seed},
            {QStringLiteral("gpuLayers"), gpuLayers}};
}

GenerationSettings GenerationSettings::fromMap(const QVariantMap& m,
                                               const GenerationSettings& base) {
    GenerationSettings s = base;
    auto num = [&](const char* key, auto& field) {
        const QVariant v = m.value(QLatin1String(key));
        bool ok = false;
        const double d = v.toDouble(&ok);
        if (v.isValid() && ok) field = static_cast<std::decay_t<decltype(field)>>(d);
    };
    if (m.contains(QStringLiteral("systemPrompt")))
        s.systemPrompt = m.value(QStringLiteral("systemPrompt")).toString();
    num("temperature", s.temperature);
    num("topP", s.topP);
    num("topK", s.topK);
    num("minP", s.minP);
    num("repeatPenalty", s.repeatPenalty);
    num("maxTokens", s.maxTokens);
    num("contextLength", s.contextLength);
    num("seed", s.seed);
    num("gpuLayers", s.gpuLayers);
    if (m.value(QStringLiteral("gpuLayers"))
            .toString()
            .compare(QLatin1String("auto"), Qt::CaseInsensitive) == 0)
        s.gpuLayers = kAutoGpuLayers;
    // Out-of-range values fall back to something the engine accepts.
    if (s.temperature < 0) s.temperature = 0;
    if (s.contextLength < 64) s.contextLength = 64;
    if (s.repeatPenalty <= 0) s.repeatPenalty = 1.0;
    // The engine caps counts at the model's layers; auto stays, other negatives mean the CPU.
    if (s.gpuLayers != kAutoGpuLayers) s.gpuLayers = std::clamp(s.gpuLayers, 0, 1000);
    return s;
}

void GenerationSettings::applyOllamaParams(const QString& json) {
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    auto num = [&](const char* key, auto& field) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isDouble()) field = static_cast<std::decay_t<decltype(field)>>(v.toDouble());
    };
    num("temperature", temperature);
    num("top_p", topP);
    num("top_k", topK);
    num("min_p", minP);
    num("repeat_penalty", repeatPenalty);
    num("num_predict", maxTokens);
    num("num_ctx", contextLength);
    num("seed", seed);
    num("num_gpu", gpuLayers);
    if (gpuLayers != kAutoGpuLayers) gpuLayers = std::clamp(gpuLayers, 0, 1000);
}

} // namespace hearth
