// MockHub: see mock_hub.h.
#include "net/mock_hub.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

namespace {

QByteArray sha256(const QByteArray& b) {
    return QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex();
}

QByteArray registryError(const char* code, const char* message, const QJsonValue& detail) {
    QJsonObject e{{QStringLiteral("code"), QLatin1String(code)},
                  {QStringLiteral("message"), QLatin1String(message)},
                  {QStringLiteral("detail"), detail}};
    return QJsonDocument(QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}})
        .toJson(QJsonDocument::Compact);
}

void hfError(MockResponse& out, int status, const QByteArray& code, const QByteArray& message) {
    out.json(status, "{\"error\":\"" + message + "\"}");
    out.header("X-Error-Code", code);
    out.header("X-Error-Message", message);
}

} // namespace

MockHub::MockHub()
    : api([this](const MockRequest& r, MockResponse& o) { handleApi(r, o); }),
      cdn([this](const MockRequest& r, MockResponse& o) { handleCdn(r, o); }) {}

bool MockHub::listen() {
    return api.listen(QHostAddress::LocalHost) && cdn.listen(QHostAddress::Any);
}

QUrl MockHub::apiUrl() const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(api.serverPort()));
}
QUrl MockHub::cdnUrl() const {
    return QUrl(QStringLiteral("http://localhost:%1").arg(cdn.serverPort()));
}

QString MockHub::addBlob(const QByteArray& bytes) {
    const QString hex = QString::fromLatin1(sha256(bytes));
    blobs_.insert(hex, bytes);
    return QStringLiteral("sha256:") + hex;
}

QString MockHub::addFileBlob(const QString& path) {
    auto file = std::make_shared<QFile>(path);
    if (!file->open(QIODevice::ReadOnly)) return {};
    uchar* data = file->map(0, file->size());
    if (!data) return {};
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(file->size()));
    mapped_.push_back(file);
    return addBlob(bytes);
}

QByteArray MockHub::addModel(const QString& ns, const QString& model, const QString& tag,
                             const QVector<QPair<QString, QByteArray>>& layers) {
    QJsonArray layerArray, diffIds;
    for (const auto& l : layers) {
        const QString digest = addBlob(l.second);
        layerArray.append(QJsonObject{{QStringLiteral("mediaType"), l.first},
                                      {QStringLiteral("digest"), digest},
                                      {QStringLiteral("size"), qint64(l.second.size())}});
        diffIds.append(digest);
    }
    const QByteArray config =
        QJsonDocument(QJsonObject{{QStringLiteral("model_format"), QStringLiteral("gguf")},
                                  {QStringLiteral("model_family"), QStringLiteral("llama")},
                                  {QStringLiteral("architecture"), QStringLiteral("amd64")},
                                  {QStringLiteral("os"), QStringLiteral("linux")},
                                  {QStringLiteral("rootfs"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), diffIds}}}})
            .toJson(QJsonDocument::Compact);
    const QString configDigest = addBlob(config);
    // Compact one-line JSON, as the real registry sends.
    const QByteArray manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/"
        "vnd.docker.container.image.v1+json\",\"digest\":\"" +
        configDigest.toLatin1() + "\",\"size\":" + QByteArray::number(config.size()) +
        "},\"layers\":" + QJsonDocument(layerArray).toJson(QJsonDocument::Compact) + "}";
    models_.insert(ns + QLatin1Char('/') + model);
    manifests_.insert(ns + QLatin1Char('/') + model + QLatin1Char(':') + tag, manifest);
    return manifest;
}

void MockHub::handleApi(const MockRequest& r, MockResponse& out) {
    if (fail5xx > 0) {
        --fail5xx;
        out.json(503, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}");
        return;
    }
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(r.path));
    if (redirectLoop) {
        out.status = 302;
        out.header("Location", r.path + (r.query.isEmpty() ? QByteArray() : "?" + r.query));
        return;
    }
    if (rateLimitOnce) {
        rateLimitOnce = false;
        hfError(out, 429, "", "rate limited");
        out.header("RateLimit", "\"api\";r=0;t=0");
        out.header("RateLimit-Policy", "\"fixed window\";\"api\";q=500;w=300");
        return;
    }
    if (path == QLatin1String("/token")) return out.json(200, "{\"token\":\"mock-token\"}");
    if (path.startsWith(QLatin1String("/v2/"))) {
        QStringList parts = path.mid(4).split(QLatin1Char('/'));
        return handleRegistry(parts, r, out);
    }
    handleHf(r, out);
}

