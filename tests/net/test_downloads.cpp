// Pulls against MockHub (loopback Ollama registry + Hugging Face + CDN): by Ollama name and by HF
// file, resume after a dropped connection and after a restart, digest mismatch, unknown names,
// disk full, split GGUFs (parts merged into one model), shared blobs on delete, pause/cancel, the
// CLI, and loopback throughput.
#include "app/core/download_manager.h"
#include "app/core/hf_client.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/model_store.h"
#include "engine/store/sha256.h"
#include "net/mock_hub.h"
#include "system/cached_pages.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <memory>
#include <sys/resource.h>
#include <unistd.h>

using namespace hearth;

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models");
const QString kTiny = kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-");
const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");
const QString kTemplate = QStringLiteral("application/vnd.ollama.image.template");
const QString kParams = QStringLiteral("application/vnd.ollama.image.params");
const QString kModel = QStringLiteral("application/vnd.ollama.image.model");
constexpr qint64 kMiB = 1 << 20;

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray pseudoRandom(int n, quint32 seed) {
    QByteArray b(n, 0);
    for (int i = 0; i < n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        b[i] = char(seed >> 24);
    }
    return b;
}

QString hexOf(const QByteArray& b) {
    return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex());
}

QStringList filesUnder(const QString& dir) {
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) out << it.next();
    return out;
}

struct PullResult {
    DownloadJob::State state;
    QString error;
    QString name;
};

} // namespace

class TestDownloads : public QObject {
    Q_OBJECT
    MockHub hub_;
    QByteArray q4_, f32_, f16_, template_, params_;
    QTemporaryDir splitDir_;
    QVector<QByteArray> splitParts_; // tiny Q4_K_M split in three
    const QString hfToken_ = QStringLiteral("hf_") + QString(34, QLatin1Char('a'));

    DownloadSettings settings() const {
        DownloadSettings s;
        s.registry = hub_.apiUrl();
        s.hfEndpoint = hub_.apiUrl();
        s.backoffBaseMs = 20;
        s.stallTimeoutMs = 15000; // tests that need a stall set their own
        s.maxRetries = 4;
        return s;
    }

    // Large-blob mode at test scale: 1 MiB chunks over 4 connections for anything over 1 MiB.
    DownloadSettings chunkedSettings() const {
        DownloadSettings s = settings();
        s.parallelBlobs = 1;
        s.chunkThreshold = kMiB;
        s.chunkSize = kMiB;
        s.chunkConnections = 4;
        return s;
    }

    // The CDN requests for one blob, in order.
    QVector<MockRequest> blobRequests(const QByteArray& bytes) const {
        const QByteArray hex = hexOf(bytes).toLatin1();
        const QByteArray path = "/blobs/sha256/" + hex.left(2) + "/" + hex + "/data";
        QVector<MockRequest> out;
        for (const MockRequest& r : hub_.cdn.log)
            if (r.path == path) out.push_back(r);
        return out;
    }

    PullResult pull(const QString& root, const QString& spec, const DownloadSettings& s) {
        DownloadManager manager(s, root);
        DownloadJob* job = manager.enqueue(spec);
        QSignalSpy done(job, &DownloadJob::finished);
        if (!job->finishedState()) done.wait(60000);
        return {job->state(), job->error(), job->modelName()};
    }

    void resetFaults() {
        hub_.dropOnceAfter = -1;
        hub_.corruptHex.clear();
        hub_.cdnBytesPerSecond = 0;
        hub_.ignoreRangeOnce = false;
        hub_.stallOnce = false;
        hub_.fail5xx = 0;
        hub_.serveBlobsDirectly = false;
        hub_.cdnForbiddenOnce = false;
        hub_.redirectLoop = false;
        hub_.rateLimitOnce = false;
        hub_.rangeSupported = true;
        hub_.dropRangeStart = hub_.dropRangeAfter = -1;
        hub_.cdn.maxStreaming = 0;
        hub_.api.log.clear();
        hub_.cdn.log.clear();
        hub_.cdn.bodyBytesSent = 0;
    }

private slots:
    void initTestCase() {
        q4_ = readAll(kTiny + QStringLiteral("Q4_K_M.gguf"));
        f32_ = readAll(kTiny + QStringLiteral("F32.gguf"));
        f16_ = readAll(kTiny + QStringLiteral("F16.gguf"));
        QVERIFY(q4_.size() > 500000 && f32_.size() > 5000000 && f16_.size() > 1000000);
        template_ = "{{ .System }}\n{{ .Prompt }}";
        params_ = "{\"stop\":[\"</s>\"],\"temperature\":0.7}";
        hub_.addModel(QStringLiteral("library"), QStringLiteral("tiny"), QStringLiteral("latest"),
                      {{kModel, q4_}, {kTemplate, template_}, {kParams, params_}});
        hub_.addModel(QStringLiteral("library"), QStringLiteral("tiny"), QStringLiteral("f32"),
                      {{kModel, f32_}, {kTemplate, template_}, {kParams, params_}});
        hub_.addModel(QStringLiteral("hearth-test"), QStringLiteral("tiny-GGUF"),
                      QStringLiteral("Q4_K_M"), {{kModel, q4_}});
        hub_.addModel(QStringLiteral("private"), QStringLiteral("secret"), QStringLiteral("latest"),
                      {{kModel, q4_}});
        hub_.addModel(QStringLiteral("private"), QStringLiteral("denied"), QStringLiteral("latest"),
                      {{kModel, q4_}});
        hub_.addRawManifest(QStringLiteral("library/garbage"), QStringLiteral("latest"),
                            "{\"schemaVersion\":2,\"layers\":[");
        hub_.addRawManifest(QStringLiteral("library/mlx"), QStringLiteral("latest"),
                            "{\"schemaVersion\":2,\"mediaType\":\"application/"
                            "vnd.docker.distribution.manifest.v2+json\","
                            "\"config\":{\"mediaType\":\"application/"
                            "vnd.docker.container.image.v1+json\",\"digest\":\"sha256:" +
                                QByteArray(64, 'a') +
                                "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/"
                                "vnd.ollama.image.tensor\",\"digest\":\"sha256:" +
                                QByteArray(64, 'b') + "\",\"size\":4}]}");
        MockHfRepo repo;
        repo.id = QStringLiteral("hearth-test/tiny-GGUF");
        repo.downloads = 500;
        repo.likes = 3;
        repo.lastModified = QStringLiteral("2026-01-02T00:00:00.000Z");
        repo.files = {
            {QStringLiteral(".gitattributes"), "*.gguf filter=lfs\n"},
            {QStringLiteral("README.md"), "# tiny\n"},
            {QStringLiteral("tiny-Q4_K_M.gguf"), q4_},
            {QStringLiteral("tiny-F16.gguf"), f16_},
            {QStringLiteral("mmproj-tiny-f16.gguf"), pseudoRandom(5000, 1)},
            {QStringLiteral("tiny.imatrix.gguf"), pseudoRandom(3000, 2)},
            {QStringLiteral("Q2_K/tiny-Q2_K-00001-of-00002.gguf"), pseudoRandom(4000, 3)},
            {QStringLiteral("Q2_K/tiny-Q2_K-00002-of-00002.gguf"), pseudoRandom(4000, 4)}};
        hub_.addRepo(repo);
        MockHfRepo gated;
        gated.id = QStringLiteral("hearth-test/gated-GGUF");
        gated.gated = true;
        gated.downloads = 10;
        gated.likes = 50;
        gated.lastModified = QStringLiteral("2026-03-01T00:00:00.000Z");
        gated.files = {{QStringLiteral("g-Q4_K_M.gguf"), q4_}};
        hub_.addRepo(gated);
        // The Q4_K_M model as gguf-split writes it: three parts (8, 8 and 5 tensors).
        auto parts = splitGguf((kTiny + QStringLiteral("Q4_K_M.gguf")).toStdString(), 8,
                               (splitDir_.path() + QStringLiteral("/tiny-Q4_K_M")).toStdString());
        QVERIFY2(parts.ok(), parts.ok() ? "" : parts.error().c_str());
        QCOMPARE(int(parts->size()), 3);
        MockHfRepo split;
        split.id = QStringLiteral("splitter/tiny-split-GGUF");
        MockHfRepo broken;
        broken.id = QStringLiteral("splitter/broken-split-GGUF");
        for (const std::string& part : *parts) {
            const QString name = QString::fromStdString(part).section(QLatin1Char('/'), -1);
            splitParts_.push_back(readAll(QString::fromStdString(part)));
            split.files.push_back({QStringLiteral("Q4_K_M/") + name, splitParts_.back()});
            if (splitParts_.size() < 3) broken.files.push_back({name, splitParts_.back()});
        }
        hub_.addRepo(split);
        hub_.addRepo(broken);
        QVERIFY(hub_.listen());
    }

