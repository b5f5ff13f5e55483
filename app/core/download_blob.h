#pragma once
// BlobDownload: one content-addressed blob into the store. Bytes go to
// <root>/.hearth-partial/sha256-<hex>.partial (outside blobs/, which Ollama cleans at start-up),
// hashed as they arrive; a sidecar JSON remembers digest, size and source so a later run resumes
// from the partial file with a Range request. Only a complete file whose SHA-256 matches is
// renamed into blobs/. Redirects are followed by hand (credentials never cross hosts), a 200
// answer to a Range restarts from zero, a wrong Content-Range is refused, stalls and dropped
// connections are retried from the current offset with backoff.
#include "app/core/download_settings.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;

namespace hearth {

class BandwidthLimiter;

struct BlobSource {
    QString digest; // "sha256:<hex>"
    qint64 size = 0;
    QUrl url; // the registry/resolve URL; redirects are looked up again on every attempt
    QByteArray authorization; // registry token, sent to url's host only
};

class BlobDownload : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Done, Failed, Cancelled };

    BlobDownload(QNetworkAccessManager* nam, const DownloadSettings& settings, QString storeRoot,
                 BlobSource source, BandwidthLimiter* limiter, QObject* parent = nullptr);
    ~BlobDownload() override;

    static QString partialDir(const QString& storeRoot);
    static QString partialPath(const QString& storeRoot, const QString& digest);
    // Bytes already on disk for this blob (0 if none or the sidecar does not match).
    static qint64 partialBytes(const QString& storeRoot, const BlobSource& source);

    void start();  // also resumes after pause() or in a new process
    void pause();  // keeps the partial file
    void cancel(); // removes the partial file

    State state() const { return state_; }
    qint64 received() const { return received_; }
    qint64 size() const { return source_.size; }
    const QString& digest() const { return source_.digest; }
    const QString& error() const { return error_; }
    int retries() const { return retriesUsed_; }

signals:
    void progressed();
    void finished(); // Done, Failed or Cancelled

private:
    void request(const QUrl& url, int hop);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void onStallCheck();
    void drain();
    bool openPartial();
    void restartFromZero();
    void complete();
    void fail(const QString& message);
    void retryLater(const QString& why, bool counts, int delayMs = -1);
    void dropReply();
    void writeSidecar();
    void removePartial();

    QNetworkAccessManager* nam_;
    DownloadSettings settings_;
    QString root_;
    BlobSource source_;
    QPointer<BandwidthLimiter> limiter_;
    State state_ = State::Idle;
    QString error_;

    QFile file_;
    QCryptographicHash hash_{QCryptographicHash::Sha256};
    qint64 received_ = 0;
    QPointer<QNetworkReply> reply_; // QPointer: the network manager may go first
    bool accepted_ = false;         // the current reply's body is ours to write
    qint64 attemptBytes_ = 0;       // bytes this attempt brought
    int attempts_ = 0;              // counted failures since bytes last arrived
    int retriesUsed_ = 0;
    int hop_ = 0;
    QElapsedTimer lastByte_;
    QTimer stallTimer_;
    QTimer retryTimer_;
};

// A shared token bucket: all downloads together stay under settings.bandwidthLimit.
class BandwidthLimiter : public QObject {
    Q_OBJECT
public:
    explicit BandwidthLimiter(qint64 bytesPerSecond, QObject* parent = nullptr);
    qint64 limit() const { return limit_; }
    qint64 take(qint64 wanted); // bytes allowed now (all of them when unlimited)
signals:
    void refilled();

private:
    qint64 limit_;
    qint64 budget_ = 0;
    QTimer tick_;
};

} // namespace hearth