bool MockHub::isShardedTag(const QString& repo, const QString& tag) const {
    const auto it = repos_.find(repo);
    if (it == repos_.end()) return false;
    static const QRegularExpression shard(QStringLiteral("-\\d{5}-of-\\d{5}\\.gguf$"));
    for (const auto& file : it->files) {
        const QString name = file.first.section(QLatin1Char('/'), -1);
        if (shard.match(name).hasMatch() && name.contains(tag, Qt::CaseInsensitive)) return true;
    }
    return false;
}

void MockHub::handleRegistry(const QStringList& parts, const MockRequest& r, MockResponse& out) {
    // <ns>/<model>/manifests/<tag> or <ns>/<model>/blobs/sha256:<hex>
    if (parts.size() != 4)
        return out.json(404, registryError("NAME_UNKNOWN", "repository name not known to registry",
                                           QJsonValue()));
    const QString repo = parts[0] + QLatin1Char('/') + parts[1];
    // Namespace "private": the Docker token flow; "private/denied" refuses every token.
    if (parts[0] == QLatin1String("private") &&
        (r.header("authorization") != "Bearer mock-token" || parts[1] == QLatin1String("denied"))) {
        out.json(401, registryError("UNAUTHORIZED", "authentication required", QJsonValue()));
        out.header("WWW-Authenticate",
                   "Bearer realm=\"" + apiUrl().toEncoded() +
                       "/token\",service=\"mock\",scope=\"repository:" + repo.toUtf8() + ":pull\"");
        return;
    }
    if (parts[2] == QLatin1String("manifests")) {
        // Hugging Face's registry endpoint refuses a tag whose GGUF is split, with this 400.
        if (!manifests_.contains(repo + QLatin1Char(':') + parts[3]) &&
            isShardedTag(repo, parts[3]))
            return out.json(400, "{\"error\":\"The specified tag is a sharded GGUF. Ollama does "
                                 "not support this yet. Please use another tag or \\\"latest\\\". "
                                 "Follow this issue for more info: "
                                 "https://github.com/ollama/ollama/issues/5245\"}");
        if (!models_.contains(repo))
            return out.json(404,
                            registryError("NAME_UNKNOWN", "repository name not known to registry",
                                          QJsonObject{{QStringLiteral("name"), repo}}));
        const auto it = manifests_.find(repo + QLatin1Char(':') + parts[3]);
        if (it == manifests_.end())
            return out.json(404, registryError("MANIFEST_UNKNOWN", "manifest unknown",
                                               QJsonObject{{QStringLiteral("Tag"), parts[3]}}));
        out.header("Content-Type", "text/plain; charset=utf-8"); // what the real one sent
        out.body = *it;
        return;
    }
    if (parts[2] == QLatin1String("blobs") && parts[3].startsWith(QLatin1String("sha256:"))) {
        const QString hex = parts[3].mid(7);
        if (!blobs_.contains(hex))
            return out.json(404,
                            registryError("BLOB_UNKNOWN", "blob unknown to registry", parts[3]));
        if (serveBlobsDirectly) return serveBlob(r, out, hex);
        out.status = 307;
        out.header("Location", cdnUrl().toEncoded() + "/blobs/sha256/" + hex.left(2).toLatin1() +
                                   "/" + hex.toLatin1() +
                                   "/data?X-Amz-Expires=1200&X-Amz-Signature=" +
                                   sha256(hex.toLatin1()).left(16));
        return;
    }
    out.json(404,
             registryError("NAME_UNKNOWN", "repository name not known to registry", QJsonValue()));
}

