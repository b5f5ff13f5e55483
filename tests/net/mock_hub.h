#pragma once
// MockHub: a loopback imitation of registry.ollama.ai, huggingface.co and their CDN, following
// shared/docs/protocols.md section 6: the API on 127.0.0.1, the CDN on "localhost" (another
// host name, so credentials crossing hosts are visible), 307/302 redirects to presigned-looking
// CDN URLs, Range/206, the real 404/401 JSON error shapes, and switchable faults.
#include "net/mock_http_server.h"

#include <QByteArray>
#include <QFile>
#include <QMap>
#include <QSet>
#include <QString>
#include <QUrl>

#include <memory>

struct MockHfRepo {
    QString id;
    QVector<QPair<QString, QByteArray>> files; // path -> bytes
    bool gated = false;
    qint64 downloads = 0, likes = 0;
    QString lastModified;
};

class MockHub {
public:
    MockHub();
    bool listen(); // both servers on ephemeral ports

    QUrl apiUrl() const; // http://127.0.0.1:P1
    QUrl cdnUrl() const; // http://localhost:P2

    // Fixtures.
    QString addBlob(const QByteArray& bytes); // returns "sha256:<hex>"
    // A large blob served straight from a memory-mapped file (throughput runs); "" on failure.
    QString addFileBlob(const QString& path);
    // A model "ns/model:tag" whose layers are (mediaType, bytes); the config is generated.
    QByteArray addModel(const QString& nameSpace, const QString& model, const QString& tag,
                        const QVector<QPair<QString, QByteArray>>& layers);
    void addRepo(const MockHfRepo& repo) { repos_.insert(repo.id, repo); }
    // A manifest served as given (garbage, unsupported layers...).
    void addRawManifest(const QString& repo, const QString& tag, const QByteArray& bytes) {
        models_.insert(repo);
        manifests_.insert(repo + QLatin1Char(':') + tag, bytes);
    }

    // Faults (sticky until changed, unless "Once").
    int dropOnceAfter = -1; // CDN: next blob body cut after this many bytes
    QString corruptHex;     // CDN: flip a byte in the middle of this blob
    qint64 cdnBytesPerSecond = 0;
    bool ignoreRangeOnce = false;    // CDN: next ranged request answered 200 with the full body
    bool rangeSupported = true;      // CDN: false = Range ignored, no Accept-Ranges (sticky)
    qint64 dropRangeStart = -1;      // CDN: the next request whose range starts here...
    qint64 dropRangeAfter = -1;      // ...is cut after this many body bytes
    bool stallOnce = false;          // CDN: next blob request sends headers then nothing
    int fail5xx = 0;                 // API: this many 503s first
    bool serveBlobsDirectly = false; // registry answers 200 with the bytes instead of 307
    bool cdnForbiddenOnce = false;   // CDN: next request 403 (an expired presigned link)
    bool redirectLoop = false;       // API: every request redirects to itself
    bool rateLimitOnce = false;      // API: next request 429 with HF's RateLimit header

    MockHttpServer api;
    MockHttpServer cdn;

private:
    void handleApi(const MockRequest& r, MockResponse& out);
    void handleCdn(const MockRequest& r, MockResponse& out);
    void serveBlob(const MockRequest& r, MockResponse& out, const QString& hex);
    void handleRegistry(const QStringList& parts, const MockRequest& r, MockResponse& out);
    void handleHf(const MockRequest& r, MockResponse& out);
    // An HF repository whose files for this tag are gguf-split parts (the registry answers 400).
    bool isShardedTag(const QString& repo, const QString& tag) const;

    QMap<QString, QByteArray> blobs_;        // hex -> bytes
    QVector<std::shared_ptr<QFile>> mapped_; // files whose mappings back blobs_ entries
    QMap<QString, QByteArray> manifests_;    // "ns/model:tag" -> bytes
    QSet<QString> models_;                   // "ns/model"
    QMap<QString, MockHfRepo> repos_;
};
