// ModelStore::importGguf: a loose .gguf becomes a store model Ollama can also run: the file
// becomes a content-addressed blob (hard link when possible, else a copy), a config blob
// describes it, and a manifest names it. The first part of a split GGUF
// ("-00001-of-00003.gguf") imports the whole model: its parts are merged into one file inside the
// store, which becomes the blob.
#include "engine/gguf/gguf_file.h"

#include "engine/core/page_cache.h"
#include "engine/gguf/gguf_merge.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/atomic_file.h"
#include "engine/store/model_store.h"
#include "engine/store/store_fs.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <vector>

namespace hearth {
namespace {

using storefs::join;

// "My Model-Q4_K_M.gguf" -> "My-Model-Q4_K_M": only characters Ollama allows in a model part.
std::string modelNameFromFile(const std::string& path) {
    std::string stem = path.substr(path.find_last_of('/') + 1);
    if (storefs::endsWithNoCase(stem, ".gguf")) stem.resize(stem.size() - 5);
    std::string out;
    for (char c : stem) {
        const bool ok =
            std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        out += ok ? c : '-';
    }
    while (!out.empty() && !(std::isalnum(static_cast<unsigned char>(out[0])) || out[0] == '_'))
        out.erase(out.begin());
    if (out.size() > 80) out.resize(80);
    return out.empty() ? "model" : out;
}

// Copies src into a new temp file in dir; returns the temp path.
Result<std::string> copyToTemp(const std::string& src, const std::string& dir, uint64_t total,
                               const ProgressFn& progress) {
    std::string tmp = join(dir, ".import.tmp-XXXXXX");
    const int out = ::mkstemp(tmp.data());
    if (out < 0) return makeError("cannot write in " + dir + ": " + std::strerror(errno));
    const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        const int e = errno;
        ::close(out);
        ::unlink(tmp.c_str());
        return makeError("cannot open " + src + ": " + std::strerror(e));
    }
    std::vector<char> buf(4 << 20);
    uint64_t done = 0;
    std::string error;
    while (error.empty()) {
        const ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = "cannot read " + src + ": " + std::strerror(errno);
            break;
        }
        if (n == 0) break;
        for (ssize_t w = 0; w < n && error.empty();) {
            const ssize_t k = ::write(out, buf.data() + w, static_cast<size_t>(n - w));
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0)
                error = "cannot write " + tmp + ": " + std::strerror(errno);
            else
                w += k;
        }
        done += static_cast<uint64_t>(n);
        if (error.empty() && progress && !progress(done, total)) error = "import cancelled";
    }
    ::close(in);
    if (error.empty() && ::fsync(out) != 0)
        error = "cannot sync " + tmp + ": " + std::strerror(errno);
    if (error.empty()) (void)dropFromPageCache(out); // the copy is read back in large folios
    ::fchmod(out, 0644);
    ::close(out);
    if (!error.empty()) {
        ::unlink(tmp.c_str());
        return makeError(error);
    }
    return tmp;
}

std::string fileNameOf(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
}

// A temp folder in the store (same filesystem as the blobs, so the merged file can be
// hard-linked), removed with whatever is left in it.
struct TempFolder {
    std::string path;
    TempFolder() = default;
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    ~TempFolder() {
        if (path.empty()) return;
        for (const std::string& name : storefs::listDir(path)) ::unlink(join(path, name).c_str());
        ::rmdir(path.c_str());
    }
};

} // namespace

Result<std::string> ModelStore::putBlob(std::string_view bytes) {
    const std::string digest = "sha256:" + sha256Hex(bytes);
    const std::string path = blobPath(digest);
    if (auto fi = storefs::stat(path); fi && fi->size == bytes.size()) return digest;
    if (auto st = writeFileAtomic(path, bytes); !st) return std::move(st).takeError();
    return digest;
}

