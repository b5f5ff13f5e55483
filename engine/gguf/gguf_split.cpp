// splitGguf: one GGUF into gguf-split style parts (used by tests to make split models).
#include "engine/gguf/gguf_split.h"

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <cstdio>
#include <span>

namespace hearth {

std::string ggufSplitPath(const std::string& prefix, int index, int count) {
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, "-%05d-of-%05d.gguf", index + 1, count);
    return prefix + suffix;
}

Result<std::vector<std::string>> splitGguf(const std::string& in, size_t maxTensorsPerPart,
                                           const std::string& outPrefix) {
    if (maxTensorsPerPart == 0) return makeError("split: at least one tensor per part");
    auto file = GgufFile::open(in);
    if (!file) return makeError("split: " + file.error());
    const std::vector<GgufTensor>& tensors = (*file)->tensors();
    if (tensors.empty()) return makeError("split: " + in + " has no tensors");
    const size_t count = (tensors.size() + maxTensorsPerPart - 1) / maxTensorsPerPart;
    if (count > 65535) return makeError("split: more than 65535 parts");

    std::vector<std::string> paths;
    for (size_t part = 0; part < count; ++part) {
        GgufWriter w;
        if (auto st = w.setVersion((*file)->version()); !st) return makeError(st.error());
        if (part == 0) w.copyMetadata(**file);
        // gguf-split sets these through gguf_set_val_*, which drops an old key and appends the
        // new one; split.count is set last (once the number of parts is known).
        for (std::string_view key : {kSplitNoKey, kSplitCountKey, kSplitTensorsCountKey})
            w.remove(key);
        w.setU16(kSplitNoKey, uint16_t(part));
        w.setI32(kSplitTensorsCountKey, int32_t(tensors.size()));
        w.setU16(kSplitCountKey, uint16_t(count));
        const size_t end = std::min(tensors.size(), (part + 1) * maxTensorsPerPart);
        for (size_t i = part * maxTensorsPerPart; i < end; ++i) {
            const GgufTensor& t = tensors[i];
            auto st = w.addTensor(t.name, t.type, std::span<const int64_t>(t.ne, t.nDims), t.data);
            if (!st) return makeError("split: " + st.error());
        }
        const std::string path = ggufSplitPath(outPrefix, int(part), int(count));
        if (auto st = w.writeFile(path); !st) return makeError("split: " + st.error());
        paths.push_back(path);
    }
    return paths;
}

} // namespace hearth
