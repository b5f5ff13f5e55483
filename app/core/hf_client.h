#pragma once
// Hugging Face Hub API: GGUF repository search (/api/models), a repository's files with sizes and
// LFS sha256 (/api/models/<repo>/tree/main), and GGUF file naming (quant labels, split shards,
// side files). Errors are turned into sentences a user can act on (gated, not found, token).
#include "app/core/download_http.h"
#include "app/core/download_settings.h"

#include <QString>
#include <QVector>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace hearth {

struct HfRepo {
    QString id;
    qint64 downloads = 0;
    qint64 likes = 0;
    QString lastModified;
    bool gated = false;
    QString architecture; // from the gguf field, when present
    qint64 parameters = 0;
};

struct HfFile {
    QString path;
    qint64 size = 0;
    QString sha256;                     // lfs.oid; empty for files kept in git
    QString quant;                      // "Q4_K_M", empty when the name has none
    int splitIndex = 0, splitCount = 0; // 1-based shard number, 0 when not split
    bool isModel = false;               // a .gguf that is not a projector, imatrix or draft helper
};

// "Llama-3.2-1B-Instruct-Q4_K_M.gguf" -> "Q4_K_M" (last known quant name in the file name).
QString ggufQuantLabel(const QString& fileName);
// "-00001-of-00003.gguf" -> {1, 3}; nullopt when not a shard.
std::optional<std::pair<int, int>> ggufSplit(const QString& fileName);
bool ggufIsModelFile(const QString& path);
// Parses a tree listing (JSON array) into files; directories are skipped.
QVector<HfFile> parseHfTree(const QByteArray& json);
// The file for a tag: an exact path, a quant label (case-insensitive), or with an empty tag
// Q4_K_M, then Q8_0, then the first model file (llama.cpp's choice).
std::optional<HfFile> pickHfFile(const QVector<HfFile>& files, const QString& tag);
// A user-facing sentence for an HF error answer (401 RepoNotFound/GatedRepo, 404 EntryNotFound...).
QString describeHfError(const HttpResponse& r, const QString& repo);

class HfClient {
public:
    HfClient(QNetworkAccessManager* nam, DownloadSettings settings)
        : nam_(nam), settings_(std::move(settings)) {}

    enum class Sort { Downloads, Likes, Recent };
    using SearchDone = std::function<void(QVector<HfRepo> repos, QString error)>;
    using FilesDone = std::function<void(QVector<HfFile> files, QString error)>;

    void search(const QString& query, Sort sort, int limit, QObject* context,
                const SearchDone& done);
    // All files (pages followed through the Link header).
    void listFiles(const QString& repo, QObject* context, const FilesDone& done);

    QUrl resolveUrl(const QString& repo, const QString& path) const;

private:
    void fetchTreePage(const QUrl& url, const QString& repo, QVector<HfFile> soFar,
                       QObject* context, const FilesDone& done);
    QNetworkAccessManager* nam_;
    DownloadSettings settings_;
};

} // namespace hearth
