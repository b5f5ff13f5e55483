// ChunkFetch: one byte range of a blob over one connection, retried from where it stopped.
#include "app/core/download_chunk.h"

#include "app/core/download_blob.h"
#include "app/core/download_http.h"

#include <QNetworkAccessManager>
#include <QRegularExpression>

namespace hearth {

ChunkFetch::ChunkFetch(QNetworkAccessManager* nam, const DownloadSettings& settings,
                       const BlobSource& source, BandwidthLimiter* limiter, Hooks hooks,
                       QObject* parent)
    : QObject(parent), nam_(nam), settings_(settings), source_(source), limiter_(limiter),
      hooks_(std::move(hooks)) {
    stallTimer_.setInterval(std::max(50, std::min(1000, settings_.stallTimeoutMs / 2)));
    connect(&stallTimer_, &QTimer::timeout, this, &ChunkFetch::onStallCheck);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, [this] { request(hooks_.url(), 0); });
}

ChunkFetch::~ChunkFetch() {
    dropReply();
}

void ChunkFetch::start(int index, qint64 offset, qint64 end, bool openEnded) {
    stop();
    busy_ = true;
    index_ = index;
    offset_ = offset;
    end_ = end;
    openEnded_ = openEnded;
    attempts_ = 0;
    request(hooks_.url(), 0);
}

void ChunkFetch::rebase(int index, qint64 end) {
    index_ = index;
    offset_ = 0;
    end_ = end;
    openEnded_ = true;
    accepted_ = true;
}

void ChunkFetch::stop() {
    dropReply();
    retryTimer_.stop();
    busy_ = false;
}

void ChunkFetch::request(const QUrl& url, int hop) {
    if (!busy_) return;
    if (const QString e = urlPolicyError(url); !e.isEmpty()) return done(false, e);
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setHeader(QNetworkRequest::UserAgentHeader, settings_.userAgent);
    req.setRawHeader("Accept-Encoding", "identity");
    if (!openEnded_)
        req.setRawHeader("Range", "bytes=" + QByteArray::number(offset_) + "-" +
                                      QByteArray::number(end_ - 1));
    else if (offset_ > 0)
        req.setRawHeader("Range", "bytes=" + QByteArray::number(offset_) + "-");
    addHfAuth(req, settings_); // only on the HF host; a CDN never sees the token
    if (!source_.authorization.isEmpty() && url.host() == source_.url.host())
        req.setRawHeader("Authorization", source_.authorization);
    // A request that starts at the cached CDN URL counts as redirected: a 401/403 there means
    // the link expired, not that we lack access.
    hop_ = (hop == 0 && url != source_.url) ? 1 : hop;
    requestUrl_ = url;
    accepted_ = false;
    attemptBytes_ = 0;
    reply_ = nam_->get(req);
    if (limiter_ && limiter_->limit() > 0)
        reply_->setReadBufferSize(std::max<qint64>(16 << 10, limiter_->limit() / 5));
    connect(reply_, &QNetworkReply::metaDataChanged, this, &ChunkFetch::onMetaData);
    connect(reply_, &QNetworkReply::readyRead, this, [this] {
        if (accepted_) drain();
    });
    connect(reply_, &QNetworkReply::finished, this, &ChunkFetch::onFinished);
    lastByte_.restart();
    stallTimer_.start();
}

