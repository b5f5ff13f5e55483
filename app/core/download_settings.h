#pragma once
// Settings shared by every download: where the registries are, how hard to retry, and test hooks
// (free space, write failures) so disk-full paths can be exercised without mounting anything.
#include <QString>
#include <QUrl>

#include <functional>

namespace hearth {

struct DownloadSettings {
    QUrl registry{QStringLiteral("https://registry.ollama.ai")};
    QUrl hfEndpoint{QStringLiteral("https://huggingface.co")};
    QString hfToken; // sent only to the HF endpoint host; never logged
    QString userAgent{QStringLiteral("hearth/0.1")};
    int parallelBlobs = 3;
    // A blob larger than chunkThreshold is fetched as chunkSize Range pieces over up to
    // chunkConnections connections at once (1 = always one stream).
    qint64 chunkThreshold = qint64(64) << 20;
    qint64 chunkSize = qint64(16) << 20;
    int chunkConnections = 4;
    int maxRetries = 6;       // per blob; reset whenever an attempt brought bytes
    int backoffBaseMs = 1000; // 1, 2, 4 ... s like Ollama
    int stallTimeoutMs = 30000;
    qint64 bandwidthLimit = 0; // bytes/s for all downloads together; 0 = unlimited
    // Free bytes where the store lives; default asks the filesystem (QStorageInfo).
    std::function<qint64(const QString& dir)> freeSpace;
    // Called before each write with its size; returning false fails it as "no space left".
    std::function<bool(qint64 bytes)> beforeWrite;

    // HEARTH_REGISTRY, HF_ENDPOINT, HF_TOKEN or the token file (see hfTokenFromFile).
    static DownloadSettings fromEnvironment();
};

// Empty when the URL may be fetched: https anywhere, plain http only on loopback hosts.
QString urlPolicyError(const QUrl& url);
bool isLoopbackHost(const QString& host);

// The HF token in $HEARTH_HF_TOKEN_FILE, <config>/hearth/hf-token or the huggingface_hub
// token file (~/.cache/huggingface/token); refused (empty, with a
// reason in *problem) when group or others can read it.
QString hfTokenFromFile(QString* problem = nullptr);

} // namespace hearth
