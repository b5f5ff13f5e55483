#pragma once
// A fit report: one row per variant of one model at one context length, plus the recommendation.
// Sources: a GGUF (local file or a remote header; its own tensors give the first row and are
// re-typed for the other variants) or a catalog entry (shape only; tensors synthesized).
#include "engine/core/result.h"
#include "engine/fit/fit_verdict.h"
#include "engine/fit/model_shape.h"
#include "engine/gguf/gguf_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::fit {

// A catalog entry as the app reads it from resources/catalog (parsing lives with the JSON reader).
struct CatalogVariant {
    std::string name;       // "Q4_K_M"
    uint64_t fileBytes = 0; // as published; 0 when unknown
    bool sizeEstimated = false;
};
struct CatalogModel {
    std::string id; // "llama-3.2-1b-instruct"
    std::string displayName;
    ModelShape shape;
    std::vector<CatalogVariant> variants;
};

struct FitRow {
    std::string variant;
    bool isFile = false;    // the local file itself, as stored
    uint64_t fileBytes = 0; // file size (local) or published size (catalog); 0 when unknown
    bool fileBytesEstimated = false;
    std::string error; // set when the variant cannot be made for this shape; fit is then unset
    FitResult fit;
};

struct FitReport {
    std::string model; // file name or catalog id
    ModelShape shape;
    int64_t nCtx = 0;
    std::vector<FitRow> rows;
    int recommended = -1; // index into rows
};

// `variants` empty: standardQuantVariants(). A part of a split model is refused (its tensors are
// a fraction of the model's): use fitReportForGgufParts.
Result<FitReport> fitReportForGguf(const GgufFile& file, const std::vector<std::string>& variants,
                                   const EstimateOptions& options, const MachineMemory& machine,
                                   const SafetyMargin& margin = {});
// A split model from all its parts' headers, in split.no order (split_model.h checks the set);
// the file row is the merged model. One part that is not a split part is fitReportForGguf.
Result<FitReport> fitReportForGgufParts(const std::vector<const GgufFile*>& parts,
                                        const std::vector<std::string>& variants,
                                        const EstimateOptions& options,
                                        const MachineMemory& machine,
                                        const SafetyMargin& margin = {});
Result<FitReport> fitReportForCatalog(const CatalogModel& model, const EstimateOptions& options,
                                      const MachineMemory& machine,
                                      const SafetyMargin& margin = {});

} // namespace hearth::fit
