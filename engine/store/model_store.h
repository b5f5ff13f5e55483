#pragma once
// ModelStore: models in Ollama's on-disk layout (<root>/manifests/host/ns/model/tag and
// <root>/blobs/sha256-<hex>), so Ollama's models show up in Hearth and Hearth's in Ollama,
// plus "linked folders" of loose .gguf files listed in place (LM Studio, GPT4All, HF cache).
#include "engine/core/result.h"
#include "engine/gguf/model_summary.h"
#include "engine/store/manifest.h"
#include "engine/store/model_name.h"
#include "engine/store/sha256.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

struct StoreEntry {
    std::string displayName;       // "llama3.2:latest"; a linked file's name without .gguf
    std::optional<ModelName> name; // store models only
    std::string manifestPath;      // store models only
    std::string manifestDigest;    // sha256 hex of the manifest bytes (what Ollama reports)
    std::string modelPath;         // the GGUF: a blob, or the linked file itself
    uint64_t size = 0;             // all layers + config; a linked file's size
    int64_t modifiedTime = 0;      // unix seconds (manifest or file mtime)
    bool linked = false;
    std::string linkedFolder;
    std::optional<ModelSummary> summary; // from the GGUF, when readable
    std::vector<std::string> problems;   // e.g. missing blobs: reported, never fatal
};

struct ResolvedModel {
    std::string displayName;
    std::optional<ModelName> name;
    std::optional<Manifest> manifest;
    std::string modelPath;
    std::vector<std::string> adapterPaths;
    std::vector<std::string> projectorPaths;
    std::optional<std::string> templateText; // Go template (Ollama's template layer)
    std::optional<std::string> systemText;
    std::optional<std::string> paramsJson;
    std::optional<std::string> messagesJson;
    std::vector<std::string> licenses;
    std::vector<std::string> missingBlobs; // digests whose blob file is absent
    bool linked = false;
};

struct BlobCheck {
    std::string digest;
    std::string mediaType;
    std::string path;
    bool ok = false;
    std::string problem; // "missing", "size 10 != 12", "sha256 mismatch (...)"
};

struct VerifyReport {
    std::vector<BlobCheck> blobs;
    bool ok() const {
        for (const BlobCheck& b : blobs)
            if (!b.ok) return false;
        return true;
    }
};

struct RemoveReport {
    std::string manifestPath;
    std::vector<std::string> removedBlobs; // digests
    std::vector<std::string> keptBlobs;    // still used by another manifest
    std::vector<std::string> warnings;
};

struct ImportOptions {
    std::optional<std::string> name; // default: the file name without .gguf, tag "latest"
    bool allowHardLink = true;       // else always copy
    std::optional<std::string> templateText, systemText, paramsJson, license;
};

class ModelStore {
public:
    explicit ModelStore(std::string root);
    // $OLLAMA_MODELS, else $HOME/.ollama/models.
    static std::string defaultRoot();

    const std::string& root() const { return root_; }
    std::string blobPath(std::string_view digest) const;
    std::string manifestPath(const ModelName& name) const;

    void setLinkedFolders(std::vector<std::string> folders) { linkedFolders_ = std::move(folders); }
    const std::vector<std::string>& linkedFolders() const { return linkedFolders_; }

    // Store models (sorted by name) then linked files. A missing store is an empty list.
    Result<std::vector<StoreEntry>> list(bool withSummaries = true) const;
    // A store name, a linked file's name, or a path to a .gguf file.
    Result<ResolvedModel> resolve(std::string_view nameOrPath) const;
    // Every blob of a store model: present, right size, right SHA-256 (streamed, with progress).
    Result<VerifyReport> verify(std::string_view name, const ProgressFn& progress = {}) const;
    // Removes the manifest, then the blobs no remaining manifest references.
    Result<RemoveReport> remove(std::string_view name);
    // Adds a loose .gguf: hashes it, hard-links (or copies) it into blobs, writes the manifest.
    // The first part of a split GGUF (split.count > 1, "<prefix>-00001-of-00003.gguf") imports
    // the whole model: the sibling parts in its folder are merged into a temp file in the store
    // (named "<prefix>" by default), which becomes the blob; the parts stay where they are. A
    // later part or a missing part is an error naming the file; a failure leaves no files.
    // Progress for a split model runs over the merge, then the hash and link.
    Result<ModelName> importGguf(const std::string& file, const ImportOptions& options = {},
                                 const ProgressFn& progress = {});

private:
    struct ManifestFile {
        ModelName name;
        std::string path;
    };
    std::vector<ManifestFile> manifestFiles() const;
    std::optional<ManifestFile> findManifest(const ModelName& name) const;
    Result<Manifest> readManifest(const std::string& path, std::string* digest = nullptr) const;
    Status checkWritable() const;
    Result<std::string> putBlob(std::string_view bytes); // small blobs; returns the digest
    Result<ModelName> importSplit(const std::string& first, int64_t splitNo, int64_t splitCount,
                                  const ImportOptions& options, const ProgressFn& progress);
    std::vector<StoreEntry> linkedEntries(bool withSummaries) const;

    std::string root_;
    std::vector<std::string> linkedFolders_;
};

} // namespace hearth
