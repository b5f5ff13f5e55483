// mergeGgufParts: validate every part of a split GGUF, then write them as one file.
#include "engine/gguf/gguf_merge.h"

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/gguf_writer.h"

#include <memory>
#include <set>
#include <string_view>

namespace hearth {

namespace {

bool isSplitKey(std::string_view key) {
    return key.substr(0, 6) == "split.";
}

std::string partName(size_t index, size_t count, const std::string& path) {
    return "part " + std::to_string(index + 1) + " of " + std::to_string(count) + " (" + path + ")";
}

} // namespace

Status mergeGgufParts(const std::vector<std::string>& parts, const std::string& out) {
    if (parts.empty()) return makeError("merge: no parts given");
    std::vector<std::unique_ptr<GgufFile>> files;
    std::set<std::string_view> names;
    int64_t declaredTensors = -1;
    uint64_t tensorsSeen = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string what = partName(i, parts.size(), parts[i]);
        auto file = GgufFile::open(parts[i]);
        if (!file) return makeError("merge: " + what + ": " + file.error());
        const GgufFile& f = **file;
        const auto count = f.getInt(kSplitCountKey);
        const auto no = f.getInt(kSplitNoKey);
        const auto total = f.getInt(kSplitTensorsCountKey);
        if (!count || !no || !total)
            return makeError("merge: " + what + " is not part of a split GGUF (no split.count, " +
                             "split.no or split.tensors.count)");
        if (*count != int64_t(parts.size()))
            return makeError("merge: " + what + " says the model has " + std::to_string(*count) +
                             " parts, but " + std::to_string(parts.size()) + " were given");
        if (*no != int64_t(i))
            return makeError("merge: " + what + " is split.no " + std::to_string(*no) +
                             ", expected " + std::to_string(i) + " (parts out of order)");
        if (declaredTensors >= 0 && *total != declaredTensors)
            return makeError("merge: " + what + " says the model has " + std::to_string(*total) +
                             " tensors, part 1 says " + std::to_string(declaredTensors));
        declaredTensors = *total;
        for (const GgufTensor& t : f.tensors()) {
            if (!names.insert(t.name).second)
                return makeError("merge: tensor '" + std::string(t.name) + "' appears twice (" +
                                 what + ")");
        }
        tensorsSeen += f.tensors().size();
        files.push_back(std::move(file).value());
    }
    if (int64_t(tensorsSeen) != declaredTensors)
        return makeError("merge: the parts hold " + std::to_string(tensorsSeen) +
                         " tensors, but split.tensors.count is " + std::to_string(declaredTensors));

    GgufWriter w;
    if (auto st = w.setVersion(files.front()->version()); !st) return makeError(st.error());
    // Without the split keys, as Ollama's create merges shards (shared/docs/protocols.md 1.10):
    // the blob is then the same bytes Ollama would store, and a model split and merged again is
    // the original file.
    w.copyMetadata(*files.front(), [](std::string_view key) { return !isSplitKey(key); });
    for (const auto& f : files)
        if (auto st = w.copyTensors(*f); !st) return makeError("merge: " + st.error());
    if (auto st = w.writeFile(out); !st) return makeError("merge: " + st.error());
    return {};
}

} // namespace hearth
