// httpGet: a small GET with hand-followed redirects and retries (see download_http.h).
#include "app/core/download_http.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

#include <memory>

namespace hearth {

QByteArray HttpResponse::header(const QByteArray& name) const {
    for (const auto& h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
    return {};
}

int retryAfterMs(const HttpResponse& response) {
    static const QRegularExpression t(QStringLiteral(";\\s*t=(\\d+)"));
    const auto m = t.match(QString::fromLatin1(response.header("RateLimit")));
    if (m.hasMatch()) return m.captured(1).toInt() * 1000;
    bool ok = false;
    const int s = response.header("Retry-After").trimmed().toInt(&ok);
    return ok ? s * 1000 : -1;
}

void addHfAuth(QNetworkRequest& request, const DownloadSettings& settings) {
    if (!settings.hfToken.isEmpty() &&
        request.url().host().compare(settings.hfEndpoint.host(), Qt::CaseInsensitive) == 0)
        request.setRawHeader("Authorization", "Bearer " + settings.hfToken.toUtf8());
}

namespace {

struct GetState {
    QNetworkAccessManager* nam;
    DownloadSettings settings;
    QNetworkRequest original;
    QPointer<QObject> context;
    HttpCallback done;
    int maxAttempts;
    int attempt = 0;
    int hops = 0;
    bool triedToken = false;
};

void attempt(std::shared_ptr<GetState> s, QNetworkRequest request);
void fetchToken(const std::shared_ptr<GetState>& s, const HttpResponse& challenge);

void finish(const std::shared_ptr<GetState>& s, const HttpResponse& r) {
    if (s->context) s->done(r);
}

bool transient(const HttpResponse& r) {
    if (r.status == 0) return true;
    return r.status == 408 || r.status == 429 || r.status >= 500;
}

void retryOrFinish(const std::shared_ptr<GetState>& s, const HttpResponse& r) {
    if (!transient(r) || ++s->attempt >= s->maxAttempts) return finish(s, r);
    int delay = retryAfterMs(r);
    if (delay < 0) delay = s->settings.backoffBaseMs << (s->attempt - 1);
    s->hops = 0;
    QTimer::singleShot(delay, s->context, [s] { attempt(s, s->original); });
}

void attempt(std::shared_ptr<GetState> s, QNetworkRequest request) {
    if (!s->context) return;
    HttpResponse policy;
    policy.url = request.url();
    if (const QString e = urlPolicyError(request.url()); !e.isEmpty()) {
        policy.error = e;
        return finish(s, policy);
    }
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader, s->settings.userAgent);
    request.setTransferTimeout(s->settings.stallTimeoutMs);
    QNetworkReply* reply = s->nam->get(request);
    QObject::connect(reply, &QNetworkReply::finished, s->context, [s, reply, request] {
        reply->deleteLater();
        HttpResponse r;
        r.url = request.url();
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.headers = reply->rawHeaderPairs();
        r.body = reply->readAll();
        if (r.status == 0) r.error = reply->errorString();
        if (r.status >= 300 && r.status < 400 && !r.header("Location").isEmpty()) {
            if (++s->hops > 10) {
                r.error = QStringLiteral("too many redirects (more than 10) for %1")
                              .arg(s->original.url().toString());
                r.status = 0;
                return finish(s, r);
            }
            QNetworkRequest next = request;
            next.setUrl(request.url().resolved(QUrl::fromEncoded(r.header("Location"))));
            // Presigned CDN URLs must not receive our credentials.
            if (next.url().host() != request.url().host()) next.setRawHeader("Authorization", {});
            return attempt(s, next);
        }
        if (r.status == 401 && !s->triedToken && r.header("WWW-Authenticate").startsWith("Bearer "))
            return fetchToken(s, r);
        r.authorization = request.rawHeader("Authorization");
        retryOrFinish(s, r);
    });
}

// Docker registry token flow: GET <realm>?service=<service>&scope=<scope> -> {"token":...}.
void fetchToken(const std::shared_ptr<GetState>& s, const HttpResponse& challenge) {
    s->triedToken = true;
    static const QRegularExpression param(QStringLiteral("(\\w+)=\"([^\"]*)\""));
    QString realm, service, scope;
    auto it = param.globalMatch(QString::fromLatin1(challenge.header("WWW-Authenticate")));
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.captured(1) == QLatin1String("realm")) realm = m.captured(2);
        if (m.captured(1) == QLatin1String("service")) service = m.captured(2);
        if (m.captured(1) == QLatin1String("scope")) scope = m.captured(2);
    }
    QUrl url(realm);
    // Like Ollama: a token is only asked for from the registry's own host.
    if (url.host() != s->original.url().host() || !urlPolicyError(url).isEmpty())
        return finish(s, challenge);
    QUrlQuery q;
    if (!service.isEmpty()) q.addQueryItem(QStringLiteral("service"), service);
    if (!scope.isEmpty()) q.addQueryItem(QStringLiteral("scope"), scope);
    url.setQuery(q);
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::UserAgentHeader, s->settings.userAgent);
    QNetworkReply* reply = s->nam->get(req);
    QObject::connect(reply, &QNetworkReply::finished, s->context, [s, reply, challenge] {
        reply->deleteLater();
        const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
        QString token = o.value(QStringLiteral("token")).toString();
        if (token.isEmpty()) token = o.value(QStringLiteral("access_token")).toString();
        if (token.isEmpty()) return finish(s, challenge);
        s->original.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        s->hops = 0;
        attempt(s, s->original);
    });
}

} // namespace

void httpGet(QNetworkAccessManager* nam, const DownloadSettings& settings, QNetworkRequest request,
             QObject* context, HttpCallback done, int maxAttempts) {
    auto s = std::make_shared<GetState>(
        GetState{nam, settings, request, context, std::move(done), maxAttempts});
    attempt(s, request);
}

} // namespace hearth