void MockHub::handleHf(const MockRequest& r, MockResponse& out) {
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(r.path));
    const QUrlQuery query(QString::fromUtf8(r.query));
    if (path == QLatin1String("/api/models")) {
        const QString search = query.queryItemValue(QStringLiteral("search"), QUrl::FullyDecoded);
        const QString sort = query.queryItemValue(QStringLiteral("sort"));
        const int limit = query.queryItemValue(QStringLiteral("limit")).toInt();
        const QStringList expand = query.allQueryItemValues(QStringLiteral("expand"));
        QVector<MockHfRepo> hits;
        for (const MockHfRepo& repo : repos_)
            if (repo.id.contains(search, Qt::CaseInsensitive)) hits.push_back(repo);
        std::sort(hits.begin(), hits.end(), [&](const MockHfRepo& a, const MockHfRepo& b) {
            if (sort == QLatin1String("likes")) return a.likes > b.likes;
            if (sort == QLatin1String("lastModified")) return a.lastModified > b.lastModified;
            return a.downloads > b.downloads;
        });
        QJsonArray arr;
        for (const MockHfRepo& repo : hits) {
            if (limit > 0 && arr.size() >= limit) break;
            QJsonObject o{
                {QStringLiteral("_id"), QString::fromLatin1(sha256(repo.id.toUtf8()).left(24))},
                {QStringLiteral("id"), repo.id}};
            // Only the expanded keys, as the real API does with expand.
            if (expand.contains(QStringLiteral("downloads")))
                o[QStringLiteral("downloads")] = repo.downloads;
            if (expand.contains(QStringLiteral("likes"))) o[QStringLiteral("likes")] = repo.likes;
            if (expand.contains(QStringLiteral("lastModified")))
                o[QStringLiteral("lastModified")] = repo.lastModified;
            if (expand.contains(QStringLiteral("gated")))
                o[QStringLiteral("gated")] =
                    repo.gated ? QJsonValue(QStringLiteral("manual")) : QJsonValue(false);
            arr.append(o);
        }
        out.json(200, QJsonDocument(arr).toJson(QJsonDocument::Compact));
        return;
    }
    static const QRegularExpression treeRe(
        QStringLiteral("^/api/models/([^/]+/[^/]+)/tree/([^/]+)$"));
    static const QRegularExpression resolveRe(
        QStringLiteral("^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$"));
    auto repoFor = [&](const QString& id) -> const MockHfRepo* {
        const auto it = repos_.constFind(id);
        if (it == repos_.cend()) {
            hfError(out, 401, "RepoNotFound", "Repository not found");
            return nullptr;
        }
        if (it->gated && !r.header("authorization").startsWith("Bearer hf_")) {
            hfError(out, 401, "GatedRepo",
                    "Access to model " + id.toUtf8() +
                        " is restricted. You must have access to it "
                        "and be authenticated to access it. Please log in.");
            return nullptr;
        }
        return &*it;
    };
    if (const auto m = treeRe.match(path); m.hasMatch()) {
        const MockHfRepo* repo = repoFor(m.captured(1));
        if (!repo) return;
        if (m.captured(2) != QLatin1String("main"))
            return hfError(out, 404, "RevisionNotFound",
                           "Invalid rev id: " + m.captured(2).toUtf8());
        QJsonArray arr;
        for (const auto& f : repo->files) {
            QJsonObject o{
                {QStringLiteral("type"), QStringLiteral("file")},
                {QStringLiteral("oid"),
                 QString::fromLatin1(
                     QCryptographicHash::hash(f.second, QCryptographicHash::Sha1).toHex())},
                {QStringLiteral("size"), qint64(f.second.size())},
                {QStringLiteral("path"), f.first}};
            if (f.first.endsWith(QLatin1String(".gguf")))
                o[QStringLiteral("lfs")] =
                    QJsonObject{{QStringLiteral("oid"), QString::fromLatin1(sha256(f.second))},
                                {QStringLiteral("size"), qint64(f.second.size())},
                                {QStringLiteral("pointerSize"), 135}};
            arr.append(o);
        }
        out.json(200, QJsonDocument(arr).toJson(QJsonDocument::Compact));
        return;
    }
    if (const auto m = resolveRe.match(path); m.hasMatch()) {
        const MockHfRepo* repo = repoFor(m.captured(1));
        if (!repo) return;
        for (const auto& f : repo->files) {
            if (f.first != m.captured(3)) continue;
            const QByteArray hex = sha256(f.second);
            blobs_.insert(QString::fromLatin1(hex), f.second);
            out.status = 302;
            out.header("Location", cdnUrl().toEncoded() + "/xet-bridge/" + hex +
                                       "?Expires=9999999999&Signature=abc");
            out.header("X-Linked-Size", QByteArray::number(f.second.size()));
            out.header("X-Linked-Etag", "\"" + hex + "\"");
            out.header("X-Repo-Commit", sha256(repo->id.toUtf8()).left(40));
            out.header("ETag", "\"" + hex + "\"");
            out.body = "Found. Redirecting";
            return;
        }
        return hfError(out, 404, "EntryNotFound", "Entry not found");
    }
    hfError(out, 404, "EntryNotFound", "Entry not found");
}

