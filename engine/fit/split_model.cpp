// splitModelLayout: see split_model.h.
#include "engine/fit/split_model.h"

#include "engine/gguf/gguf_split.h"
#include "engine/gguf/gguf_writer.h"

#include <set>
#include <string>
#include <string_view>

namespace hearth::fit {

namespace {

std::string partName(size_t index, size_t count) {
    return "part " + std::to_string(index + 1) + " of " + std::to_string(count);
}

Status checkParts(const std::vector<const GgufFile*>& parts) {
    if (parts.empty()) return makeError("a split model needs at least one part");
    std::set<std::string_view> names;
    int64_t declared = -1;
    uint64_t seen = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string what = partName(i, parts.size());
        if (!parts[i]) return makeError(what + " is missing");
        const GgufFile& f = *parts[i];
        const auto count = f.getInt(kSplitCountKey);
        const auto no = f.getInt(kSplitNoKey);
        const auto total = f.getInt(kSplitTensorsCountKey);
        if (!count || !no || !total)
            return makeError(what + " is not part of a split GGUF (no split.count, split.no or " +
                             "split.tensors.count)");
        if (*count != int64_t(parts.size()))
            return makeError(what + " says the model has " + std::to_string(*count) +
                             " parts, but " + std::to_string(parts.size()) + " were read");
        if (*no != int64_t(i))
            return makeError(what + " is split.no " + std::to_string(*no) + ", expected " +
                             std::to_string(i));
        if (declared >= 0 && *total != declared)
            return makeError(what + " says the model has " + std::to_string(*total) +
                             " tensors, part 1 says " + std::to_string(declared));
        declared = *total;
        for (const GgufTensor& t : f.tensors())
            if (!names.insert(t.name).second)
                return makeError("tensor '" + std::string(t.name) + "' appears twice (" + what +
                                 ")");
        seen += f.tensors().size();
    }
    if (int64_t(seen) != declared)
        return makeError("the parts hold " + std::to_string(seen) +
                         " tensors, but split.tensors.count is " + std::to_string(declared));
    return {};
}

} // namespace

bool isSplitPart(const GgufFile& file) {
    const auto count = file.getInt(kSplitCountKey);
    return count && *count > 1;
}

Result<std::vector<std::unique_ptr<GgufFile>>> openModelParts(const std::string& path) {
    auto first = GgufFile::open(path);
    if (!first) return std::move(first).takeError();
    std::vector<std::unique_ptr<GgufFile>> parts;
    parts.push_back(std::move(first).value());
    if (!isSplitPart(*parts.front())) return parts;
    const GgufFile& head = *parts.front();
    auto paths = ggufSplitPartPaths(path, head.getInt(kSplitNoKey).value_or(0),
                                    head.getInt(kSplitCountKey).value_or(1), "give");
    if (!paths) return makeError(path + ": " + paths.error());
    for (size_t i = 1; i < paths->size(); ++i) {
        auto part = GgufFile::open((*paths)[i]);
        if (!part)
            return makeError(partName(i, paths->size()) + " of the split model: " + part.error());
        parts.push_back(std::move(part).value());
    }
    return parts;
}

Result<SplitModelLayout> splitModelLayout(const std::vector<const GgufFile*>& parts) {
    if (auto st = checkParts(parts); !st) return std::move(st).takeError();
    SplitModelLayout out;
    // The merged file as mergeGgufParts writes it: part 1's metadata less split.*, then every
    // tensor info. The writer sizes it without data, so header and file sizes are exact.
    GgufWriter merged;
    merged.copyMetadata(*parts.front(),
                        [](std::string_view key) { return key.substr(0, 6) != "split."; });
    const GgufWriter::TensorFill noData = [](uint8_t*, uint64_t) -> Status {
        return makeError("a header-only layout has no tensor data");
    };
    for (const GgufFile* part : parts) {
        for (const GgufTensor& t : part->tensors())
            if (auto st = merged.addTensor(t.name, t.type, std::span<const int64_t>(t.ne, t.nDims),
                                           noData);
                !st)
                return std::move(st).takeError();
        for (TensorSlot& s : slotsFromGguf(*part)) out.tensorSlots.push_back(std::move(s));
    }
    auto header = merged.headerBytes();
    if (!header) return std::move(header).takeError();
    auto size = merged.fileBytes();
    if (!size) return std::move(size).takeError();
    out.headerBytes = *header;
    out.fileBytes = *size;
    return out;
}

} // namespace hearth::fit
