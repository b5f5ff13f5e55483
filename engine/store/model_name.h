#pragma once
// Ollama model names: [scheme://]host/namespace/model:tag, with Ollama's defaults
// (registry.ollama.ai / library / latest) and validity rules (see shared/docs/protocols.md 1.3).
#include "engine/core/result.h"

#include <string>
#include <string_view>

namespace hearth {

struct ModelName {
    std::string host = "registry.ollama.ai";
    std::string nameSpace = "library";
    std::string model;
    std::string tag = "latest";

    // "llama3.2" -> registry.ollama.ai/library/llama3.2:latest; errors say which part is wrong.
    static Result<ModelName> parse(std::string_view text);

    std::string full() const;                     // host/namespace/model:tag
    std::string displayShortest() const;          // model:tag, ns/model:tag or host/ns/model:tag
    std::string manifestRelPath() const;          // manifests/host/namespace/model/tag
    bool equalFold(const ModelName& other) const; // Ollama matches names case-insensitively
};

} // namespace hearth
