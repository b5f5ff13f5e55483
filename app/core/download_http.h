#pragma once
// One small HTTP GET (manifests, HF API pages): redirects followed by hand (at most 10 hops, the
// URL policy checked on each, Authorization dropped when the host changes), transient failures
// (network errors, 5xx, 408, 429) retried with backoff. The whole body is kept in memory.
#include "app/core/download_settings.h"

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPair>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace hearth {

struct HttpResponse {
    int status = 0; // 0 when no HTTP answer arrived
    QString error;  // transport failure or policy refusal; empty when an answer arrived
    QByteArray body;
    QUrl url; // after redirects
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray authorization; // "Bearer <t>" when a registry token was fetched for this answer
    QByteArray header(const QByteArray& name) const;
};

using HttpCallback = std::function<void(const HttpResponse&)>;

// A 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...` is answered the Docker
// way, once: a token from the realm (same host only), then the request again with it.
// Starts the request; `done` runs once, on `context`'s thread, unless context is destroyed.
void httpGet(QNetworkAccessManager* nam, const DownloadSettings& settings, QNetworkRequest request,
             QObject* context, HttpCallback done, int maxAttempts = 4);

// Retry delay for a 429 or 503: HF's `RateLimit: "api";r=0;t=N` or `Retry-After: N`, in ms;
// -1 when neither is present.
int retryAfterMs(const HttpResponse& response);

// Adds the token as a Bearer header when the URL is on the HF endpoint host.
void addHfAuth(QNetworkRequest& request, const DownloadSettings& settings);

} // namespace hearth
