#include "engine/store/manifest.h"

#include "engine/gguf/model_summary.h"

#include <cctype>

namespace hearth {
namespace {

Result<ManifestLayer> parseLayer(const Json& j, const std::string& where) {
    if (!j.isObject()) return makeError(where + " is not an object");
    ManifestLayer l;
    l.mediaType = j["mediaType"].asString();
    l.digest = j["digest"].asString();
    if (!isValidDigest(l.digest))
        return makeError(where + " has an invalid digest '" + l.digest + "'");
    const Json& size = j["size"];
    if (!size.isInteger() || size.asInt() < 0) return makeError(where + " has no valid size");
    l.size = static_cast<uint64_t>(size.asInt());
    l.raw = j;
    return l;
}

} // namespace

bool isValidDigest(std::string_view d) {
    if (d.size() != 7 + 64 || d.substr(0, 6) != "sha256" || (d[6] != ':' && d[6] != '-'))
        return false;
    for (char c : d.substr(7))
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string blobFileName(std::string_view digest) {
    std::string name(digest);
    if (name.size() > 6) name[6] = '-';
    return name;
}

Result<Manifest> Manifest::parse(std::string_view text) {
    auto j = Json::parse(text);
    if (!j) return makeError("manifest: " + j.error());
    if (!j->isObject()) return makeError("manifest: not a JSON object");
    Manifest m;
    m.raw = *j;
    const Json& sv = (*j)["schemaVersion"];
    if (!sv.isInteger()) return makeError("manifest: schemaVersion missing");
    m.schemaVersion = sv.asInt();
    if (m.schemaVersion != 2)
        return makeError("manifest: unsupported schemaVersion " + std::to_string(m.schemaVersion));
    m.mediaType = (*j)["mediaType"].asString();
    auto config = parseLayer((*j)["config"], "manifest config");
    if (!config) return std::move(config).takeError();
    m.config = std::move(*config);
    const Json& layers = (*j)["layers"];
    if (!layers.isArray()) return makeError("manifest: layers missing");
    for (size_t i = 0; i < layers.items().size(); ++i) {
        auto l = parseLayer(layers.items()[i], "manifest layer " + std::to_string(i));
        if (!l) return std::move(l).takeError();
        m.layers.push_back(std::move(*l));
    }
    return m;
}

std::string Manifest::serialize() const {
    auto layerJson = [](const ManifestLayer& l) {
        // Known fields in Go's struct order, then whatever else the layer carried.
        Json out = Json::object();
        out.set("mediaType", l.mediaType);
        out.set("digest", l.digest);
        out.set("size", l.size);
        if (l.raw.isObject())
            for (const auto& [k, v] : l.raw.members())
                if (k != "mediaType" && k != "digest" && k != "size") out.set(k, v);
        return out;
    };
    Json doc = Json::object();
    doc.set("schemaVersion", schemaVersion);
    doc.set("mediaType", mediaType);
    doc.set("config", layerJson(config));
    Json arr = Json::array();
    for (const ManifestLayer& l : layers) arr.push(layerJson(l));
    doc.set("layers", std::move(arr));
    if (raw.isObject())
        for (const auto& [k, v] : raw.members())
            if (!doc.find(k)) doc.set(k, v);
    return doc.dump() + "\n";
}

uint64_t Manifest::totalSize() const {
    uint64_t n = config.size;
    for (const ManifestLayer& l : layers) n += l.size;
    return n;
}

const ManifestLayer* Manifest::firstLayer(std::string_view type) const {
    for (const ManifestLayer& l : layers)
        if (l.mediaType == type) return &l;
    return nullptr;
}

std::vector<std::string> Manifest::digests() const {
    std::vector<std::string> out{config.digest};
    for (const ManifestLayer& l : layers) out.push_back(l.digest);
    return out;
}

std::string ollamaConfigJson(const ModelSummary& summary,
                             const std::vector<ManifestLayer>& layers) {
    Json config = Json::object();
    config.set("model_format", "gguf");
    config.set("model_family", summary.architecture);
    Json families = Json::array();
    if (!summary.architecture.empty()) families.push(summary.architecture);
    config.set("model_families", std::move(families));
    config.set("model_type", formatParameterCount(summary.parameterCount));
    config.set("file_type", summary.fileTypeName);
    config.set("architecture", "amd64");
    config.set("os", "linux");
    Json rootfs = Json::object();
    rootfs.set("type", "layers");
    Json diffIds = Json::array();
    for (const ManifestLayer& l : layers) diffIds.push(l.digest);
    rootfs.set("diff_ids", std::move(diffIds));
    config.set("rootfs", std::move(rootfs));
    return config.dump();
}

} // namespace hearth
