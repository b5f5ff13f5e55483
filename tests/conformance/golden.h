#pragma once
// A reference ("golden") output from ../shared/conformance/goldens, as its README describes.
#include <QString>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace hearth::conformance {

using Ranked = std::vector<std::pair<int32_t, float>>; // [id, logit], best first

struct Golden {
    QString label;
    QString modelFile;
    std::optional<QString> modelPath; // relative to the conformance folder; unset if not shipped
    QString modelSha256;
    bool kvF32 = false;
    int nVocab = 0;
    std::vector<int32_t> promptTokens;
    std::vector<Ranked> positionTop; // top-20 per prompt position
    std::vector<float> lastLogits;   // full last-position vector, empty when not shipped
    std::vector<int32_t> greedyTokens;
    std::vector<Ranked> greedyTop5; // per greedy step
};

// Reads one golden JSON (and its .bin when present); nullopt with *error set on failure.
std::optional<Golden> loadGolden(const QString& jsonPath, QString* error);

} // namespace hearth::conformance
