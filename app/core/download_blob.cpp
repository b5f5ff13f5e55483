// BlobDownload: one blob streamed into a resumable partial file, hashed on the way in.
#include "app/core/download_blob.h"

#include "app/core/download_http.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

#include <cstdio>

namespace hearth {

namespace {

QString hexOf(const QString& digest) {
    return digest.mid(7);
}

QString sidecarPath(const QString& root, const QString& digest) {
    return BlobDownload::partialDir(root) + QStringLiteral("/sha256-") + hexOf(digest) +
           QStringLiteral(".json");
}

bool sidecarMatches(const QString& root, const BlobSource& source) {
    QFile f(sidecarPath(root, source.digest));
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    return o.value(QStringLiteral("digest")).toString() == source.digest &&
           o.value(QStringLiteral("size")).toInteger() == source.size;
}

} // namespace

BandwidthLimiter::BandwidthLimiter(qint64 bytesPerSecond, QObject* parent)
    : QObject(parent), limit_(bytesPerSecond) {
    if (limit_ <= 0) return;
    tick_.setInterval(100);
    connect(&tick_, &QTimer::timeout, this, [this] {
        budget_ = std::min(budget_ + limit_ / 10, limit_ / 5); // at most two ticks of burst
        emit refilled();
    });
    tick_.start();
}

qint64 BandwidthLimiter::take(qint64 wanted) {
    if (limit_ <= 0) return wanted;
    const qint64 n = std::min(wanted, budget_);
    budget_ -= n;
    return n;
}

BlobDownload::BlobDownload(QNetworkAccessManager* nam, const DownloadSettings& settings,
                           QString storeRoot, BlobSource source, BandwidthLimiter* limiter,
                           QObject* parent)
    : QObject(parent), nam_(nam), settings_(settings), root_(std::move(storeRoot)),
      source_(std::move(source)), limiter_(limiter) {
    stallTimer_.setInterval(std::max(50, std::min(1000, settings_.stallTimeoutMs / 2)));
    connect(&stallTimer_, &QTimer::timeout, this, &BlobDownload::onStallCheck);
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, [this] { request(source_.url, 0); });
    if (limiter_) connect(limiter_, &BandwidthLimiter::refilled, this, &BlobDownload::drain);
}

BlobDownload::~BlobDownload() {
    dropReply();
}

QString BlobDownload::partialDir(const QString& storeRoot) {
    return storeRoot + QStringLiteral("/.hearth-partial");
}

QString BlobDownload::partialPath(const QString& storeRoot, const QString& digest) {
    return partialDir(storeRoot) + QStringLiteral("/sha256-") + hexOf(digest) +
           QStringLiteral(".partial");
}

qint64 BlobDownload::partialBytes(const QString& storeRoot, const BlobSource& source) {
    if (!sidecarMatches(storeRoot, source)) return 0;
    const qint64 n = QFileInfo(partialPath(storeRoot, source.digest)).size();
    return n <= source.size ? n : 0;
}

void BlobDownload::start() {
    if (state_ == State::Running || state_ == State::Done) return;
    state_ = State::Running;
    error_.clear();
    if (!file_.isOpen() && !openPartial()) return;
    if (received_ == source_.size) return complete();
    attempts_ = 0;
    request(source_.url, 0);
}

bool BlobDownload::openPartial() {
    if (!QDir().mkpath(partialDir(root_))) {
        fail(QStringLiteral("cannot create %1").arg(partialDir(root_)));
        return false;
    }
    const bool resumable = sidecarMatches(root_, source_);
    file_.setFileName(partialPath(root_, source_.digest));
    if (!file_.open(QIODevice::ReadWrite)) {
        fail(QStringLiteral("cannot write %1: %2").arg(file_.fileName(), file_.errorString()));
        return false;
    }
    if (!resumable || file_.size() > source_.size) file_.resize(0);
    // Resuming in a new process: the hash state is gone, so hash the bytes already on disk once.
    hash_.reset();
    received_ = 0;
    while (!file_.atEnd()) {
        const QByteArray chunk = file_.read(4 << 20);
        if (chunk.isEmpty()) break;
        hash_.addData(chunk);
        received_ += chunk.size();
    }
    writeSidecar();
    return true;
}

