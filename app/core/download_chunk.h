#pragma once
// ChunkFetch: one connection fetching one byte range of a blob, [offset, end). It follows
// redirects by hand (credentials stay on the source host), checks that a 206 answer's
// Content-Range starts where it asked, and retries dropped, stalled or failing connections from
// the byte it has reached, with backoff. Bytes go to the owner's write hook; a server that
// ignores Range (200 with the whole body) is reported to the owner, who decides where the body
// goes (BlobDownload falls back to one stream from byte 0).
#include "app/core/download_settings.h"

#include <QElapsedTimer>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace hearth {

class BandwidthLimiter;
struct BlobSource;

class ChunkFetch : public QObject {
    Q_OBJECT
public:
    struct Hooks {
        // Where to start a request: the CDN URL once known, else the source URL.
        std::function<QUrl()> url;
        // A 2xx came from this URL after a redirect: later requests may start there.
        std::function<void(const QUrl&)> resolved;
        // The resolved URL was refused (an expired presigned link): start from the source again.
        std::function<void()> expired;
        // The server answered 200 (whole body) to a Range request. The owner must call rebase()
        // to take the body from byte 0, or the fetch stops.
        std::function<void(ChunkFetch*)> wholeBody;
        // The first answer with bytes for this range was accepted (206, or 200 from byte 0).
        std::function<void(ChunkFetch*)> accepted;
        // Stores bytes at an absolute offset; a non-empty string is a write error (fatal).
        std::function<QString(qint64 offset, const QByteArray& data)> write;
    };

    ChunkFetch(QNetworkAccessManager* nam, const DownloadSettings& settings,
               const BlobSource& source, BandwidthLimiter* limiter, Hooks hooks,
               QObject* parent = nullptr);
    ~ChunkFetch() override;

    // Fetch [offset, end) for chunk `index`. openEnded asks "bytes=offset-" (a single stream),
    // and sends no Range at all from byte 0.
    void start(int index, qint64 offset, qint64 end, bool openEnded);
    // Called from the wholeBody hook: the current reply now carries bytes [0, end).
    void rebase(int index, qint64 end);
    void stop(); // drops the connection; nothing more is reported

    bool busy() const { return busy_; }
    int index() const { return index_; }
    qint64 offset() const { return offset_; }
    qint64 end() const { return end_; }
    int retries() const { return retriesUsed_; }
    void drain(); // also called when the bandwidth limiter refills

signals:
    void finished(bool ok, const QString& error); // the range is complete, or failed for good

private:
    void request(const QUrl& url, int hop);
    void onMetaData();
    void onFinished();
    void onStallCheck();
    void retryLater(const QString& why, bool counts, int delayMs = -1);
    void done(bool ok, const QString& error);
    void dropReply();

    QNetworkAccessManager* nam_;
    const DownloadSettings& settings_;
    const BlobSource& source_;
    QPointer<BandwidthLimiter> limiter_;
    Hooks hooks_;

    bool busy_ = false;
    int index_ = -1;
    qint64 offset_ = 0; // next byte to receive
    qint64 end_ = 0;
    bool openEnded_ = false;
    QPointer<QNetworkReply> reply_; // QPointer: the network manager may go first
    QUrl requestUrl_;
    bool accepted_ = false;   // the current reply's body is ours to write
    qint64 attemptBytes_ = 0; // bytes this attempt brought
    int attempts_ = 0;        // counted failures since bytes last arrived
    int retriesUsed_ = 0;
    int hop_ = 0;
    QElapsedTimer lastByte_;
    QTimer stallTimer_;
    QTimer retryTimer_;
};

} // namespace hearth