Result<ModelName> ModelStore::importGguf(const std::string& file, const ImportOptions& options,
                                         const ProgressFn& progress) {
    // The file must be a GGUF we can read; its summary fills the config blob.
    auto gguf = GgufFile::open(file);
    if (!gguf) return makeError("cannot import " + file + ": " + gguf.error());
    const int64_t splitCount = (*gguf)->getInt(kSplitCountKey).value_or(1);
    if (splitCount > 1) {
        const int64_t splitNo = (*gguf)->getInt(kSplitNoKey).value_or(0);
        gguf.value().reset();
        return importSplit(file, splitNo, splitCount, options, progress);
    }
    const ModelSummary summary = summarizeModel(**gguf);
    const uint64_t fileSize = (*gguf)->fileSize();
    gguf.value().reset();

    auto name = ModelName::parse(options.name ? *options.name : modelNameFromFile(file));
    if (!name) return std::move(name).takeError();
    if (auto st = checkWritable(); !st) return std::move(st).takeError();
    const std::string blobs = join(root_, "blobs");
    if (auto st = makeDirectories(blobs); !st) return makeError("model store: " + st.error());
    if (::access(blobs.c_str(), W_OK) != 0)
        return makeError("the model store " + root_ + " is read-only (" + std::strerror(errno) +
                         ")");

    // Hash (first half of the progress), then link or copy (second half).
    auto half = [&](uint64_t offset) -> ProgressFn {
        if (!progress) return {};
        return [&progress, offset, fileSize](uint64_t done, uint64_t) {
            return progress(offset + done, 2 * fileSize);
        };
    };
    auto hex = sha256File(file, half(0));
    if (!hex) return std::move(hex).takeError();
    const std::string digest = "sha256:" + *hex;
    const std::string blob = blobPath(digest);
    if (auto fi = storefs::stat(blob); fi && fi->size == fileSize) {
        ::utime(blob.c_str(), nullptr); // like Ollama: an existing layer is reused, mtime bumped
    } else {
        std::string tmp = join(blobs, ".import.tmp-XXXXXX");
        bool linked = false;
        if (options.allowHardLink) {
            // mkstemp reserves a unique name; link() needs it free, so drop it first.
            const int fd = ::mkstemp(tmp.data());
            if (fd >= 0) {
                ::close(fd);
                ::unlink(tmp.c_str());
                linked = ::link(file.c_str(), tmp.c_str()) == 0;
            }
        }
        if (!linked) {
            auto copied = copyToTemp(file, blobs, fileSize, half(fileSize));
            if (!copied) return std::move(copied).takeError();
            tmp = *copied;
        }
        if (::rename(tmp.c_str(), blob.c_str()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return makeError("cannot move the blob into " + blobs + ": " + std::strerror(e));
        }
        syncDirectory(blobs);
        if (linked) (void)dropFromPageCache(blob); // read back in large folios (page_cache.h)
    }
    if (progress) progress(2 * fileSize, 2 * fileSize);

    Manifest m;
    ManifestLayer model;
    model.mediaType = std::string(media::kModel);
    model.digest = digest;
    model.size = fileSize;
    m.layers.push_back(model);
    auto addText = [&](std::string_view type, const std::optional<std::string>& text) -> Status {
        if (!text) return {};
        auto d = putBlob(*text);
        if (!d) return std::move(d).takeError();
        ManifestLayer l;
        l.mediaType = std::string(type);
        l.digest = *d;
        l.size = text->size();
        m.layers.push_back(l);
        return {};
    };
    if (auto st = addText(media::kTemplate, options.templateText); !st)
        return std::move(st).takeError();
    if (auto st = addText(media::kSystem, options.systemText); !st)
        return std::move(st).takeError();
    if (auto st = addText(media::kParams, options.paramsJson); !st)
        return std::move(st).takeError();
    if (auto st = addText(media::kLicense, options.license); !st) return std::move(st).takeError();

    const std::string configText = ollamaConfigJson(summary, m.layers);
    auto configDigest = putBlob(configText);
    if (!configDigest) return std::move(configDigest).takeError();
    m.config.mediaType = std::string(media::kConfig);
    m.config.digest = *configDigest;
    m.config.size = configText.size();

    // The manifest last: it only ever points at blobs that are already in place.
    const std::string path = manifestPath(*name);
    if (auto st = makeDirectories(path.substr(0, path.find_last_of('/'))); !st)
        return makeError("model store: " + st.error());
    if (auto st = writeFileAtomic(path, m.serialize()); !st) return std::move(st).takeError();
    return *name;
}

Result<ModelName> ModelStore::importSplit(const std::string& first, int64_t splitNo,
                                          int64_t splitCount, const ImportOptions& options,
                                          const ProgressFn& progress) {
    // Everything that can be checked before writing: the parts, the name, the store.
    auto parts = ggufSplitPartPaths(first, splitNo, splitCount, "import");
    if (!parts) return makeError("cannot import " + first + ": " + parts.error());
    const std::string prefix = parseGgufSplitName(first)->prefix;
    auto name = ModelName::parse(options.name ? *options.name : modelNameFromFile(prefix));
    if (!name) return std::move(name).takeError();
    if (auto st = checkWritable(); !st) return std::move(st).takeError();
    if (auto st = makeDirectories(root_); !st) return makeError("model store: " + st.error());

    // Progress: the merge (reported only at its start and end) weighs as much as the
    // hash and link-or-copy of the merged file together.
    uint64_t partsSize = 0;
    for (const std::string& p : *parts)
        if (auto fi = storefs::stat(p)) partsSize += fi->size;
    const uint64_t half = std::max<uint64_t>(partsSize, 1);
    if (progress && !progress(0, 2 * half)) return makeError("import cancelled");

    TempFolder temp;
    std::string dir = join(root_, ".merge-XXXXXX");
    if (!::mkdtemp(dir.data()))
        return makeError("cannot write in " + root_ + ": " + std::strerror(errno));
    temp.path = dir;
    // Named after the parts' prefix so a message about it still says which model it is.
    const std::string merged = join(dir, fileNameOf(prefix) + ".gguf");
    if (auto st = mergeGgufParts(*parts, merged); !st)
        return makeError("cannot import " + first + ": " + st.error());

    ImportOptions mergedOptions = options;
    mergedOptions.name = name->full();
    mergedOptions.allowHardLink = true; // the merged file is ours: the blob takes it over
    ProgressFn rest;
    if (progress)
        rest = [&progress, half](uint64_t done, uint64_t of) {
            const double part = of ? std::min(1.0, double(done) / double(of)) : 1.0;
            return progress(half + static_cast<uint64_t>(part * double(half)), 2 * half);
        };
    if (progress && !progress(half, 2 * half)) return makeError("import cancelled");
    return importGguf(merged, mergedOptions, rest);
}

} // namespace hearth
