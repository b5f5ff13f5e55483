#pragma once
// RemoteGgufHeader: the metadata and tensor table of a GGUF on a web server, read with HTTP Range
// requests (2 MiB first, then doubling while the header is longer), so that sizing a model of
// many gigabytes costs a few megabytes. Hugging Face references are resolved first: a file URL
// (resolve/ or blob/), "hf.co/user/repo:QUANT" or "hf:user/repo[:QUANT]" through the repository's
// file list. huggingface.co URLs follow HF_ENDPOINT; plain http is allowed on loopback only.
// Transient failures (network, 5xx, 408, 429) and connections dropped inside a range are
// retried a few times with backoff, continuing from the last byte that arrived.
// A first part of a split model ("x-00001-of-00003.gguf", split.count > 1) is followed by the
// other parts' headers, named the gguf-split way beside it, so the result describes the whole
// model; a part that cannot be read fails the read.
#include "app/core/download_settings.h"
#include "engine/gguf/gguf_file.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace hearth {

class HfClient;

// A parsed remote header. `bytes` holds the prefix of the file that was read; `gguf` views into
// it (tensor data pointers are null), so the two live and die together.
struct RemoteGguf {
    QString spec;         // what the user gave
    QUrl url;             // the file's URL before redirects
    QString displayName;  // "user/repo/file.gguf", or the URL's file name
    qint64 fileSize = -1; // the whole file, from Content-Range / Content-Length; -1 unknown
    qint64 bytesRead = 0; // body bytes received over all requests (what the header cost)
    int requests = 0;     // ranged GETs made for the header (redirect hops not counted)
    QByteArray bytes;     // the prefix the header was parsed from
    std::unique_ptr<GgufFile> gguf;
    // A split model: parts 2..N, each read like this one; empty for a single file.
    std::vector<std::unique_ptr<RemoteGguf>> laterParts;

    // Every part's header in split.no order (just `gguf` for a single file).
    std::vector<const GgufFile*> headers() const;
    // Over all parts: -1 when a size is unknown.
    qint64 totalFileSize() const;
    qint64 totalBytesRead() const;
    int totalRequests() const;
};

struct RemoteHeaderLimits {
    qint64 firstRangeBytes = 2 << 20; // the first request; each next one doubles what is held
    qint64 maxHeaderBytes = 64 << 20; // give up (and stop any stream) beyond this
};

// True for an http(s) URL or a Hugging Face shorthand (hf.co/..., huggingface.co/..., hf:...).
bool looksLikeRemoteGguf(const QString& spec);

class RemoteGgufHeader : public QObject {
    Q_OBJECT
public:
    RemoteGgufHeader(QNetworkAccessManager* nam, DownloadSettings settings,
                     RemoteHeaderLimits limits = {}, QObject* parent = nullptr);
    ~RemoteGgufHeader() override;

    // Starts resolving and reading; finished() follows exactly once (also on errors).
    void start(const QString& spec);
    void cancel();

    bool done() const { return done_; }
    const QString& error() const { return error_; } // empty on success
    // The result after a successful finish; ownership moves to the caller.
    std::unique_ptr<RemoteGguf> take() { return std::move(result_); }
    const RemoteGguf* result() const { return result_.get(); }

signals:
    void finished();

private:
    void resolveHf(const QString& repo, const QString& tag);
    void readNextPart(); // a split model: the next part's header, or done
    void onPartFinished();
    void fetchRange(const QUrl& url, qint64 start, qint64 end, int hops);
    void onHeaders();
    void onData();
    void onReplyFinished();
    void afterChunk(bool streamEnded);
    bool tryParse(QString* parseError);
    void fail(const QString& message);
    void succeed();
    void dropReply();

    QNetworkAccessManager* nam_;
    DownloadSettings settings_;
    RemoteHeaderLimits limits_;
    std::unique_ptr<RemoteGguf> result_;
    std::unique_ptr<HfClient> hf_; // resolving hf.co/owner/repo:QUANT through the file list
    QPointer<QNetworkReply> reply_;
    QTimer stall_;
    QString hfRepo_; // for error sentences
    qint64 rangeStart_ = 0, rangeEnd_ = 0;
    qint64 servedEnd_ = -1;  // the last byte of the current 206 answer, from Content-Range
    qint64 nextParseAt_ = 0; // streaming (Range ignored): the next size worth a parse attempt
    bool streaming_ = false; // the server answered 200 with the whole file
    bool headersSeen_ = false;
    int status_ = 0;
    int retries_ = 0; // transient failures retried so far
    QByteArray errorBody_;
    bool done_ = false;
    QString error_;
    bool followSplit_ = true;          // false for a reader of one part of a split model
    RemoteGgufHeader* part_ = nullptr; // the part being read now (a child)
};

// Runs a RemoteGgufHeader to completion in a local event loop (for the command line).
struct RemoteFetchResult {
    std::unique_ptr<RemoteGguf> gguf;
    QString error;
};
RemoteFetchResult fetchRemoteGgufHeader(const QString& spec, const DownloadSettings& settings,
                                        const RemoteHeaderLimits& limits = {});

} // namespace hearth
