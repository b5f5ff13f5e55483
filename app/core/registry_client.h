#pragma once
// The Ollama registry protocol (Docker distribution v2): manifest and blob URLs for a model name,
// and user-facing sentences for the registry's error answers.
#include "app/core/download_http.h"
#include "app/core/download_settings.h"
#include "engine/store/model_name.h"

#include <QUrl>

namespace hearth {

// registry.ollama.ai -> settings.registry; hf.co / huggingface.co -> settings.hfEndpoint (HF
// speaks the registry protocol there); any other host -> https://host.
QUrl registryBaseUrl(const ModelName& name, const DownloadSettings& settings);
QUrl manifestUrl(const ModelName& name, const DownloadSettings& settings);
QUrl blobUrl(const ModelName& name, const QString& digest, const DownloadSettings& settings);
// 404 MANIFEST_UNKNOWN / NAME_UNKNOWN, 401, 403 ... as a sentence naming the model.
QString describeRegistryError(const HttpResponse& r, const ModelName& name);

} // namespace hearth
