#pragma once
// BlobDownload: one content-addressed blob into the store. Bytes go to
// <root>/.hearth-partial/sha256-<hex>.partial (outside blobs/, which Ollama cleans at start-up).
// A blob above settings.chunkThreshold is split into chunkSize pieces fetched by up to
// chunkConnections ChunkFetches at once, in order; otherwise one stream. A sidecar JSON
// remembers digest, size, source and each chunk's progress, so a later run resumes every chunk
// with a Range request. SHA-256 runs over the contiguous prefix as bytes arrive: bytes at the
// prefix are hashed from memory; a chunk that got ahead waits on disk and is read back once the
// prefix reaches it (at most 2 x connections chunks ahead, so it is still in the page cache).
// Only a complete file whose SHA-256 matches is renamed into blobs/. A server that ignores Range
// (200) gets one stream from byte 0; a wrong Content-Range is refused.
#include "app/core/download_chunk.h"
#include "app/core/download_settings.h"
#include "app/core/download_sha256.h"

#include <QElapsedTimer>
#include <QFile>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QVector>

class QNetworkAccessManager;

namespace hearth {

class BandwidthLimiter;

struct BlobSource {
    QString digest; // "sha256:<hex>"
    qint64 size = 0;
    QUrl url; // the registry/resolve URL; its redirect target is reused until refused
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
    qint64 received() const;
    qint64 size() const { return source_.size; }
    const QString& digest() const { return source_.digest; }
    const QString& error() const { return error_; }
    int retries() const;
    // Split into Range chunks over several connections (false: one stream).
    bool chunked() const { return chunks_.size() > 1; }
    int activeConnections() const;
    // Bytes hashed from the partial file rather than as they arrived: the chunks that finished
    // ahead of the hashed prefix, and the prefix re-hashed once when resuming in a new process.
    qint64 rereadBytes() const { return reread_; }

signals:
    void progressed();
    void finished(); // Done, Failed or Cancelled

private:
    struct Chunk {
        qint64 begin = 0, end = 0, received = 0; // received: contiguous bytes from begin
        bool complete() const { return begin + received == end; }
    };

    bool openPartial();
    void layOut(qint64 singleStreamBytes);
    void schedule();
    void scheduleSoon();
    ChunkFetch* newFetch();
    QString write(qint64 offset, const QByteArray& data);
    bool hashPrefix(); // hashes what is contiguous on disk past the hashed prefix
    void onWholeBody(ChunkFetch* fetch);
    void onFetchFinished(ChunkFetch* fetch, bool ok, const QString& error);
    void stopFetches();
    void complete();
    void fail(const QString& message, bool removeData = false);
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
    StreamingSha256 hash_;
    qint64 hashed_ = 0; // the hash covers [0, hashed_)
    qint64 reread_ = 0;
    QVector<Chunk> chunks_;
    qint64 chunkSize_ = 0;
    bool rangeConfirmed_ = false; // a 206 arrived: more than one connection may start
    QUrl resolvedUrl_;            // the CDN URL the source redirected to, while it works
    QVector<ChunkFetch*> fetches_;
    bool scheduled_ = false;
    bool noSpace_ = false; // the last write failed for lack of space
    QElapsedTimer sidecarClock_;
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
