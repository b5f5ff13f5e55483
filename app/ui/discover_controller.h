#pragma once
// DiscoverController: the Discover page's state. Hugging Face GGUF search, a repository's GGUF
// files (size, quant, split shards grouped and marked), the starter catalog from
// resources/catalog/models.json, and pulls into the store through the app's download queue. A
// repository's files carry a memory-fit verdict read from one remote GGUF header.
// Everything shown comes from the network, the catalog file or the store: no placeholder data.
#include "download_list_model.h"

#include <QObject>
#include <QPointer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace hearth {

class DownloadManager;
class HfClient;
class RemoteGgufHeader;

class DiscoverController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(QString sort READ sort WRITE setSort NOTIFY queryChanged) // downloads|likes|recent
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QVariantList results READ results NOTIFY resultsChanged)
    Q_PROPERTY(QString repo READ repo NOTIFY filesChanged)
    Q_PROPERTY(QVariantList files READ files NOTIFY filesChanged)
    Q_PROPERTY(QVariantList catalog READ catalog CONSTANT)
    Q_PROPERTY(QString catalogError READ catalogError CONSTANT)
    Q_PROPERTY(QString storePath READ storePath CONSTANT)
    Q_PROPERTY(hearth::DownloadListModel* downloads READ downloads CONSTANT)

public:
    explicit DiscoverController(QObject* parent = nullptr);
    ~DiscoverController() override;

    QString query() const { return query_; }
    void setQuery(const QString& q);
    QString sort() const { return sort_; }
    void setSort(const QString& s);
    bool busy() const { return busy_ > 0; }
    QString error() const { return error_; }
    QVariantList results() const { return results_; }
    QString repo() const { return repo_; }
    QVariantList files() const { return files_; }
    QVariantList catalog() const { return catalog_; }
    QString catalogError() const { return catalogError_; }
    QString storePath() const { return storePath_; }
    DownloadListModel* downloads() const { return downloads_; }

    Q_INVOKABLE void search();
    Q_INVOKABLE void openRepo(const QString& repoId);
    // An Ollama name ("llama3.2:1b") or an HF file ("hf:user/repo:Q4_K_M"). A model already
    // downloading (from here or the Chats page's starter offer) keeps its one job.
    Q_INVOKABLE void pull(const QString& spec);

signals:
    void queryChanged();
    void busyChanged();
    void errorChanged();
    void resultsChanged();
    void filesChanged();

private:
    void setError(const QString& e);
    void loadCatalog();
    void estimateRepoFits(const QString& repoId);
    void applySingleFileFits(RemoteGgufHeader* header, const QString& path);
    void applySplitFit(RemoteGgufHeader* header, const QString& path);

    QString query_, sort_ = QStringLiteral("downloads"), error_, repo_;
    QVariantList results_, files_, catalog_;
    QString catalogError_, storePath_;
    int busy_ = 0;
    std::shared_ptr<DownloadManager> manager_; // the store's queue, shared with Chats
    std::unique_ptr<HfClient> hf_;
    DownloadListModel* downloads_;
    QPointer<RemoteGgufHeader> header_; // the open repository's fit estimate, while it runs
    QList<QPointer<RemoteGgufHeader>> splitHeaders_; // its split rows' estimates, while they run
};

} // namespace hearth
