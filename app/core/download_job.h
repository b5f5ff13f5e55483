#pragma once
// DownloadJob: one model into the store, from an Ollama-style registry ("llama3.2:1b",
// "hf.co/user/repo:Q4_K_M") or a Hugging Face file ("hf:user/repo:Q4_K_M",
// "hf:user/repo/file.gguf"). It resolves the manifest (or builds one for an HF file), checks
// free space, downloads missing blobs in parallel (BlobDownload), and writes the manifest only
// once every blob is complete and verified. A split HF model (gguf-split parts) is downloaded part
// by part and merged into one model blob; the parts are then removed. Progress: bytes, speed, ETA.
#include "app/core/download_blob.h"
#include "app/core/download_settings.h"
#include "app/core/hf_client.h"
#include "engine/store/manifest.h"
#include "engine/store/model_name.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVector>

#include <atomic>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace hearth {

class DownloadJob : public QObject {
    Q_OBJECT
public:
    enum class State { Queued, Resolving, Downloading, Paused, Finishing, Done, Failed, Cancelled };

    DownloadJob(QNetworkAccessManager* nam, DownloadSettings settings, QString storeRoot,
                QString spec, BandwidthLimiter* limiter, QObject* parent = nullptr);
    ~DownloadJob() override;

    void start();
    void pause();
    void resume();
    void cancel();

    const QString& spec() const { return spec_; }
    QString modelName() const { return modelName_; } // store display name once known
    State state() const { return state_; }
    QString stateName() const;
    bool finishedState() const {
        return state_ == State::Done || state_ == State::Failed || state_ == State::Cancelled;
    }
    const QString& error() const { return error_; }
    qint64 bytesDone() const;
    qint64 bytesTotal() const { return total_; }
    double bytesPerSecond() const { return speed_; }
    qint64 etaSeconds() const; // -1 when unknown
    int blobCount() const { return int(sources_.size()); }

signals:
    void changed();
    void finished(); // Done, Failed or Cancelled

private:
    void resolveOllama(const ModelName& name);
    void resolveHf(const QString& repo, const QString& tag);
    void begin(); // sources_ known
    void startMore();
    void onBlobFinished(BlobDownload* blob);
    void writeOllamaManifest();
    void writeHfManifest();
    void startMerge(); // split HF models: parts -> one blob (worker thread), then the manifest
    void succeed();
    void fail(const QString& message);
    void sample();

    QNetworkAccessManager* nam_;
    DownloadSettings settings_;
    QString root_;
    QString spec_;
    QPointer<BandwidthLimiter> limiter_;
    HfClient hf_;
    State state_ = State::Queued;
    QString error_;
    QString modelName_;

    std::optional<ModelName> name_;
    QByteArray manifestBytes_; // registry pulls: written verbatim
    QString hfRepo_, hfTag_;   // HF file pulls: the manifest is built afterwards
    QVector<BlobSource> sources_;
    bool splitParts_ = false; // sources_ are the parts of one split GGUF, merged when done
    // Set on cancel or destruction: a merge still running removes its output.
    std::shared_ptr<std::atomic<bool>> abandoned_ = std::make_shared<std::atomic<bool>>(false);
    QVector<BlobDownload*> blobs_;
    qint64 total_ = 0;
    qint64 cached_ = 0; // bytes already in blobs/

    QTimer sampler_;
    QElapsedTimer clock_;
    qint64 lastBytes_ = 0;
    qint64 lastMs_ = 0;
    double speed_ = 0;
};

} // namespace hearth
