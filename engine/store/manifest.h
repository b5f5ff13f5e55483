#pragma once
// Ollama manifests (Docker image manifest v2 schema 2 shape) and the layer media types.
// The parsed JSON is kept, so fields and layer types we do not know survive a rewrite.
#include "engine/core/json.h"
#include "engine/core/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

struct ModelSummary;

namespace media {
inline constexpr std::string_view kManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kModel = "application/vnd.ollama.image.model";
inline constexpr std::string_view kAdapter = "application/vnd.ollama.image.adapter";
inline constexpr std::string_view kProjector = "application/vnd.ollama.image.projector";
inline constexpr std::string_view kTemplate = "application/vnd.ollama.image.template";
inline constexpr std::string_view kPrompt =
    "application/vnd.ollama.image.prompt"; // legacy template
inline constexpr std::string_view kSystem = "application/vnd.ollama.image.system";
inline constexpr std::string_view kParams = "application/vnd.ollama.image.params";
inline constexpr std::string_view kLicense = "application/vnd.ollama.image.license";
inline constexpr std::string_view kMessages = "application/vnd.ollama.image.messages";
inline constexpr std::string_view kTensor =
    "application/vnd.ollama.image.tensor"; // safetensors models
inline constexpr std::string_view kJson = "application/vnd.ollama.image.json";
} // namespace media

struct ManifestLayer {
    std::string mediaType;
    std::string digest; // "sha256:<64 hex>"
    uint64_t size = 0;
    Json raw; // the whole layer object (from, name, unknown fields)
};

struct Manifest {
    int64_t schemaVersion = 2;
    std::string mediaType = std::string(media::kManifest);
    ManifestLayer config;
    std::vector<ManifestLayer> layers;
    Json raw; // the whole document as read

    static Result<Manifest> parse(std::string_view json);
    // Compact JSON in Ollama's field order, with the trailing newline Go's encoder writes.
    std::string serialize() const;
    uint64_t totalSize() const; // layers + config, as Ollama reports a model's size
    const ManifestLayer* firstLayer(std::string_view mediaType) const;
    // Every digest the manifest references (config first).
    std::vector<std::string> digests() const;
};

// The config blob Ollama writes for a GGUF model (its ConfigV2 field order, rootfs included for
// older readers): family, parameter count and file type from `summary`, the layers' digests as
// diff_ids. Import and download both write it, so a model looks the same whichever way it came.
std::string ollamaConfigJson(const ModelSummary& summary, const std::vector<ManifestLayer>& layers);

// "sha256:<hex>" or "sha256-<hex>" with 64 hex digits; anything else is rejected.
bool isValidDigest(std::string_view digest);
// Blob file name for a digest: "sha256-<hex>".
std::string blobFileName(std::string_view digest);

} // namespace hearth