    void init() { resetFaults(); }

    void pullsByOllamaName() {
        QTemporaryDir dir;
        const PullResult r = pull(dir.path(), QStringLiteral("tiny"), settings());
        QCOMPARE(r.error, QString());
        QCOMPARE(r.state, DownloadJob::State::Done);
        QCOMPARE(r.name, QStringLiteral("tiny:latest"));
        // Blobs leave the page cache once on disk: a model read back from disk maps with 2 MiB
        // pages (engine/core/page_cache.h).
        if (!hearth::test::onTmpfs(dir.path().toStdString()))
            for (const QString& blob :
                 QDir(dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files))
                QCOMPARE(hearth::test::cachedPages(
                             (dir.path() + QStringLiteral("/blobs/") + blob).toStdString()),
                         std::optional<size_t>(0));
        // The manifest is the registry's bytes, unchanged; every blob hashes to its name.
        const QByteArray manifest = readAll(
            dir.path() + QStringLiteral("/manifests/registry.ollama.ai/library/tiny/latest"));
        QVERIFY(manifest.startsWith("{\"schemaVersion\":2"));
        for (const QString& blob :
             QDir(dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files))
            QCOMPARE(QStringLiteral("sha256-") +
                         hexOf(readAll(dir.path() + QStringLiteral("/blobs/") + blob)),
                     blob);
        QCOMPARE(QDir(dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files).size(), 4);
        QVERIFY(filesUnder(dir.path() + QStringLiteral("/.hearth-partial")).isEmpty());
        // The store lists it and the GGUF opens.
        ModelStore store(dir.path().toStdString());
        auto resolved = store.resolve("tiny");
        QVERIFY(resolved.ok());
        QVERIFY(GgufFile::open(resolved->modelPath).ok());
        QVERIFY(store.verify("tiny")->ok());
        // Protocol: manifest GET with the right Accept, 307 to the CDN, no credentials there.
        QCOMPARE(hub_.api.log.first().path, QByteArray("/v2/library/tiny/manifests/latest"));
        QCOMPARE(hub_.api.log.first().header("accept"),
                 QByteArray("application/vnd.docker.distribution.manifest.v2+json"));
        QVERIFY(hub_.api.log.first().header("user-agent").startsWith("hearth/"));
        QCOMPARE(hub_.cdn.log.size(), 4);
        for (const MockRequest& req : hub_.cdn.log) QVERIFY(req.header("authorization").isEmpty());
    }

    void pullsRegistryBlobsServedDirectly() {
        QTemporaryDir dir;
        hub_.serveBlobsDirectly = true; // 200 instead of 307: Ollama fails here, we accept it
        const PullResult r = pull(dir.path(), QStringLiteral("tiny"), settings());
        QCOMPARE(r.error, QString());
        QVERIFY(hub_.cdn.log.isEmpty());
    }

    void pullsHfNameThroughRegistryProtocol() {
        QTemporaryDir dir;
        const PullResult r =
            pull(dir.path(), QStringLiteral("hf.co/hearth-test/tiny-GGUF:Q4_K_M"), settings());
        QCOMPARE(r.error, QString());
        QCOMPARE(r.name, QStringLiteral("hf.co/hearth-test/tiny-GGUF:Q4_K_M"));
        QVERIFY(QFile::exists(dir.path() +
                              QStringLiteral("/manifests/hf.co/hearth-test/tiny-GGUF/Q4_K_M")));
    }

