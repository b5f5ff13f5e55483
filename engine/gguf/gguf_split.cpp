// splitGguf: one GGUF into gguf-split style parts (used by tests to make split models).
#include "engine/gguf/gguf_split.h"

#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <span>

namespace hearth {

std::string ggufSplitPath(const std::string& prefix, int index, int count) {
    char suffix[48];
    std::snprintf(suffix, sizeof suffix, "-%05d-of-%05d.gguf", index + 1, count);
    return prefix + suffix;
}

std::optional<GgufSplitName> parseGgufSplitName(const std::string& path) {
    // "-NNNNN-of-MMMMM.gguf" is 20 characters.
    if (path.size() < 20) return std::nullopt;
    std::string ext = path.substr(path.size() - 5);
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".gguf") return std::nullopt;
    const std::string tail = path.substr(path.size() - 20, 15); // "-00002-of-00003"
    auto digits = [&](size_t from) {
        for (size_t i = from; i < from + 5; ++i)
            if (!std::isdigit(static_cast<unsigned char>(tail[i]))) return false;
        return true;
    };
    if (tail[0] != '-' || tail.compare(6, 4, "-of-") != 0 || !digits(1) || !digits(10))
        return std::nullopt;
    return GgufSplitName{path.substr(0, path.size() - 20), std::stoi(tail.substr(1, 5))};
}

Result<std::vector<std::string>> ggufSplitPartPaths(const std::string& path, int64_t splitNo,
                                                    int64_t splitCount, std::string_view action) {
    const auto split = parseGgufSplitName(path);
    if (splitNo < 0 || splitNo >= splitCount)
        return makeError("its split.no " + std::to_string(splitNo) +
                         " is out of range for a model of " + std::to_string(splitCount) +
                         " parts");
    const int count = static_cast<int>(splitCount);
    if (splitNo != 0) {
        std::string hint = std::string(action) + " its first part";
        if (split) {
            const std::string first = ggufSplitPath(split->prefix, 0, count);
            hint += " (" + first.substr(first.find_last_of('/') + 1) + ")";
        }
        return makeError("it is part " + std::to_string(splitNo + 1) + " of " +
                         std::to_string(splitCount) + " of a split model: " + hint);
    }
    if (!split || split->number != 1)
        return makeError("it is the first of " + std::to_string(splitCount) +
                         " parts of a split model, but its name does not end in " +
                         ggufSplitPath("", 0, count) + ", so the other parts cannot be found");
    std::vector<std::string> parts;
    for (int i = 0; i < count; ++i) {
        parts.push_back(ggufSplitPath(split->prefix, i, count));
        std::error_code ec;
        if (!std::filesystem::is_regular_file(parts.back(), ec))
            return makeError("part " + std::to_string(i + 1) + " of " + std::to_string(splitCount) +
                             " (" + parts.back() + ") is missing");
    }
    return parts;
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