void MockHub::handleCdn(const MockRequest& r, MockResponse& out) {
    const QString path = QString::fromUtf8(r.path);
    QString hex;
    static const QRegularExpression ollama(
        QStringLiteral("^/blobs/sha256/[0-9a-f]{2}/([0-9a-f]{64})/data$"));
    static const QRegularExpression xet(QStringLiteral("^/xet-bridge/([0-9a-f]{64})$"));
    if (auto m = ollama.match(path); m.hasMatch())
        hex = m.captured(1);
    else if (auto m2 = xet.match(path); m2.hasMatch())
        hex = m2.captured(1);
    if (hex.isEmpty() || !blobs_.contains(hex)) {
        out.status = 404;
        out.header("Content-Type", "application/xml");
        out.body = "<Error><Code>NoSuchKey</Code></Error>";
        return;
    }
    if (cdnForbiddenOnce) {
        cdnForbiddenOnce = false;
        out.status = 403;
        out.header("Content-Type", "application/xml");
        out.body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        return;
    }
    serveBlob(r, out, hex);
}

void MockHub::serveBlob(const MockRequest& r, MockResponse& out, const QString& hex) {
    QByteArray data = blobs_.value(hex);
    if (hex == corruptHex && !data.isEmpty())
        data[data.size() / 2] = char(data[data.size() / 2] ^ 0x5a);
    out.header("ETag", "\"" + hex.toLatin1() + "\"");
    out.header("Content-Type", "application/octet-stream");
    out.bytesPerSecond = cdnBytesPerSecond;
    if (stallOnce) {
        stallOnce = false;
        out.silent = true;
    }
    // RFC 9110 single ranges: "a-b" (b clamped to the end), "a-" and the suffix form "-n".
    static const QRegularExpression range(QStringLiteral("^bytes=(\\d*)-(\\d*)$"));
    const auto m = range.match(QString::fromLatin1(r.header("range")));
    const qint64 size = data.size();
    if (rangeSupported) out.header("Accept-Ranges", "bytes");
    if (m.hasMatch() && rangeSupported && !ignoreRangeOnce &&
        !(m.captured(1).isEmpty() && m.captured(2).isEmpty())) {
        qint64 start = 0, end = size - 1;
        if (m.captured(1).isEmpty()) {
            start = std::max<qint64>(0, size - m.captured(2).toLongLong());
        } else {
            start = m.captured(1).toLongLong();
            if (!m.captured(2).isEmpty()) end = std::min(end, m.captured(2).toLongLong());
        }
        if (start >= size || end < start) {
            out.status = 416;
            out.header("Content-Range", "bytes */" + QByteArray::number(size));
            return;
        }
        out.status = 206;
        out.header("Content-Range", "bytes " + QByteArray::number(start) + "-" +
                                        QByteArray::number(end) + "/" + QByteArray::number(size));
        // A view, not a copy: mapped 1 GB blobs stay mapped.
        out.body = QByteArray::fromRawData(data.constData() + start, qsizetype(end - start + 1));
        out.keepAlive = data;
        if (start == dropRangeStart && dropRangeAfter >= 0) {
            out.dropAfter = dropRangeAfter;
            dropRangeStart = dropRangeAfter = -1;
        }
    } else {
        if (m.hasMatch()) ignoreRangeOnce = false;
        out.status = 200;
        out.body = data;
    }
    if (dropOnceAfter >= 0) {
        out.dropAfter = dropOnceAfter;
        dropOnceAfter = -1;
    }
}