    void pullsHfFile() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.hfToken = hfToken_;
        PullResult r = pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF:q4_k_m"), s);
        QCOMPARE(r.error, QString());
        QCOMPARE(r.name, QStringLiteral("hf.co/hearth-test/tiny-GGUF:Q4_K_M"));
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF/tiny-F16.gguf"), s);
        QCOMPARE(r.error, QString());
        QCOMPARE(r.name, QStringLiteral("hf.co/hearth-test/tiny-GGUF:F16"));
        ModelStore store(dir.path().toStdString());
        auto list = store.list();
        QVERIFY(list.ok());
        QCOMPARE(int(list->size()), 2);
        for (const StoreEntry& e : *list) {
            QVERIFY(e.problems.empty());
            QVERIFY(e.summary.has_value());
            QVERIFY(GgufFile::open(e.modelPath).ok());
        }
        QCOMPARE(QString::fromStdString(list->at(1).summary->fileTypeName),
                 QStringLiteral("Q4_K_M"));
        QVERIFY(store.verify("hf.co/hearth-test/tiny-GGUF:Q4_K_M")->ok());
        // The token went to the HF API host and never to the CDN.
        bool apiAuth = false;
        for (const MockRequest& req : hub_.api.log)
            apiAuth = apiAuth || req.header("authorization") == "Bearer " + hfToken_.toUtf8();
        QVERIFY(apiAuth);
        for (const MockRequest& req : hub_.cdn.log) QVERIFY(req.header("authorization").isEmpty());
    }

    void fetchesRegistryTokenOn401() {
        QTemporaryDir dir;
        PullResult r = pull(dir.path(), QStringLiteral("private/secret"), settings());
        QCOMPARE(r.error, QString());
        bool tokenFetched = false;
        for (const MockRequest& req : hub_.api.log)
            tokenFetched = tokenFetched || req.path == "/token";
        QVERIFY(tokenFetched);
        for (const MockRequest& req : hub_.cdn.log) QVERIFY(req.header("authorization").isEmpty());
        r = pull(dir.path(), QStringLiteral("private/denied"), settings());
        QVERIFY2(r.error.contains(QStringLiteral("unauthorized")), qPrintable(r.error));
    }

    void survivesServerMisbehaviour() {
        QTemporaryDir dir;
        // An expired CDN link: back to the registry for a fresh redirect.
        hub_.cdnForbiddenOnce = true;
        QCOMPARE(pull(dir.path(), QStringLiteral("tiny"), settings()).error, QString());
        // HF's 429 with RateLimit t=0: waited out, then retried.
        hub_.rateLimitOnce = true;
        QCOMPARE(
            pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF:Q4_K_M"), settings()).error,
            QString());
        // A redirect loop stops with a clear error.
        QTemporaryDir dir2;
        hub_.redirectLoop = true;
        PullResult r = pull(dir2.path(), QStringLiteral("tiny"), settings());
        QVERIFY2(r.error.contains(QStringLiteral("too many redirects")), qPrintable(r.error));
        hub_.redirectLoop = false;
        // Garbage and safetensors manifests are refused; nothing is written.
        r = pull(dir2.path(), QStringLiteral("garbage"), settings());
        QVERIFY2(r.error.contains(QStringLiteral("invalid manifest")), qPrintable(r.error));
        r = pull(dir2.path(), QStringLiteral("mlx"), settings());
        QVERIFY2(r.error.contains(QStringLiteral("safetensors/MLX")), qPrintable(r.error));
        QVERIFY(filesUnder(dir2.path()).isEmpty());
    }

    void resumesAfterConnectionDrop() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.parallelBlobs = 1; // the model blob goes first
        hub_.dropOnceAfter = 1000000;
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), s);
        QCOMPARE(r.error, QString());
        bool resumed = false;
        for (const MockRequest& req : hub_.cdn.log)
            resumed = resumed || req.header("range") == "bytes=1000000-";
        QVERIFY(resumed);
        // Resumed, not restarted: once the client asked for a range, it never went back to byte 0.
        // (Qt's HTTP layer itself may re-send the very first request once when the server closes
        // early, before our code saw the drop; that is before any ranged request.)
        const QByteArray path = "/blobs/sha256/" + hexOf(f32_).left(2).toLatin1() + "/" +
                                hexOf(f32_).toLatin1() + "/data";
        bool ranged = false;
        QByteArray ranges;
        for (const MockRequest& req : hub_.cdn.log) {
            if (req.path != path) continue;
            ranges += "[" + req.header("range") + "]";
            QVERIFY2(!ranged || (req.header("range").startsWith("bytes=") &&
                                 req.header("range") != "bytes=0-"),
                     ranges.constData());
            ranged = ranged || !req.header("range").isEmpty();
        }
        QVERIFY2(ranged, ranges.constData());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
    }

    void restartsWhenRangeIsIgnored() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.parallelBlobs = 1;
        hub_.dropOnceAfter = 1000000;
        hub_.ignoreRangeOnce = true; // the retry gets 200 + the whole body
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), s);
        QCOMPARE(r.error, QString());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
    }

    void pullsLargeBlobInParallelChunks() {
        QTemporaryDir dir;
        hub_.cdnBytesPerSecond = 2000000; // per connection, so the chunks overlap in time
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), chunkedSettings());
        QCOMPARE(r.error, QString());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
        // A probe for the first chunk, then every chunk exactly once, by closed ranges.
        const QVector<MockRequest> reqs = blobRequests(f32_);
        const qint64 chunks = (f32_.size() + kMiB - 1) / kMiB;
        QCOMPARE(reqs.first().header("range"), QByteArray("bytes=0-1048575"));
        QSet<QByteArray> ranges;
        for (const MockRequest& req : reqs) ranges.insert(req.header("range"));
        QCOMPARE(qint64(ranges.size()), chunks);
        for (qint64 i = 0; i < chunks; ++i) {
            const qint64 last = std::min<qint64>((i + 1) * kMiB, f32_.size()) - 1;
            QVERIFY(ranges.contains("bytes=" + QByteArray::number(i * kMiB) + "-" +
                                    QByteArray::number(last)));
        }
        QVERIFY2(hub_.cdn.maxStreaming >= 3,
                 qPrintable(QStringLiteral("at most %1 responses streamed at once")
                                .arg(hub_.cdn.maxStreaming)));
        // Only the first request went through the registry; the rest used the CDN URL.
        int blobHits = 0;
        for (const MockRequest& req : hub_.api.log)
            blobHits += req.path.contains("/blobs/sha256:" + hexOf(f32_).toLatin1());
        QCOMPARE(blobHits, 1);
        QVERIFY(filesUnder(dir.path() + QStringLiteral("/.hearth-partial")).isEmpty());
    }

    void retriesADroppedChunkFromWhereItStopped() {
        QTemporaryDir dir;
        hub_.dropRangeStart = 2 * kMiB;
        hub_.dropRangeAfter = 300000;
        // Trickled, so the client has read part of the range before the connection goes (a
        // close right behind the headers can be re-sent by Qt itself, unseen by our code).
        hub_.cdnBytesPerSecond = 4000000;
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), chunkedSettings());
        QCOMPARE(r.error, QString());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
        QByteArray ranges;
        bool resumed = false;
        for (const MockRequest& req : blobRequests(f32_)) {
            ranges += "[" + req.header("range") + "]";
            resumed =
                resumed || req.header("range") == "bytes=" + QByteArray::number(2 * kMiB + 300000) +
                                                      "-" + QByteArray::number(3 * kMiB - 1);
        }
        QVERIFY2(resumed, ranges.constData());
        QCOMPARE(hub_.dropRangeStart, qint64(-1)); // the fault did fire
    }

    void singleStreamWhenTheServerIgnoresRange() {
        QTemporaryDir dir;
        hub_.rangeSupported = false;
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), chunkedSettings());
        QCOMPARE(r.error, QString());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
        // The probe's 200 carried the whole blob and was used: no second full download.
        const QVector<MockRequest> reqs = blobRequests(f32_);
        QCOMPARE(reqs.size(), 1);
        QCOMPARE(reqs.first().header("range"), QByteArray("bytes=0-1048575"));
        QCOMPARE(hub_.cdn.maxStreaming, 1);
    }

    void resumesChunksAfterRestart() {
        QTemporaryDir dir;
        const DownloadSettings s = chunkedSettings();
        const BlobSource source{QStringLiteral("sha256:") + hexOf(f32_), f32_.size(), {}, {}};
        const QString sidecarPath = BlobDownload::partialDir(dir.path()) +
                                    QStringLiteral("/sha256-") + hexOf(f32_) +
                                    QStringLiteral(".json");
        QJsonArray saved;
        qint64 savedBytes = 0;
        int partway = 0;
        const auto readSidecar = [&] {
            QFile f(sidecarPath);
            if (!f.open(QIODevice::ReadOnly)) return false;
            const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
            if (o.value(QStringLiteral("chunkSize")).toInteger() != kMiB) return false;
            saved = o.value(QStringLiteral("chunks")).toArray();
            savedBytes = 0;
            partway = 0;
            for (qsizetype i = 0; i < saved.size(); ++i) {
                const qint64 len = std::min<qint64>(kMiB, f32_.size() - i * kMiB);
                savedBytes += saved[i].toInteger();
                partway += saved[i].toInteger() > 0 && saved[i].toInteger() < len;
            }
            return true;
        };
        hub_.cdnBytesPerSecond = 1000000;
        {
            // The first "process" stops abruptly once the sidecar records more than a chunk,
            // some of it in chunks that are part-way.
            DownloadManager first(s, dir.path());
            first.enqueue(QStringLiteral("tiny:f32"));
            QTRY_VERIFY_WITH_TIMEOUT(readSidecar() && savedBytes > kMiB && partway >= 1, 30000);
        }
        QVERIFY(readSidecar());
        QVERIFY(savedBytes > kMiB);
        QCOMPARE(BlobDownload::partialBytes(dir.path(), source), savedBytes);
        QVERIFY(!QFile::exists(dir.path() +
                               QStringLiteral("/manifests/registry.ollama.ai/library/tiny/f32")));

        hub_.cdnBytesPerSecond = 0;
        hub_.cdn.log.clear();
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), s);
        QCOMPARE(r.error, QString());
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
        // Each chunk continued from its saved byte; nothing saved was asked for again.
        static const QRegularExpression re(QStringLiteral("^bytes=(\\d+)-(\\d+)$"));
        qint64 asked = 0;
        QByteArray ranges;
        for (const MockRequest& req : blobRequests(f32_)) {
            ranges += "[" + req.header("range") + "]";
            const auto m = re.match(QString::fromLatin1(req.header("range")));
            QVERIFY2(m.hasMatch(), ranges.constData());
            const qint64 begin = m.captured(1).toLongLong();
            const qint64 chunk = begin / kMiB;
            QCOMPARE(begin, chunk * kMiB + saved[chunk].toInteger());
            asked += m.captured(2).toLongLong() - begin + 1;
        }
        QVERIFY2(asked <= f32_.size() - savedBytes, ranges.constData());
    }

    void resumesAfterRestart() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.parallelBlobs = 1;
        hub_.cdnBytesPerSecond = 4000000;
        const QString partial =
            BlobDownload::partialPath(dir.path(), QStringLiteral("sha256:") + hexOf(f32_));
        {
            // The first "process": stopped abruptly once a part of the model is on disk.
            DownloadManager first(s, dir.path());
            DownloadJob* job = first.enqueue(QStringLiteral("tiny:f32"));
            QTRY_VERIFY_WITH_TIMEOUT(job->bytesDone() > 600000, 30000);
        }
        const qint64 onDisk = QFileInfo(partial).size();
        QVERIFY(onDisk > 600000 && onDisk < f32_.size());
        QVERIFY(!QFile::exists(dir.path() +
                               QStringLiteral("/manifests/registry.ollama.ai/library/tiny/f32")));
        hub_.cdnBytesPerSecond = 0;
        hub_.cdn.log.clear();
        const PullResult r = pull(dir.path(), QStringLiteral("tiny:f32"), s);
        QCOMPARE(r.error, QString());
        QCOMPARE(hub_.cdn.log.first().header("range"), "bytes=" + QByteArray::number(onDisk) + "-");
        QVERIFY(ModelStore(dir.path().toStdString()).verify("tiny:f32")->ok());
    }

    void cliResumesAfterKill() {
        QTemporaryDir dir;
        hub_.cdnBytesPerSecond = 2000000;
        const QStringList args = {QStringLiteral("pull"),       QStringLiteral("tiny:f32"),
                                  QStringLiteral("--models"),   dir.path(),
                                  QStringLiteral("--registry"), hub_.apiUrl().toString(),
                                  QStringLiteral("--parallel"), QStringLiteral("1")};
        QProcess p;
        p.start(kCli, args);
        const QString partial =
            BlobDownload::partialPath(dir.path(), QStringLiteral("sha256:") + hexOf(f32_));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 300000, 30000);
        p.kill(); // SIGKILL: no clean-up runs
        QVERIFY(p.waitForFinished(5000));
        const qint64 onDisk = QFileInfo(partial).size();
        hub_.cdnBytesPerSecond = 0;
        hub_.cdn.log.clear();
        p.start(kCli, args);
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 60000);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("pulled tiny:f32"));
        QCOMPARE(hub_.cdn.log.first().header("range"), "bytes=" + QByteArray::number(onDisk) + "-");
    }

    void rejectsDigestMismatch() {
        QTemporaryDir dir;
        hub_.corruptHex = hexOf(q4_);
        PullResult r = pull(dir.path(), QStringLiteral("tiny"), settings());
        QCOMPARE(r.state, DownloadJob::State::Failed);
        QVERIFY2(
            r.error.contains(
                QStringLiteral("digest mismatch, file must be downloaded again: want sha256:") +
                hexOf(q4_)),
            qPrintable(r.error));
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/blobs/sha256-") + hexOf(q4_)));
        QVERIFY(!QFile::exists(
            BlobDownload::partialPath(dir.path(), QStringLiteral("sha256:") + hexOf(q4_))));
        QVERIFY(!QDir(dir.path() + QStringLiteral("/manifests")).exists());
        hub_.corruptHex.clear();
        r = pull(dir.path(), QStringLiteral("tiny"), settings());
        QCOMPARE(r.error, QString());
    }

    void unknownNamesAreClear() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        PullResult r = pull(dir.path(), QStringLiteral("nosuchmodel"), s);
        QCOMPARE(r.state, DownloadJob::State::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("no model named library/nosuchmodel")),
                 qPrintable(r.error));
        r = pull(dir.path(), QStringLiteral("tiny:nosuchtag"), s);
        QVERIFY2(r.error.contains(QStringLiteral("no tag 'nosuchtag'")), qPrintable(r.error));
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/missing-GGUF"), s);
        QVERIFY2(r.error.contains(QStringLiteral("repository hearth-test/missing-GGUF not found")),
                 qPrintable(r.error));
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/gated-GGUF"), s);
        QVERIFY2(r.error.contains(QStringLiteral("is gated")), qPrintable(r.error));
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF:Q3_K_S"), s);
        QVERIFY2(r.error.contains(QStringLiteral("no GGUF file matching 'Q3_K_S'")),
                 qPrintable(r.error));
        r = pull(dir.path(), QStringLiteral("bad name!"), s);
        QVERIFY2(r.error.contains(QStringLiteral("invalid model name")), qPrintable(r.error));
        QVERIFY(filesUnder(dir.path()).isEmpty());
        // With a token the gated repo opens.
        s.hfToken = hfToken_;
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/gated-GGUF"), s);
        QCOMPARE(r.error, QString());
    }

    // Every part is fetched (verified against its own LFS sha256), merged into one model blob
    // that holds the original's tensors, and the parts are removed.
    void pullsSplitGguf() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        DownloadManager manager(s, dir.path());
        DownloadJob* job = manager.enqueue(QStringLiteral("hf:splitter/tiny-split-GGUF:Q4_K_M"));
        QSignalSpy done(job, &DownloadJob::finished);
        if (!job->finishedState()) QVERIFY(done.wait(60000));
        QCOMPARE(job->error(), QString());
        QCOMPARE(job->modelName(), QStringLiteral("hf.co/splitter/tiny-split-GGUF:Q4_K_M"));
        qint64 partBytes = 0;
        for (const QByteArray& p : splitParts_) partBytes += p.size();
        QVERIFY(job->bytesTotal() >= partBytes); // progress ran over every part
        // Each part came from the CDN exactly once.
        for (const QByteArray& p : splitParts_) {
            int fetched = 0;
            for (const MockRequest& r : hub_.cdn.log)
                fetched += r.path == "/xet-bridge/" + hexOf(p).toLatin1();
            QCOMPARE(fetched, 1);
        }

        ModelStore store(dir.path().toStdString());
        auto list = store.list();
        QVERIFY(list.ok());
        QCOMPARE(int(list->size()), 1);
        QVERIFY(list->front().problems.empty());
        QVERIFY(store.verify("hf.co/splitter/tiny-split-GGUF:Q4_K_M")->ok());
        auto merged = GgufFile::open(list->front().modelPath);
        auto original = GgufFile::open((kTiny + QStringLiteral("Q4_K_M.gguf")).toStdString());
        QVERIFY(merged.ok() && original.ok());
        QVERIFY(!(*merged)->find("split.count")); // merged as Ollama's create does
        QCOMPARE((*merged)->tensors().size(), (*original)->tensors().size());
        for (size_t i = 0; i < (*original)->tensors().size(); ++i) {
            const GgufTensor& a = (*original)->tensors()[i];
            const GgufTensor& b = (*merged)->tensors()[i];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.nbytes, a.nbytes);
            QVERIFY(std::memcmp(a.data, b.data, a.nbytes) == 0);
        }
        // Only the merged model and its config are left in blobs/.
        QCOMPARE(QDir(dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files).size(), 2);
        for (const QByteArray& p : splitParts_)
            QVERIFY(!QFile::exists(
                QString::fromStdString(store.blobPath(("sha256:" + hexOf(p)).toStdString()))));
    }

    // hf.co names go through HF's registry endpoint, which refuses split tags with a 400; the
    // CLI pull falls back to the file API, and the stored model runs.
    void cliPullsSplitGgufByHfName() {
        QTemporaryDir dir;
        QProcess p;
        p.start(kCli,
                {QStringLiteral("pull"), QStringLiteral("hf.co/splitter/tiny-split-GGUF:Q4_K_M"),
                 QStringLiteral("--models"), dir.path(), QStringLiteral("--hf-endpoint"),
                 hub_.apiUrl().toString()});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(p.readAllStandardOutput().contains("pulled hf.co/splitter/tiny-split-GGUF:Q4_K_M"));
        bool refused = false; // the registry endpoint was asked first and said "sharded"
        for (const MockRequest& req : hub_.api.log)
            refused = refused || req.path == "/v2/splitter/tiny-split-GGUF/manifests/Q4_K_M";
        QVERIFY(refused);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OLLAMA_MODELS"), dir.path()); // run reads the store from here
        p.setProcessEnvironment(env);
        p.start(kCli,
                {QStringLiteral("run"), QStringLiteral("hf.co/splitter/tiny-split-GGUF:Q4_K_M"),
                 QStringLiteral("Hello"), QStringLiteral("-n"), QStringLiteral("4"),
                 QStringLiteral("--seed"), QStringLiteral("1")});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QCOMPARE(QDir(dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files).size(), 2);
    }

    void splitGgufMissingPartFailsCleanly() {
        QTemporaryDir dir;
        PullResult r =
            pull(dir.path(), QStringLiteral("hf:splitter/broken-split-GGUF:Q4_K_M"), settings());
        QCOMPARE(r.state, DownloadJob::State::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("part 3")) &&
                     r.error.contains(QStringLiteral("missing")),
                 qPrintable(r.error));
        QVERIFY(hub_.cdn.log.isEmpty());
        QVERIFY(filesUnder(dir.path()).isEmpty());
        // Parts that download fine but do not merge (not GGUF): a clear error, nothing stored.
        r = pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF:Q2_K"), settings());
        QVERIFY2(r.error.contains(QStringLiteral("cannot merge the split parts")),
                 qPrintable(r.error));
        QVERIFY2(filesUnder(dir.path()).isEmpty(), qPrintable(filesUnder(dir.path()).join(' ')));
    }

    void splitGgufNeedsRoomForPartsAndMerge() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        qint64 partBytes = 0;
        for (const QByteArray& p : splitParts_) partBytes += p.size();
        // Room for the parts but not for the merged copy beside them.
        s.freeSpace = [partBytes](const QString&) { return partBytes + 1000; };
        const PullResult r =
            pull(dir.path(), QStringLiteral("hf:splitter/tiny-split-GGUF:Q4_K_M"), s);
        QVERIFY2(r.error.contains(QStringLiteral("not enough disk space")), qPrintable(r.error));
        QVERIFY(hub_.cdn.log.isEmpty());
        QVERIFY(filesUnder(dir.path()).isEmpty());
    }

    void diskFullFailsCleanly() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        // Not enough space up front: nothing is fetched.
        s.freeSpace = [](const QString&) { return qint64(1000); };
        PullResult r = pull(dir.path(), QStringLiteral("tiny"), s);
        QVERIFY2(r.error.contains(QStringLiteral("not enough disk space")), qPrintable(r.error));
        QVERIFY(hub_.cdn.log.isEmpty());
        // The disk fills up mid-download: the pull stops, no manifest, the store stays consistent.
        s.freeSpace = {};
        s.parallelBlobs = 1;
        auto written = std::make_shared<qint64>(0);
        s.beforeWrite = [written](qint64 n) { return (*written += n) <= 400000; };
        r = pull(dir.path(), QStringLiteral("tiny"), s);
        QCOMPARE(r.state, DownloadJob::State::Failed);
        QVERIFY2(r.error.contains(QStringLiteral("No space left on device")), qPrintable(r.error));
        QVERIFY(!QDir(dir.path() + QStringLiteral("/manifests")).exists());
        auto list = ModelStore(dir.path().toStdString()).list(false);
        QVERIFY(list.ok() && list->empty());
        // Space freed: the next pull finishes.
        s.beforeWrite = {};
        r = pull(dir.path(), QStringLiteral("tiny"), s);
        QCOMPARE(r.error, QString());
    }

    void diskFullOnATinyFilesystem() {
        // A real ENOSPC: the store lives on a 10 MiB tmpfs; the pull of tiny:f32 (7 MB) passes
        // the free-space check, then another program fills the disk mid-download.
        QTemporaryDir work;
        const QString seed = work.path() + QStringLiteral("/seed");
        QCOMPARE(pull(seed, QStringLiteral("tiny"), settings()).error, QString());
        const QString mnt = work.path() + QStringLiteral("/mnt");
        const QString out = work.path() + QStringLiteral("/out");
        QVERIFY(QDir().mkpath(mnt) && QDir().mkpath(out));
        hub_.cdnBytesPerSecond = 2000000;
        const QString partial =
            QStringLiteral("$1/store/.hearth-partial/sha256-") + hexOf(f32_) + ".partial";
        const QString script =
            QStringLiteral(
                "mount -t tmpfs -o size=10m hearth-test \"$1\" || exit 97\n"
                "cp -a \"$2\" \"$1/store\" || exit 98\n"
                "\"$4\" pull tiny:f32 --models \"$1/store\" --registry \"$5\" --parallel 1 "
                "--retry-delay 20 >\"$3/stdout\" 2>\"$3/stderr\" &\n"
                "pid=$!\n"
                "while [ ! -s \"%1\" ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done\n"
                "dd if=/dev/zero of=\"$1/filler\" bs=64k 2>/dev/null\n"
                "wait $pid; echo $? >\"$3/exit\"\n"
                "rm -f \"$1/filler\"\n"
                "cp -a \"$1/store\" \"$3/after\"\n"
                "[ \"$6\" = 1 ] && umount \"$1\"\n"
                "exit 0\n")
                .arg(partial);
        const QStringList args = {
            QStringLiteral("-c"),    script, QStringLiteral("sh"), mnt, seed, out, kCli,
            hub_.apiUrl().toString()};
        // Unprivileged user+mount namespace first, then a mount namespace, then a plain mount.
        QVector<QStringList> ways = {{QStringLiteral("unshare"), QStringLiteral("-Urm")},
                                     {QStringLiteral("unshare"), QStringLiteral("-m")}};
        if (::geteuid() == 0) ways.push_back({});
        QStringList tried;
        bool ran = false;
        for (const QStringList& way : ways) {
            QProcess p;
            QStringList argv = way;
            argv << QStringLiteral("sh") << args << (way.isEmpty() ? "1" : "0");
            p.start(argv.takeFirst(), argv);
            QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 60000);
            if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0) {
                ran = true;
                break;
            }
            tried << QStringLiteral("%1: exit %2 %3")
                         .arg(way.isEmpty() ? QStringLiteral("mount") : way.join(QLatin1Char(' ')))
                         .arg(p.exitCode())
                         .arg(QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        }
        if (!ran)
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here (%1); the injected "
                                            "write-failure test covers the logic")
                                 .arg(tried.join(QStringLiteral("; ")))));
        QCOMPARE(readAll(out + QStringLiteral("/exit")).trimmed(), QByteArray("1"));
        const QByteArray err = readAll(out + QStringLiteral("/stderr"));
        QVERIFY2(err.contains("No space left on device"), err.constData());
        // No manifest, nothing of the failed pull in blobs/ or left in the partial directory,
        // and the model that was there still verifies.
        const QString after = out + QStringLiteral("/after");
        QVERIFY(!QFile::exists(after +
                               QStringLiteral("/manifests/registry.ollama.ai/library/tiny/f32")));
        QCOMPARE(QDir(after + QStringLiteral("/blobs")).entryList(QDir::Files),
                 QDir(seed + QStringLiteral("/blobs")).entryList(QDir::Files));
        QVERIFY(filesUnder(after + QStringLiteral("/.hearth-partial")).isEmpty());
        ModelStore store(after.toStdString());
        QVERIFY(store.verify("tiny")->ok());
        auto list = store.list(false);
        QVERIFY(list.ok());
        QCOMPARE(int(list->size()), 1);
    }

    void deleteKeepsSharedBlobs() {
        QTemporaryDir dir;
        QCOMPARE(pull(dir.path(), QStringLiteral("tiny"), settings()).error, QString());
        QCOMPARE(pull(dir.path(), QStringLiteral("tiny:f32"), settings()).error, QString());
        ModelStore store(dir.path().toStdString());
        auto removed = store.remove("tiny:latest");
        QVERIFY(removed.ok());
        const std::string templateDigest = "sha256:" + hexOf(template_).toStdString();
        QVERIFY(std::find(removed->keptBlobs.begin(), removed->keptBlobs.end(), templateDigest) !=
                removed->keptBlobs.end());
        QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/blobs/sha256-") + hexOf(q4_)));
        QVERIFY(store.verify("tiny:f32")->ok());
    }

    void retriesTransientErrorsAndStalls() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.stallTimeoutMs = 300;
        hub_.fail5xx = 2;
        hub_.stallOnce = true;
        const PullResult r = pull(dir.path(), QStringLiteral("tiny"), s);
        QCOMPARE(r.error, QString());
    }

    void pausesResumesAndCancels() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.parallelBlobs = 1;
        hub_.cdnBytesPerSecond = 3000000;
        DownloadManager manager(s, dir.path());
        DownloadJob* job = manager.enqueue(QStringLiteral("tiny:f32"));
        QTRY_VERIFY_WITH_TIMEOUT(job->bytesDone() > 300000, 30000);
        job->pause();
        QCOMPARE(job->state(), DownloadJob::State::Paused);
        hub_.cdnBytesPerSecond = 0;
        job->resume();
        QSignalSpy done(job, &DownloadJob::finished);
        QVERIFY(done.wait(30000));
        QCOMPARE(job->error(), QString());

        QTemporaryDir dir2;
        hub_.cdnBytesPerSecond = 3000000;
        DownloadManager manager2(s, dir2.path());
        DownloadJob* job2 = manager2.enqueue(QStringLiteral("tiny:f32"));
        QTRY_VERIFY_WITH_TIMEOUT(job2->bytesDone() > 300000, 30000);
        job2->cancel();
        QCOMPARE(job2->state(), DownloadJob::State::Cancelled);
        QVERIFY(filesUnder(dir2.path() + QStringLiteral("/.hearth-partial")).isEmpty());
        QVERIFY(!QDir(dir2.path() + QStringLiteral("/manifests")).exists());
    }

    void bandwidthLimitHolds() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.bandwidthLimit = 4000000;
        const PullResult r = pull(dir.path(), QStringLiteral("hf:hearth-test/tiny-GGUF:Q4_K_M"), s);
        QCOMPARE(r.error, QString());
    }

    void refusesPlainHttpOffLoopback() {
        QTemporaryDir dir;
        DownloadSettings s = settings();
        s.registry = QUrl(QStringLiteral("http://registry.example.com"));
        const PullResult r = pull(dir.path(), QStringLiteral("tiny"), s);
        QVERIFY2(r.error.contains(QStringLiteral("refusing plain http")), qPrintable(r.error));
        QVERIFY(urlPolicyError(QUrl(QStringLiteral("https://huggingface.co"))).isEmpty());
        QVERIFY(urlPolicyError(QUrl(QStringLiteral("http://[::1]:8080"))).isEmpty());
    }

    void hfTokenFileMustBePrivate() {
        QTemporaryDir dir;
        const QString path = dir.path() + QStringLiteral("/token");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(hfToken_.toUtf8() + "\n");
        f.close();
        qputenv("HEARTH_HF_TOKEN_FILE", QFile::encodeName(path));
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                        QFileDevice::ReadOther);
        QString problem;
        QCOMPARE(hfTokenFromFile(&problem), QString());
        QVERIFY(problem.contains(QStringLiteral("chmod 600")));
        QVERIFY(!problem.contains(hfToken_)); // the message never shows the secret
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(hfTokenFromFile(), hfToken_);
        qunsetenv("HEARTH_HF_TOKEN_FILE");
    }

    void searchesHuggingFace() {
        QNetworkAccessManager nam;
        HfClient hf(&nam, settings());
        QVector<HfRepo> got;
        QString error;
        bool called = false;
        hf.search(QStringLiteral("hearth-test"), HfClient::Sort::Likes, 10, this,
                  [&](QVector<HfRepo> repos, QString e) { got = repos, error = e, called = true; });
        QTRY_VERIFY(called);
        QCOMPARE(error, QString());
        QCOMPARE(got.size(), 2);
        QCOMPARE(got[0].id, QStringLiteral("hearth-test/gated-GGUF"));
        QVERIFY(got[0].gated);
        QCOMPARE(got[1].downloads, qint64(500));
        QVERIFY(hub_.api.log.last().query.contains("filter=gguf"));
        // The repository's files: quant labels, shards, side files.
        QVector<HfFile> files;
        called = false;
        hf.listFiles(QStringLiteral("hearth-test/tiny-GGUF"), this,
                     [&](QVector<HfFile> f, QString e) { files = f, error = e, called = true; });
        QTRY_VERIFY(called);
        QCOMPARE(files.size(), 8);
        int models = 0, shards = 0;
        for (const HfFile& f : files) {
            models += f.isModel;
            shards += f.splitCount == 2;
        }
        QCOMPARE(models, 4);
        QCOMPARE(shards, 2);
        QCOMPARE(ggufQuantLabel(QStringLiteral("Llama-3.2-1B-Instruct-Q4_K_M.gguf")),
                 QStringLiteral("Q4_K_M"));
        QCOMPARE(ggufQuantLabel(QStringLiteral("x-UD-Q4_K_XL-00001-of-00003.gguf")),
                 QStringLiteral("Q4_K_XL"));
        QCOMPARE(ggufQuantLabel(QStringLiteral("model.gguf")), QString());
        // The CLI prints the same.
        QProcess p;
        p.start(kCli, {QStringLiteral("search"), QStringLiteral("tiny"),
                       QStringLiteral("--hf-endpoint"), hub_.apiUrl().toString()});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("hearth-test/tiny-GGUF"));
    }

    void cliPullExitCodes() {
        QTemporaryDir dir;
        QProcess p;
        p.start(kCli, {QStringLiteral("pull"), QStringLiteral("tiny:nosuchtag"),
                       QStringLiteral("--models"), dir.path(), QStringLiteral("--registry"),
                       hub_.apiUrl().toString()});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("no tag 'nosuchtag'"));
        p.start(kCli, {QStringLiteral("pull"), QStringLiteral("hf:hearth-test/tiny-GGUF"),
                       QStringLiteral("--models"), dir.path(), QStringLiteral("--hf-endpoint"),
                       hub_.apiUrl().toString()});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 30000);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().contains("pulled hf.co/hearth-test/tiny-GGUF:Q4_K_M"));
    }

    void loopbackThroughput() {
        // The largest conformance model, pulled over loopback vs a plain file copy of it.
        const QString big = kModels + QStringLiteral("/cf-b-llama-spm/cf-b-llama-spm-F32.gguf");
        const QByteArray bytes = readAll(big);
        QVERIFY(bytes.size() > 10000000);
        hub_.addModel(QStringLiteral("library"), QStringLiteral("big"), QStringLiteral("latest"),
                      {{kModel, bytes}});
        QTemporaryDir dir;
        QElapsedTimer t;
        t.start();
        const PullResult r = pull(dir.path(), QStringLiteral("big"), settings());
        const qint64 pullMs = std::max<qint64>(1, t.elapsed());
        QCOMPARE(r.error, QString());
        t.restart();
        QVERIFY(QFile::copy(big, dir.path() + QStringLiteral("/copy.gguf")));
        const qint64 copyMs = std::max<qint64>(1, t.elapsed());
        // The same pull by hearth-cli, so client and mock server do not share one thread.
        QTemporaryDir dir2;
        QProcess p;
        t.restart();
        p.start(kCli, {QStringLiteral("pull"), QStringLiteral("big"), QStringLiteral("--models"),
                       dir2.path(), QStringLiteral("--registry"), hub_.apiUrl().toString()});
        QTRY_VERIFY_WITH_TIMEOUT(p.state() == QProcess::NotRunning, 60000);
        const qint64 cliMs = std::max<qint64>(1, t.elapsed());
        QCOMPARE(p.exitCode(), 0);
        qInfo("hearth-cli pull of the same model (separate process, start-up included): %lld ms "
              "(%.0f MB/s)",
              cliMs, double(bytes.size()) / 1e3 / double(cliMs));
        qInfo("loopback pull of %lld bytes: %lld ms (%.0f MB/s, SHA-256 included); plain file "
              "copy: %lld ms (%.0f MB/s)",
              qint64(bytes.size()), pullMs, double(bytes.size()) / 1e3 / double(pullMs), copyMs,
              double(bytes.size()) / 1e3 / double(copyMs));
    }

    void loopbackThroughputLargeBlob() {
        // Opt-in (HEARTH_THROUGHPUT_BLOB=/path/to/1GB.gguf, e.g. made by `hearth-cli synth`):
        // hearth-cli pull over loopback, one stream vs 16 MiB chunks on 4 connections, vs cp.
        const QString path = qEnvironmentVariable("HEARTH_THROUGHPUT_BLOB");
        if (path.isEmpty())
            QSKIP("set HEARTH_THROUGHPUT_BLOB to a large file to measure pull throughput");
        const QString digest = hub_.addFileBlob(path);
        QVERIFY2(!digest.isEmpty(), qPrintable(path));
        const qint64 size = QFileInfo(path).size();
        hub_.addRawManifest(
            QStringLiteral("library/large"), QStringLiteral("latest"),
            "{\"schemaVersion\":2,\"mediaType\":\"application/"
            "vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":\"application/"
            "vnd.docker.container.image.v1+json\",\"digest\":\"" +
                hub_.addBlob("{}").toLatin1() +
                "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/"
                "vnd.ollama.image.model\",\"digest\":\"" +
                digest.toLatin1() + "\",\"size\":" + QByteArray::number(size) + "}]}");
        // Wall time depends on the machine's load; the client's CPU time much less so.
        const auto cpuSeconds = [](int who) {
            rusage u{};
            getrusage(who, &u);
            return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                   double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
        };
        const auto timed = [&](const QString& program, const QStringList& args) {
            const double childBefore = cpuSeconds(RUSAGE_CHILDREN);
            const double selfBefore = cpuSeconds(RUSAGE_SELF);
            QProcess p;
            QElapsedTimer t;
            t.start();
            QEventLoop loop; // not waitForFinished: the mock hub serves from this thread
            QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
            p.start(program, args);
            loop.exec();
            const qint64 ms = p.exitCode() == 0 ? std::max<qint64>(1, t.elapsed()) : qint64(-1);
            qInfo("  %s: client CPU %.2f s, server (this process) CPU %.2f s",
                  qPrintable(program.section(QLatin1Char('/'), -1)),
                  cpuSeconds(RUSAGE_CHILDREN) - childBefore, cpuSeconds(RUSAGE_SELF) - selfBefore);
            return ms;
        };
        for (const char* connections : {"1", "4"}) {
            QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/hearth-tp-XXXXXX"));
            const qint64 ms = timed(
                kCli, {QStringLiteral("pull"), QStringLiteral("large"), QStringLiteral("--models"),
                       dir.path(), QStringLiteral("--registry"), hub_.apiUrl().toString(),
                       QStringLiteral("--connections"), QString::fromLatin1(connections)});
            QVERIFY(ms > 0);
            qInfo("pull of %lld bytes with %s connection(s): %lld ms, %.0f MB/s", size, connections,
                  ms, double(size) / 1e3 / double(ms));
        }
        QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/hearth-tp-XXXXXX"));
        const qint64 ms = timed(QStringLiteral("cp"), {path, dir.path() + QStringLiteral("/copy")});
        QVERIFY(ms > 0);
        qInfo("cp of the same file: %lld ms, %.0f MB/s", ms, double(size) / 1e3 / double(ms));
    }
};

QTEST_GUILESS_MAIN(TestDownloads)
#include "test_downloads.moc"
