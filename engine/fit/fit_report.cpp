#include "engine/fit/fit_report.h"

#include "engine/fit/quant_mix.h"
#include "engine/fit/split_model.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"
#include "engine/gguf/gguf_split.h"

namespace hearth::fit {

namespace {

Result<std::vector<QuantVariant>> resolveVariants(const std::vector<std::string>& names) {
    if (names.empty()) return standardQuantVariants();
    std::vector<QuantVariant> out;
    for (const auto& n : names) {
        auto v = quantVariantByName(n);
        if (!v) return makeError("unknown quantization variant '" + n + "'");
        out.push_back(*v);
    }
    return out;
}

void addVariantRow(FitReport& report, const std::vector<TensorSlot>& tensorSlots,
                   const QuantVariant& v, const EstimateOptions& o, const MachineMemory& m,
                   const SafetyMargin& margin, FitRow row) {
    row.variant = std::string(v.name);
    auto plan = planVariant(tensorSlots, report.shape, v);
    if (!plan) {
        row.error = plan.error();
    } else {
        row.fit = judgeFit(report.shape, *plan, o, m, margin);
    }
    report.rows.push_back(std::move(row));
}

void pickRecommendation(FitReport& report) {
    std::vector<FitResult> fits;
    std::vector<int> rowOf;
    for (size_t i = 0; i < report.rows.size(); ++i) {
        if (!report.rows[i].error.empty()) continue;
        fits.push_back(report.rows[i].fit);
        rowOf.push_back(static_cast<int>(i));
    }
    const int best = recommendedIndex(fits);
    report.recommended = best < 0 ? -1 : rowOf[static_cast<size_t>(best)];
}

Status checkContext(const EstimateOptions& o) {
    if (o.nCtx <= 0 || o.nCtx > (int64_t{1} << 24))
        return makeError("context length " + std::to_string(o.nCtx) + " is out of range");
    if (o.batch <= 0) return makeError("batch size must be positive");
    return {};
}

// A GGUF model's report: `meta` holds the metadata, `tensorSlots` every tensor as stored.
// fileBytes 0: a complete file's size from the header and the tensors.
Result<FitReport> reportForStoredModel(const GgufFile& meta,
                                       const std::vector<TensorSlot>& tensorSlots,
                                       uint64_t headerBytes, uint64_t fileBytes,
                                       const std::vector<std::string>& variants,
                                       const EstimateOptions& options, const MachineMemory& machine,
                                       const SafetyMargin& margin) {
    if (auto st = checkContext(options); !st) return std::move(st).takeError();
    auto shape = shapeFromGguf(meta);
    if (!shape) return std::move(shape).takeError();
    auto wanted = resolveVariants(variants);
    if (!wanted) return std::move(wanted).takeError();
    FitReport report;
    report.model = meta.path();
    report.shape = *shape;
    report.nCtx = options.nCtx;
    EstimateOptions o = options;
    if (o.ggufHeaderBytes == 0) o.ggufHeaderBytes = headerBytes;

    std::string ownName = "file";
    if (auto ft = meta.getInt("general.file_type"))
        if (auto v = quantVariantByFileType(*ft)) ownName = std::string(v->name);
    auto own = planAsStored(tensorSlots, report.shape, ownName);
    if (!own) return std::move(own).takeError();
    FitRow fileRow;
    fileRow.variant = ownName;
    fileRow.isFile = true;
    fileRow.fileBytes = fileBytes ? fileBytes : headerBytes + own->totalBytes;
    fileRow.fit = judgeFit(report.shape, *own, o, machine, margin);
    report.rows.push_back(std::move(fileRow));

    // Re-typing needs the original precision's shapes only, which every GGUF keeps.
    for (const auto& v : *wanted)
        addVariantRow(report, tensorSlots, v, o, machine, margin, FitRow{});
    pickRecommendation(report);
    return report;
}

} // namespace

Result<FitReport> fitReportForGguf(const GgufFile& file, const std::vector<std::string>& variants,
                                   const EstimateOptions& options, const MachineMemory& machine,
                                   const SafetyMargin& margin) {
    if (isSplitPart(file))
        return makeError("this is one part of a split model (" +
                         std::to_string(*file.getInt(kSplitCountKey)) +
                         " parts); its tensors are only part of the model's, so every part is "
                         "needed for an estimate");
    return reportForStoredModel(file, slotsFromGguf(file), file.dataOffset(),
                                file.mapping() ? file.fileSize() : 0, variants, options, machine,
                                margin);
}

Result<FitReport> fitReportForGgufParts(const std::vector<const GgufFile*>& parts,
                                        const std::vector<std::string>& variants,
                                        const EstimateOptions& options,
                                        const MachineMemory& machine, const SafetyMargin& margin) {
    if (parts.size() == 1 && parts.front() && !isSplitPart(*parts.front()))
        return fitReportForGguf(*parts.front(), variants, options, machine, margin);
    auto layout = splitModelLayout(parts);
    if (!layout) return std::move(layout).takeError();
    return reportForStoredModel(*parts.front(), layout->tensorSlots, layout->headerBytes,
                                layout->fileBytes, variants, options, machine, margin);
}

Result<FitReport> fitReportForCatalog(const CatalogModel& model, const EstimateOptions& options,
                                      const MachineMemory& machine, const SafetyMargin& margin) {
    if (auto st = checkContext(options); !st) return std::move(st).takeError();
    if (auto st = model.shape.validate(); !st)
        return makeError("catalog entry '" + model.id + "': " + st.error());
    FitReport report;
    report.model = model.id;
    report.shape = model.shape;
    report.nCtx = options.nCtx;
    const auto tensorSlots = synthesizeSlots(model.shape);
    if (model.variants.empty()) {
        for (const auto& v : standardQuantVariants())
            addVariantRow(report, tensorSlots, v, options, machine, margin, FitRow{});
    }
    for (const auto& cv : model.variants) {
        auto v = quantVariantByName(cv.name);
        FitRow row;
        row.fileBytes = cv.fileBytes;
        row.fileBytesEstimated = cv.sizeEstimated;
        if (!v) {
            row.variant = cv.name;
            row.error = "unknown quantization variant '" + cv.name + "'";
            report.rows.push_back(std::move(row));
            continue;
        }
        addVariantRow(report, tensorSlots, *v, options, machine, margin, std::move(row));
    }
    pickRecommendation(report);
    return report;
}

} // namespace hearth::fit
