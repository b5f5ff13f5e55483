// Linked folders: directories of loose .gguf files (LM Studio, GPT4All, a Hugging Face cache)
// listed where they are, never copied. Symlinked files are followed (the HF cache's snapshots
// are symlinks into its blobs); symlinked directories are not, so loops cannot happen.
#include "engine/gguf/gguf_file.h"
#include "engine/store/model_store.h"
#include "engine/store/store_fs.h"

#include <regex>
#include <sys/stat.h>

namespace hearth {
namespace {

constexpr int kMaxDepth = 8;

// Shards after the first of a split model ("-00002-of-00003.gguf") are part of the first one.
bool isLaterShard(const std::string& name) {
    static const std::regex shard(R"(-(\d{5})-of-(\d{5})\.gguf$)", std::regex::icase);
    std::smatch m;
    return std::regex_search(name, m, shard) && m[1].str() != "00001";
}

void walk(const std::string& dir, const std::string& folder, int depth, bool withSummaries,
          std::vector<StoreEntry>& out) {
    if (depth > kMaxDepth) return;
    for (const std::string& name : storefs::listDir(dir)) {
        if (name.empty() || name[0] == '.') continue;
        const std::string path = storefs::join(dir, name);
        struct ::stat lst {};
        if (::lstat(path.c_str(), &lst) != 0) continue;
        if (S_ISDIR(lst.st_mode)) {
            walk(path, folder, depth + 1, withSummaries, out);
            continue;
        }
        if (!storefs::endsWithNoCase(name, ".gguf") || isLaterShard(name)) continue;
        // Vision projectors sit beside their model; they are not models on their own.
        if (storefs::iequals(name.substr(0, 6), "mmproj")) continue;
        auto fi = storefs::stat(path); // follows a symlinked file
        if (!fi || !fi->isFile) continue;
        StoreEntry e;
        e.displayName = name.substr(0, name.size() - 5);
        e.modelPath = path;
        e.size = fi->size;
        e.modifiedTime = fi->mtime;
        e.linked = true;
        e.linkedFolder = folder;
        if (withSummaries) {
            auto g = GgufFile::open(path);
            if (g)
                e.summary = summarizeModel(**g);
            else
                e.problems.push_back(g.error());
        }
        out.push_back(std::move(e));
    }
}

} // namespace

std::vector<StoreEntry> ModelStore::linkedEntries(bool withSummaries) const {
    std::vector<StoreEntry> out;
    for (const std::string& folder : linkedFolders_) {
        auto fi = storefs::stat(folder);
        if (!fi || !fi->isDir) {
            StoreEntry e;
            e.displayName = folder;
            e.linked = true;
            e.linkedFolder = folder;
            e.problems.push_back("linked folder " + folder + " is not a readable directory");
            out.push_back(std::move(e));
            continue;
        }
        walk(folder, folder, 0, withSummaries, out);
    }
    return out;
}

} // namespace hearth