void BlobDownload::writeSidecar() {
    QJsonObject o;
    o[QStringLiteral("digest")] = source_.digest;
    o[QStringLiteral("size")] = source_.size;
    o[QStringLiteral("url")] = source_.url.toString();
    QFile f(sidecarPath(root_, source_.digest));
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

void BlobDownload::request(const QUrl& url, int hop) {
    if (state_ != State::Running) return;
    if (const QString e = urlPolicyError(url); !e.isEmpty()) return fail(e);
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setHeader(QNetworkRequest::UserAgentHeader, settings_.userAgent);
    req.setRawHeader("Accept-Encoding", "identity");
    if (received_ > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(received_) + "-");
    addHfAuth(req, settings_); // only on the HF host; a CDN never sees the token
    if (!source_.authorization.isEmpty() && url.host() == source_.url.host())
        req.setRawHeader("Authorization", source_.authorization);
    hop_ = hop;
    accepted_ = false;
    attemptBytes_ = 0;
    reply_ = nam_->get(req);
    if (limiter_ && limiter_->limit() > 0)
        reply_->setReadBufferSize(std::max<qint64>(16 << 10, limiter_->limit() / 5));
    connect(reply_, &QNetworkReply::metaDataChanged, this, &BlobDownload::onMetaData);
    connect(reply_, &QNetworkReply::readyRead, this, &BlobDownload::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &BlobDownload::onFinished);
    lastByte_.restart();
    stallTimer_.start();
}

void BlobDownload::onMetaData() {
    if (!reply_ || accepted_) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 length = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (status == 200) {
        // A server that ignores Range sends the whole file: start over rather than misplace bytes.
        if (received_ > 0) restartFromZero();
        if (reply_->hasRawHeader("Content-Length") && length != source_.size)
            return fail(QStringLiteral("size mismatch: the server has %1 bytes, expected %2")
                            .arg(length)
                            .arg(source_.size));
        accepted_ = true;
    } else if (status == 206) {
        static const QRegularExpression re(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const auto m = re.match(QString::fromLatin1(reply_->rawHeader("Content-Range")).trimmed());
        if (!m.hasMatch() || m.captured(1).toLongLong() != received_)
            return fail(QStringLiteral("the server answered a Range request for byte %1 with "
                                       "Content-Range '%2'")
                            .arg(received_)
                            .arg(QString::fromLatin1(reply_->rawHeader("Content-Range"))));
        if (m.captured(3) != QLatin1String("*") && m.captured(3).toLongLong() != source_.size)
            return fail(QStringLiteral("size mismatch: the server has %1 bytes, expected %2")
                            .arg(m.captured(3))
                            .arg(source_.size));
        accepted_ = true;
    }
}

void BlobDownload::onReadyRead() {
    if (accepted_) drain();
}

void BlobDownload::drain() {
    if (!reply_ || !accepted_ || state_ != State::Running) return;
    const bool finishing = reply_->isFinished();
    while (reply_ && reply_->bytesAvailable() > 0) {
        qint64 n = reply_->bytesAvailable();
        if (limiter_ && !finishing) n = limiter_->take(n);
        if (n <= 0) return; // the limiter's next tick calls drain() again
        const QByteArray data = reply_->read(n);
        if (received_ + data.size() > source_.size)
            return fail(QStringLiteral("size mismatch: the server sent more than %1 bytes")
                            .arg(source_.size));
        if (settings_.beforeWrite && !settings_.beforeWrite(data.size()))
            return fail(
                QStringLiteral("cannot write %1: No space left on device").arg(file_.fileName()));
        if (file_.write(data) != data.size())
            return fail(
                QStringLiteral("cannot write %1: %2").arg(file_.fileName(), file_.errorString()));
        hash_.addData(data);
        received_ += data.size();
        attemptBytes_ += data.size();
        lastByte_.restart();
    }
    emit progressed();
}

void BlobDownload::onFinished() {
    if (!reply_ || state_ != State::Running) return;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400 && reply_->hasRawHeader("Location")) {
        if (hop_ >= 10) return fail(QStringLiteral("too many redirects (more than 10)"));
        const QUrl next = reply_->url().resolved(QUrl::fromEncoded(reply_->rawHeader("Location")));
        const int hop = hop_ + 1;
        dropReply();
        return request(next, hop);
    }
    if (accepted_) {
        drain();
        if (state_ != State::Running) return;
        if (received_ == source_.size) return complete();
        if (attemptBytes_ > 0) attempts_ = 0; // progress was made: a fresh retry budget
        return retryLater(QStringLiteral("connection dropped at byte %1 of %2 (%3)")
                              .arg(received_)
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
    if ((status == 401 || status == 403) && hop_ > 0)
        return retryLater(QStringLiteral("HTTP %1 from %2").arg(status).arg(where), true);
    if (status == 404)
        return fail(QStringLiteral("blob %1 not found on %2").arg(source_.digest, where));
    fail(QStringLiteral("HTTP %1 from %2%3")
             .arg(status)
             .arg(where, detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
}

void BlobDownload::onStallCheck() {
    if (!reply_ || lastByte_.elapsed() < settings_.stallTimeoutMs) return;
    const bool gotBytes = attemptBytes_ > 0;
    if (gotBytes) attempts_ = 0;
    retryLater(QStringLiteral("no data for %1 ms").arg(settings_.stallTimeoutMs), !gotBytes, 0);
}

void BlobDownload::retryLater(const QString& why, bool counts, int delayMs) {
    dropReply();
    if (counts && ++attempts_ > settings_.maxRetries)
        return fail(QStringLiteral("max retries exceeded: %1").arg(why));
    ++retriesUsed_;
    if (delayMs < 0) delayMs = settings_.backoffBaseMs << std::min(std::max(attempts_ - 1, 0), 5);
    retryTimer_.start(delayMs);
}

void BlobDownload::restartFromZero() {
    file_.resize(0);
    file_.seek(0);
    hash_.reset();
    received_ = 0;
}

void BlobDownload::complete() {
    dropReply();
    file_.flush();
    file_.close();
    const QString got = QString::fromLatin1(hash_.result().toHex());
    const QString want = hexOf(source_.digest).toLower();
    if (got != want) {
        removePartial();
        return fail(QStringLiteral("digest mismatch, file must be downloaded again: want "
                                   "sha256:%1, got sha256:%2")
                        .arg(want, got));
    }
    const QString blobs = root_ + QStringLiteral("/blobs");
    QDir().mkpath(blobs);
    const QString dest = blobs + QStringLiteral("/sha256-") + want;
    const QString from = partialPath(root_, source_.digest);
    // rename(2) replaces atomically; both paths are under the store root (same filesystem).
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(dest).constData()) != 0)
        return fail(QStringLiteral("cannot move the blob into %1").arg(blobs));
    QFile::setPermissions(dest, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                    QFileDevice::ReadGroup | QFileDevice::ReadOther);
    QFile::remove(sidecarPath(root_, source_.digest));
    state_ = State::Done;
    emit progressed();
    emit finished();
}

void BlobDownload::fail(const QString& message) {
    dropReply();
    retryTimer_.stop();
    if (file_.isOpen()) file_.close(); // the partial stays for a later resume
    state_ = State::Failed;
    error_ = message;
    emit finished();
}

void BlobDownload::pause() {
    if (state_ != State::Running) return;
    dropReply();
    retryTimer_.stop();
    file_.flush();
    state_ = State::Paused;
    emit progressed();
}

void BlobDownload::cancel() {
    if (state_ == State::Done || state_ == State::Cancelled) return;
    dropReply();
    retryTimer_.stop();
    if (file_.isOpen()) file_.close();
    removePartial();
    received_ = 0;
    state_ = State::Cancelled;
    error_ = QStringLiteral("cancelled");
    emit finished();
}

void BlobDownload::removePartial() {
    QFile::remove(partialPath(root_, source_.digest));
    QFile::remove(sidecarPath(root_, source_.digest));
}

void BlobDownload::dropReply() {
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
