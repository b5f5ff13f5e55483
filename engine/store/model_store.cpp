// ModelStore: listing, resolving, verifying and removing models (import is in model_import.cpp,
// linked folders in linked_folders.cpp).
#include "engine/store/model_store.h"

#include "engine/gguf/gguf_file.h"
#include "engine/store/atomic_file.h"
#include "engine/store/store_fs.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <unistd.h>

namespace hearth {

using storefs::join;

ModelStore::ModelStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string ModelStore::defaultRoot() {
    if (const char* env = std::getenv("OLLAMA_MODELS"); env && *env) return env;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.ollama/models";
}

std::string ModelStore::blobPath(std::string_view digest) const {
    return join(join(root_, "blobs"), blobFileName(digest));
}

std::string ModelStore::manifestPath(const ModelName& name) const {
    return join(root_, name.manifestRelPath());
}

std::vector<ModelStore::ManifestFile> ModelStore::manifestFiles() const {
    // Exactly four levels below manifests/, like Ollama's glob; anything else is ignored.
    std::vector<ManifestFile> out;
    const std::string base = join(root_, "manifests");
    for (const std::string& host : storefs::listDir(base))
        for (const std::string& ns : storefs::listDir(join(base, host)))
            for (const std::string& model : storefs::listDir(join(join(base, host), ns)))
                for (const std::string& tag :
                     storefs::listDir(join(join(join(base, host), ns), model))) {
                    const std::string path = join(join(join(join(base, host), ns), model), tag);
                    auto fi = storefs::stat(path);
                    if (!fi || !fi->isFile) continue;
                    std::string full = host;
                    full.append("/").append(ns).append("/").append(model).append(":").append(tag);
                    auto name = ModelName::parse(full);
                    if (!name) continue; // temp files and stray entries are not models
                    out.push_back({*name, path});
                }
    return out;
}

std::optional<ModelStore::ManifestFile> ModelStore::findManifest(const ModelName& name) const {
    const std::string exact = manifestPath(name);
    if (auto fi = storefs::stat(exact); fi && fi->isFile) return ManifestFile{name, exact};
    for (ManifestFile& m : manifestFiles()) // names match case-insensitively, as in Ollama
        if (m.name.equalFold(name)) return m;
    return std::nullopt;
}

Result<Manifest> ModelStore::readManifest(const std::string& path, std::string* digest) const {
    auto text = readSmallFile(path, 4u << 20);
    if (!text) return std::move(text).takeError();
    if (digest) *digest = sha256Hex(*text);
    auto m = Manifest::parse(*text);
    if (!m) return makeError(path + ": " + m.error());
    return m;
}

Result<std::vector<StoreEntry>> ModelStore::list(bool withSummaries) const {
    std::vector<StoreEntry> out;
    for (const ManifestFile& mf : manifestFiles()) {
        StoreEntry e;
        e.name = mf.name;
        e.displayName = mf.name.displayShortest();
        e.manifestPath = mf.path;
        if (auto fi = storefs::stat(mf.path)) e.modifiedTime = fi->mtime;
        auto m = readManifest(mf.path, &e.manifestDigest);
        if (!m) {
            e.problems.push_back(m.error());
            out.push_back(std::move(e));
            continue;
        }
        e.size = m->totalSize();
        for (const std::string& d : m->digests())
            if (!storefs::stat(blobPath(d)))
                e.problems.emplace_back("blob " + blobFileName(d) + " is missing");
        if (m->firstLayer(media::kTensor) || m->firstLayer(media::kJson))
            e.problems.emplace_back("safetensors-style model (not a GGUF): not supported");
        if (const ManifestLayer* model = m->firstLayer(media::kModel)) {
            e.modelPath = blobPath(model->digest);
            if (withSummaries && storefs::stat(e.modelPath)) {
                auto g = GgufFile::open(e.modelPath);
                if (g)
                    e.summary = summarizeModel(**g);
                else
                    e.problems.push_back(g.error());
            }
        } else if (!m->firstLayer(media::kTensor)) {
            e.problems.emplace_back("manifest has no model layer");
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const StoreEntry& a, const StoreEntry& b) {
        return a.displayName < b.displayName;
    });
    for (StoreEntry& e : linkedEntries(withSummaries)) out.push_back(std::move(e));
    return out;
}

Result<ResolvedModel> ModelStore::resolve(std::string_view nameOrPath) const {
    const std::string arg(nameOrPath);
    // A path to a file is used as is.
    if (arg.find('/') != std::string::npos || storefs::endsWithNoCase(arg, ".gguf")) {
        if (auto fi = storefs::stat(arg); fi && fi->isFile) {
            ResolvedModel r;
            r.displayName = arg.substr(arg.find_last_of('/') + 1);
            r.modelPath = arg;
            r.linked = true;
            return r;
        }
    }
    auto name = ModelName::parse(arg);
    if (name) {
        if (auto mf = findManifest(*name)) {
            auto m = readManifest(mf->path);
            if (!m) return std::move(m).takeError();
            if (m->firstLayer(media::kTensor) || m->firstLayer(media::kJson))
                return makeError(mf->name.displayShortest() +
                                 " is a safetensors-style model; Hearth runs GGUF models only");
            ResolvedModel r;
            r.name = mf->name;
            r.displayName = mf->name.displayShortest();
            auto readText = [&](const ManifestLayer& l) -> std::optional<std::string> {
                auto t = readSmallFile(blobPath(l.digest));
                if (!t) return std::nullopt;
                return std::move(*t);
            };
            for (const std::string& d : m->digests())
                if (!storefs::stat(blobPath(d))) r.missingBlobs.push_back(d);
            for (const ManifestLayer& l : m->layers) {
                const std::string_view t = l.mediaType;
                if (t == media::kModel && r.modelPath.empty())
                    r.modelPath = blobPath(l.digest);
                else if (t == media::kAdapter)
                    r.adapterPaths.push_back(blobPath(l.digest));
                else if (t == media::kProjector)
                    r.projectorPaths.push_back(blobPath(l.digest));
                else if (t == media::kTemplate || t == media::kPrompt)
                    r.templateText = readText(l);
                else if (t == media::kSystem)
                    r.systemText = readText(l);
                else if (t == media::kParams)
                    r.paramsJson = readText(l);
                else if (t == media::kMessages)
                    r.messagesJson = readText(l);
                else if (t == media::kLicense) {
                    if (auto text = readText(l)) r.licenses.push_back(std::move(*text));
                }
            }
            if (r.modelPath.empty())
                return makeError(r.displayName + ": the manifest has no model layer");
            r.manifest = std::move(*m);
            return r;
        }
    }
    // A linked file by its name (with or without .gguf).
    for (const StoreEntry& e : linkedEntries(false)) {
        if (e.modelPath.empty()) continue;
        if (storefs::iequals(e.displayName, arg) ||
            storefs::iequals(e.displayName + ".gguf", arg)) {
            ResolvedModel r;
            r.displayName = e.displayName;
            r.modelPath = e.modelPath;
            r.linked = true;
            return r;
        }
    }
    if (arg.find('/') != std::string::npos && storefs::endsWithNoCase(arg, ".gguf"))
        return makeError("model file " + arg + " does not exist");
    if (!name) return std::move(name).takeError();
    return makeError("model '" + arg + "' not found in " + root_);
}

Result<VerifyReport> ModelStore::verify(std::string_view nameArg,
                                        const ProgressFn& progress) const {
    auto r = resolve(nameArg);
    if (!r) return std::move(r).takeError();
    VerifyReport report;
    if (!r->manifest) { // a loose file has no digest to check against; check it is a GGUF
        BlobCheck c;
        c.path = r->modelPath;
        c.mediaType = std::string(media::kModel);
        auto g = GgufFile::open(r->modelPath);
        c.ok = g.ok();
        if (!g) c.problem = g.error();
        report.blobs.push_back(std::move(c));
        return report;
    }
    std::vector<const ManifestLayer*> layers{&r->manifest->config};
    for (const ManifestLayer& l : r->manifest->layers) layers.push_back(&l);
    uint64_t total = 0, before = 0;
    for (const ManifestLayer* l : layers) total += l->size;
    for (const ManifestLayer* l : layers) {
        BlobCheck c;
        c.digest = l->digest;
        c.mediaType = l->mediaType;
        c.path = blobPath(l->digest);
        auto fi = storefs::stat(c.path);
        if (!fi) {
            c.problem = "missing";
        } else if (fi->size != l->size) {
            c.problem = "size " + std::to_string(fi->size) + " != " + std::to_string(l->size);
        } else {
            bool cancelled = false;
            auto hex = sha256File(c.path, [&](uint64_t done, uint64_t) {
                if (progress && !progress(before + done, total)) cancelled = true;
                return !cancelled;
            });
            if (cancelled) return makeError("verification cancelled");
            if (!hex)
                c.problem = hex.error();
            else if (!storefs::iequals(*hex, l->digest.substr(7)))
                c.problem = "sha256 mismatch (file hashes to " + *hex + ")";
            else
                c.ok = true;
        }
        before += l->size;
        report.blobs.push_back(std::move(c));
    }
    if (progress) progress(total, total);
    return report;
}

Status ModelStore::checkWritable() const {
    const std::string probe =
        storefs::stat(root_) ? root_ : root_.substr(0, root_.find_last_of('/'));
    if (!probe.empty() && storefs::stat(probe) && ::access(probe.c_str(), W_OK) != 0)
        return makeError("the model store " + root_ + " is read-only (" + std::strerror(errno) +
                         ")");
    return {};
}

Result<RemoveReport> ModelStore::remove(std::string_view nameArg) {
    auto name = ModelName::parse(nameArg);
    if (!name) return std::move(name).takeError();
    auto mf = findManifest(*name);
    if (!mf) {
        for (const StoreEntry& e : linkedEntries(false))
            if (storefs::iequals(e.displayName, std::string(nameArg)))
                return makeError(e.displayName + " is a file in the linked folder " +
                                 e.linkedFolder + "; Hearth does not delete linked files");
        return makeError("model '" + std::string(nameArg) + "' not found in " + root_);
    }
    if (auto st = checkWritable(); !st) return std::move(st).takeError();
    RemoveReport report;
    report.manifestPath = mf->path;
    std::vector<std::string> digests;
    if (auto m = readManifest(mf->path))
        digests = m->digests();
    else
        report.warnings.push_back("unreadable manifest removed without collecting blobs: " +
                                  m.error());

    // 1. The manifest goes first: a crash after this leaves only unreferenced blobs.
    if (::unlink(mf->path.c_str()) != 0) {
        const int e = errno;
        if (e == EACCES || e == EPERM || e == EROFS)
            return makeError("the model store " + root_ + " is read-only: cannot remove " +
                             mf->path + " (" + std::strerror(e) + ")");
        return makeError("cannot remove " + mf->path + ": " + std::strerror(e));
    }
    // 2. Prune now-empty directories up to manifests/.
    const std::string stop = join(root_, "manifests");
    std::string dir = mf->path.substr(0, mf->path.find_last_of('/'));
    while (dir.size() > stop.size() && storefs::listDir(dir).empty() && ::rmdir(dir.c_str()) == 0)
        dir = dir.substr(0, dir.find_last_of('/'));
    syncDirectory(dir);

    // 3. Blobs still referenced by any remaining manifest stay. If a manifest cannot be read we
    //    cannot know what it uses, so nothing is collected (safer than Ollama, which skips it).
    std::set<std::string> used;
    bool complete = true;
    for (const ManifestFile& other : manifestFiles()) {
        auto m = readManifest(other.path);
        if (!m) {
            complete = false;
            report.warnings.push_back("kept blobs because a manifest is unreadable: " + m.error());
            continue;
        }
        for (const std::string& d : m->digests()) used.insert(blobFileName(d));
    }
    std::set<std::string> seen;
    for (const std::string& d : digests) {
        if (!seen.insert(blobFileName(d)).second) continue;
        if (!complete || used.count(blobFileName(d))) {
            report.keptBlobs.push_back(d);
            continue;
        }
        const std::string path = blobPath(d);
        if (::unlink(path.c_str()) == 0 || errno == ENOENT)
            report.removedBlobs.push_back(d);
        else
            report.warnings.push_back("cannot remove " + path + ": " + std::strerror(errno));
    }
    syncDirectory(join(root_, "blobs"));
    return report;
}

} // namespace hearth