void ChunkFetch::onMetaData() {
    if (!reply_ || accepted_) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 length = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (status == 200) {
        if (reply_->hasRawHeader("Content-Length") && length != source_.size)
            return done(false, QStringLiteral("size mismatch: the server has %1 bytes, expected %2")
                                   .arg(length)
                                   .arg(source_.size));
        if (offset_ == 0 && openEnded_) {
            accepted_ = true;
        } else {
            // The whole body where a range was asked for: the owner decides.
            QPointer<ChunkFetch> self(this);
            hooks_.wholeBody(this);
            if (!self || !accepted_) return;
        }
    } else if (status == 206) {
        static const QRegularExpression re(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const QString range = QString::fromLatin1(reply_->rawHeader("Content-Range")).trimmed();
        const auto m = re.match(range);
        if (!m.hasMatch() || m.captured(1).toLongLong() != offset_ ||
            m.captured(2).toLongLong() >= end_)
            return done(false, QStringLiteral("the server answered a Range request for bytes "
                                              "%1-%2 with Content-Range '%3'")
                                   .arg(offset_)
                                   .arg(end_ - 1)
                                   .arg(range));
        if (m.captured(3) != QLatin1String("*") && m.captured(3).toLongLong() != source_.size)
            return done(false, QStringLiteral("size mismatch: the server has %1 bytes, expected %2")
                                   .arg(m.captured(3))
                                   .arg(source_.size));
        accepted_ = true;
    } else {
        return;
    }
    if (hop_ > 0 && hooks_.resolved) hooks_.resolved(requestUrl_);
    if (hooks_.accepted) hooks_.accepted(this);
}

void ChunkFetch::drain() {
    if (!reply_ || !accepted_ || !busy_) return;
    const bool finishing = reply_->isFinished();
    while (reply_ && reply_->bytesAvailable() > 0) {
        qint64 n = std::min(reply_->bytesAvailable(), end_ - offset_);
        if (n <= 0)
            return done(false, QStringLiteral("the server sent more than the %1 bytes asked for")
                                   .arg(end_ - (openEnded_ ? 0 : offset_)));
        if (limiter_ && !finishing) n = limiter_->take(n);
        if (n <= 0) return; // the limiter's next tick calls drain() again
        const QByteArray data = reply_->read(n);
        if (const QString e = hooks_.write(offset_, data); !e.isEmpty()) return done(false, e);
        offset_ += data.size();
        attemptBytes_ += data.size();
        lastByte_.restart();
    }
    if (offset_ == end_ && reply_ && reply_->isFinished()) done(true, {});
}

void ChunkFetch::onFinished() {
    if (!reply_ || !busy_) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400 && reply_->hasRawHeader("Location")) {
        if (hop_ >= 10) return done(false, QStringLiteral("too many redirects (more than 10)"));
        const QUrl next = reply_->url().resolved(QUrl::fromEncoded(reply_->rawHeader("Location")));
        const int hop = hop_ + 1;
        dropReply();
        return request(next, hop);
    }
    if (accepted_) {
        drain();
        if (!busy_ || !reply_) return;
        if (offset_ == end_) return done(true, {});
        if (attemptBytes_ > 0) attempts_ = 0; // progress was made: a fresh retry budget
        return retryLater(QStringLiteral("connection dropped at byte %1 of %2 (%3)")
                              .arg(offset_)
                              .arg(source_.size)
                              .arg(reply_->errorString()),
                          true);
    }
    if (status == 0) return retryLater(reply_->errorString(), true);
    HttpResponse r;
    r.status = status;
    r.headers = reply_->rawHeaderPairs();
    const QString detail = QString::fromUtf8(reply_->rawHeader("X-Error-Message"));
    const QString where = reply_->url().host();
    if (status == 408 || status == 429 || status >= 500)
        return retryLater(QStringLiteral("HTTP %1 from %2").arg(status).arg(where), true,
                          retryAfterMs(r));
    // A presigned CDN link may have expired: go back to the registry for a fresh one.
    if ((status == 401 || status == 403) && hop_ > 0) {
        if (hooks_.expired) hooks_.expired();
        return retryLater(QStringLiteral("HTTP %1 from %2").arg(status).arg(where), true);
    }
    if (status == 416)
        return done(false, QStringLiteral("the server refused the byte range %1-%2 (HTTP 416 "
                                          "from %3): its file is not the expected %4 bytes")
                               .arg(offset_)
                               .arg(end_ - 1)
                               .arg(where)
                               .arg(source_.size));
    if (status == 404)
        return done(false, QStringLiteral("blob %1 not found on %2").arg(source_.digest, where));
    done(false, QStringLiteral("HTTP %1 from %2%3")
                    .arg(status)
                    .arg(where, detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
}

void ChunkFetch::onStallCheck() {
    if (!reply_ || lastByte_.elapsed() < settings_.stallTimeoutMs) return;
    const bool gotBytes = attemptBytes_ > 0;
    if (gotBytes) attempts_ = 0;
    retryLater(QStringLiteral("no data for %1 ms").arg(settings_.stallTimeoutMs), !gotBytes, 0);
}

void ChunkFetch::retryLater(const QString& why, bool counts, int delayMs) {
    dropReply();
    if (counts && ++attempts_ > settings_.maxRetries)
        return done(false, QStringLiteral("max retries exceeded: %1").arg(why));
    ++retriesUsed_;
    if (delayMs < 0) delayMs = settings_.backoffBaseMs << std::min(std::max(attempts_ - 1, 0), 5);
    retryTimer_.start(delayMs);
}

void ChunkFetch::done(bool ok, const QString& error) {
    stop();
    emit finished(ok, error);
}

void ChunkFetch::dropReply() {
    stallTimer_.stop();
    QNetworkReply* r = reply_;
    if (!r) return;
    reply_ = nullptr;
    accepted_ = false;
    r->disconnect(this);
    r->abort();
    r->deleteLater();
}

} // namespace hearth
