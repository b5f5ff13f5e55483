// RemoteGgufHeader: see remote_gguf_header.h.
#include "app/core/remote_gguf_header.h"

#include "app/core/byte_size.h"
#include "app/core/download_http.h"
#include "app/core/hf_client.h"
#include "engine/gguf/gguf_split.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

#include <utility>

namespace hearth {

namespace {

constexpr qint64 kMaxErrorBody = 64 * 1024;
constexpr int kMaxRedirects = 10;
constexpr int kMaxRetries = 3; // transient failures (network, 5xx, 408, 429), for the whole read
constexpr int kMaxSplitParts = 256; // gguf-split sets are tens of parts; more is not a model
// Later parts hold split.* keys and tensor infos only: a small first range is enough.
constexpr qint64 kPartFirstRangeBytes = 256 * 1024;

bool isTransient(int status) {
    return status == 0 || status == 408 || status == 429 || status >= 500;
}

bool isHfHost(const QString& host) {
    for (const char* h : {"huggingface.co", "www.huggingface.co", "hf.co"})
        if (host.compare(QLatin1String(h), Qt::CaseInsensitive) == 0) return true;
    return false;
}

// A huggingface.co URL pointed at the configured endpoint (HF_ENDPOINT, --hf-endpoint), so
// mirrors and loopback mocks receive what the user typed for the real Hub.
QUrl onEndpoint(const QUrl& url, const QUrl& endpoint) {
    QUrl out = endpoint;
    QString base = endpoint.path();
    if (base.endsWith(QLatin1Char('/'))) base.chop(1);
    out.setPath(base + url.path());
    out.setQuery(url.query());
    return out;
}

// "owner/repo[:TAG]" or "owner/repo/path/file.gguf" -> repo and tag (a quant label or a path).
bool splitRepoSpec(const QString& text, QString* repo, QString* tag) {
    const QStringList parts = text.split(QLatin1Char('/'));
    if (parts.size() < 2 || parts[0].isEmpty() || parts[1].isEmpty()) return false;
    QString name = parts[1];
    tag->clear();
    if (parts.size() == 2 && name.contains(QLatin1Char(':'))) {
        *tag = name.section(QLatin1Char(':'), 1);
        name = name.section(QLatin1Char(':'), 0, 0);
    } else if (parts.size() > 2) {
        *tag = parts.mid(2).join(QLatin1Char('/'));
    }
    // Ollama's default tag means "the usual pick" here too.
    if (tag->compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0) tag->clear();
    *repo = parts[0] + QLatin1Char('/') + name;
    return !name.isEmpty();
}

// "/owner/repo/resolve/main/dir/x.gguf" -> "owner/repo/dir/x.gguf"; otherwise the file name.
QString nameFromUrl(const QUrl& url) {
    static const QRegularExpression hfPath(
        QStringLiteral("/([^/]+/[^/]+)/(?:resolve|blob)/[^/]+/(.+)$"));
    if (const auto m = hfPath.match(url.path()); m.hasMatch())
        return m.captured(1) + QLatin1Char('/') + m.captured(2);
    return url.fileName();
}

// The URL of part `number` (1-based) of a split model whose first part is at `first`
// (".../x-00001-of-00003.gguf"); invalid when the name is not part 1 of `count`.
QUrl splitPartUrl(const QUrl& first, int number, int count) {
    static const QRegularExpression re(QStringLiteral("-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QString path = first.path();
    const auto m = re.match(path);
    if (!m.hasMatch() || m.captured(1).toInt() != 1 || m.captured(2).toInt() != count) return {};
    QUrl out = first;
    out.setPath(path.left(m.capturedStart()) + QStringLiteral("-%1-of-%2.gguf")
                                                   .arg(number, 5, 10, QLatin1Char('0'))
                                                   .arg(count, 5, 10, QLatin1Char('0')));
    return out;
}

} // namespace

std::vector<const GgufFile*> RemoteGguf::headers() const {
    std::vector<const GgufFile*> out{gguf.get()};
    for (const auto& p : laterParts) out.push_back(p->gguf.get());
    return out;
}

qint64 RemoteGguf::totalFileSize() const {
    qint64 total = fileSize;
    for (const auto& p : laterParts)
        total = total < 0 || p->fileSize < 0 ? -1 : total + p->fileSize;
    return total;
}

qint64 RemoteGguf::totalBytesRead() const {
    qint64 total = bytesRead;
    for (const auto& p : laterParts) total += p->bytesRead;
    return total;
}

int RemoteGguf::totalRequests() const {
    int total = requests;
    for (const auto& p : laterParts) total += p->requests;
    return total;
}

bool looksLikeRemoteGguf(const QString& spec) {
    const QString s = spec.trimmed();
    for (const char* prefix : {"http://", "https://", "hf:", "hf.co/", "huggingface.co/"})
        if (s.startsWith(QLatin1String(prefix), Qt::CaseInsensitive)) return true;
    return false;
}

RemoteGgufHeader::RemoteGgufHeader(QNetworkAccessManager* nam, DownloadSettings settings,
                                   RemoteHeaderLimits limits, QObject* parent)
    : QObject(parent), nam_(nam), settings_(std::move(settings)), limits_(limits) {
    limits_.firstRangeBytes = std::max<qint64>(limits_.firstRangeBytes, 64);
    limits_.maxHeaderBytes = std::max(limits_.maxHeaderBytes, limits_.firstRangeBytes);
    stall_.setSingleShot(true);
    connect(&stall_, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no data from %1 for %2 s")
                 .arg(reply_ ? reply_->url().host() : QString())
                 .arg(settings_.stallTimeoutMs / 1000));
    });
}

RemoteGgufHeader::~RemoteGgufHeader() {
    dropReply();
}

void RemoteGgufHeader::start(const QString& specIn) {
    result_ = std::make_unique<RemoteGguf>();
    const QString spec = specIn.trimmed();
    result_->spec = spec;
    if (const QString e = urlPolicyError(settings_.hfEndpoint); !e.isEmpty())
        return fail(QStringLiteral("Hugging Face endpoint: %1").arg(e));

    QString repo, tag;
    QUrl url;
    if (spec.startsWith(QLatin1String("hf:"), Qt::CaseInsensitive)) {
        if (!splitRepoSpec(spec.mid(3), &repo, &tag))
            return fail(QStringLiteral("'%1': expected hf:owner/repo[:QUANT] or "
                                       "hf:owner/repo/file.gguf")
                            .arg(spec));
        return resolveHf(repo, tag);
    }
    if (!spec.contains(QLatin1String("://"))) {
        // hf.co/owner/repo:QUANT, or a URL typed without its scheme.
        const QString rest = spec.section(QLatin1Char('/'), 1);
        if (rest.contains(QLatin1String("/resolve/")) || rest.contains(QLatin1String("/blob/"))) {
            url = onEndpoint(QUrl(QStringLiteral("https://huggingface.co/") + rest),
                             settings_.hfEndpoint);
        } else {
            if (!splitRepoSpec(rest, &repo, &tag))
                return fail(QStringLiteral("'%1': expected hf.co/owner/repo[:QUANT]").arg(spec));
            return resolveHf(repo, tag);
        }
    } else {
        url = QUrl(spec);
        if (isHfHost(url.host())) {
            url = onEndpoint(url, settings_.hfEndpoint);
            // A repository page: the usual file, as `pull` would pick it.
            const QStringList parts = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
            if (parts.size() == 2) return resolveHf(parts[0] + QLatin1Char('/') + parts[1], {});
        }
    }
    // A file page ("blob") shows HTML; its bytes are under "resolve".
    static const QRegularExpression blob(QStringLiteral("^(/[^/]+/[^/]+)/blob/"));
    url.setPath(url.path().replace(blob, QStringLiteral("\\1/resolve/")));
    if (const QString e = urlPolicyError(url); !e.isEmpty()) return fail(e);
    result_->url = url;
    result_->displayName = nameFromUrl(url);
    fetchRange(url, 0, limits_.firstRangeBytes - 1, 0);
}

void RemoteGgufHeader::resolveHf(const QString& repo, const QString& tag) {
    hfRepo_ = repo;
    hf_ = std::make_unique<HfClient>(nam_, settings_);
    hf_->listFiles(repo, this, [this, repo, tag](QVector<HfFile> files, QString error) {
        if (done_) return;
        if (!error.isEmpty()) return fail(error);
        auto file = pickHfFile(files, tag);
        if (!file)
            return fail(tag.isEmpty()
                            ? QStringLiteral("%1 has no GGUF model file").arg(repo)
                            : QStringLiteral("%1 has no GGUF file matching '%2'").arg(repo, tag));
        result_->url = hf_->resolveUrl(repo, file->path);
        result_->displayName = repo + QLatin1Char('/') + file->path;
        if (file->size > 0) result_->fileSize = file->size;
        fetchRange(result_->url, 0, limits_.firstRangeBytes - 1, 0);
    });
}

void RemoteGgufHeader::fetchRange(const QUrl& url, qint64 start, qint64 end, int hops) {
    if (const QString e = urlPolicyError(url); !e.isEmpty()) return fail(e);
    dropReply();
    rangeStart_ = start;
    rangeEnd_ = end;
    headersSeen_ = false;
    streaming_ = false;
    status_ = 0;
    servedEnd_ = -1;
    errorBody_.clear();
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    req.setRawHeader("Range", "bytes=" + QByteArray::number(start) + "-" + QByteArray::number(end));
    // Byte ranges of a compressed body would not be byte ranges of the file.
    req.setRawHeader("Accept-Encoding", "identity");
    req.setHeader(QNetworkRequest::UserAgentHeader, settings_.userAgent);
    addHfAuth(req, settings_); // only sent to the HF endpoint host, so a CDN hop drops it
    if (hops == 0) ++result_->requests;
    QNetworkReply* reply = nam_->get(req);
    // Back-pressure: a server that ignores Range must not be read faster than we consume it.
    reply->setReadBufferSize(1 << 20);
    reply->setProperty("hops", hops);
    reply_ = reply;
    connect(reply, &QNetworkReply::metaDataChanged, this, &RemoteGgufHeader::onHeaders);
    connect(reply, &QIODevice::readyRead, this, &RemoteGgufHeader::onData);
    connect(reply, &QNetworkReply::finished, this, &RemoteGgufHeader::onReplyFinished);
    stall_.start(settings_.stallTimeoutMs);
}

void RemoteGgufHeader::onHeaders() {
    if (!reply_ || headersSeen_) return;
    const QVariant code = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!code.isValid()) return;
    headersSeen_ = true;
    status_ = code.toInt();
    if (status_ == 206) {
        // "bytes 0-2097151/123456789"
        static const QRegularExpression cr(QStringLiteral("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$"));
        const auto m = cr.match(QString::fromLatin1(reply_->rawHeader("Content-Range")));
        if (!m.hasMatch() || m.captured(1).toLongLong() != rangeStart_)
            return fail(QStringLiteral("%1 answered the range request for bytes %2- with '%3'")
                            .arg(reply_->url().host())
                            .arg(rangeStart_)
                            .arg(QString::fromLatin1(reply_->rawHeader("Content-Range"))));
        servedEnd_ = m.captured(2).toLongLong();
        if (m.captured(3) != QLatin1String("*")) result_->fileSize = m.captured(3).toLongLong();
    } else if (status_ == 200) {
        // The server ignored Range: the whole file follows. Read its start, then hang up.
        streaming_ = true;
        result_->bytes.clear();
        nextParseAt_ = std::max(limits_.firstRangeBytes, rangeEnd_ + 1);
        const QVariant len = reply_->header(QNetworkRequest::ContentLengthHeader);
        if (len.isValid()) result_->fileSize = len.toLongLong();
    } else if (status_ >= 300 && status_ < 400) {
        if (const QByteArray linked = reply_->rawHeader("X-Linked-Size"); !linked.isEmpty())
            result_->fileSize = linked.toLongLong();
    }
}

void RemoteGgufHeader::onData() {
    if (!reply_ || done_) return;
    stall_.start(settings_.stallTimeoutMs);
    onHeaders();
    if (done_) return;
    if (status_ != 200 && status_ != 206) {
        const QByteArray chunk = reply_->readAll();
        if (errorBody_.size() < kMaxErrorBody)
            errorBody_.append(chunk.left(kMaxErrorBody - errorBody_.size()));
        return;
    }
    const QByteArray chunk = reply_->readAll();
    result_->bytesRead += chunk.size();
    QByteArray& held = result_->bytes;
    const qint64 want = streaming_ ? limits_.maxHeaderBytes : rangeEnd_ + 1;
    held.append(chunk.left(std::max<qint64>(0, want - held.size())));
    if (held.size() >= 4 && !held.startsWith("GGUF"))
        return fail(QStringLiteral("%1 is not a GGUF file (it starts with %2)")
                        .arg(result_->displayName, QString::fromLatin1(held.left(4).toHex(' '))));
    if (!streaming_) return;
    if (held.size() >= nextParseAt_) {
        QString parseError;
        if (tryParse(&parseError)) return succeed();
        nextParseAt_ *= 2;
    }
    if (held.size() >= limits_.maxHeaderBytes)
        fail(QStringLiteral("%1 ignored the range request and sent the whole file; its first %2 "
                            "hold no complete GGUF header, so reading stopped there")
                 .arg(reply_->url().host(), byteSizeText(limits_.maxHeaderBytes)));
}

void RemoteGgufHeader::onReplyFinished() {
    if (!reply_ || done_) return;
    stall_.stop();
    onHeaders();
    if (done_) return;
    QNetworkReply* reply = reply_;
    const int hops = reply->property("hops").toInt();
    if (status_ >= 300 && status_ < 400) {
        const QByteArray location = reply->rawHeader("Location");
        if (location.isEmpty())
            return fail(QStringLiteral("HTTP %1 without a Location from %2")
                            .arg(status_)
                            .arg(reply->url().host()));
        if (hops >= kMaxRedirects)
            return fail(QStringLiteral("too many redirects (more than %1) for %2")
                            .arg(kMaxRedirects)
                            .arg(result_->url.toString()));
        const QUrl next = reply->url().resolved(QUrl::fromEncoded(location));
        return fetchRange(next, rangeStart_, rangeEnd_, hops + 1);
    }
    if (isTransient(status_) && retries_ < kMaxRetries) {
        // Start over from the URL the user gave: a presigned CDN link may be what failed.
        const int delay = settings_.backoffBaseMs << retries_++;
        const qint64 start = rangeStart_, end = rangeEnd_;
        dropReply();
        QTimer::singleShot(delay, this, [this, start, end] {
            if (!done_) fetchRange(result_->url, start, end, 0);
        });
        return;
    }
    if (status_ == 0)
        return fail(QStringLiteral("cannot read %1: %2")
                        .arg(reply->url().toString(QUrl::RemoveQuery), reply->errorString()));
    if (status_ == 416 && !result_->bytes.isEmpty()) return afterChunk(true); // past the end
    if (status_ != 200 && status_ != 206) {
        HttpResponse r;
        r.status = status_;
        r.body = errorBody_ + reply->readAll().left(kMaxErrorBody);
        r.url = reply->url();
        for (const auto& h : reply->rawHeaderPairs()) r.headers.append(h);
        const bool fromHf = !hfRepo_.isEmpty() ||
                            reply->url().host() == settings_.hfEndpoint.host() ||
                            !r.header("X-Error-Code").isEmpty();
        QString repo = hfRepo_;
        if (repo.isEmpty()) repo = result_->displayName.section(QLatin1Char('/'), 0, 1);
        return fail(fromHf ? describeHfError(r, repo)
                           : QStringLiteral("%1 answered HTTP %2 for %3")
                                 .arg(reply->url().host())
                                 .arg(status_)
                                 .arg(result_->displayName));
    }
    onData(); // anything still buffered
    if (done_) return;
    const qint64 held = result_->bytes.size();
    // The last byte this answer promised: the range asked for, as the server clipped it.
    qint64 promisedEnd = rangeEnd_;
    if (servedEnd_ >= 0) promisedEnd = std::min(promisedEnd, servedEnd_);
    if (result_->fileSize > 0) promisedEnd = std::min(promisedEnd, result_->fileSize - 1);
    const bool cut = streaming_ ? reply->error() != QNetworkReply::NoError : held <= promisedEnd;
    if (cut) {
        QString parseError;
        if (tryParse(&parseError)) return succeed();
        // A connection dropped inside the range: go on from the last byte that arrived.
        if (!streaming_ && retries_ < kMaxRetries) {
            const int delay = settings_.backoffBaseMs << retries_++;
            const qint64 end = rangeEnd_;
            const QUrl url = reply->url();
            dropReply();
            QTimer::singleShot(delay, this, [this, url, held, end] {
                if (!done_) fetchRange(url, held, end, 0);
            });
            return;
        }
        return fail(QStringLiteral("the connection to %1 broke after %2 bytes: %3")
                        .arg(reply->url().host())
                        .arg(held)
                        .arg(reply->errorString()));
    }
    // Everything promised arrived; fewer bytes than asked for means the file ended.
    afterChunk(streaming_ || held <= rangeEnd_);
}

void RemoteGgufHeader::afterChunk(bool fileEnded) {
    QString parseError;
    if (tryParse(&parseError)) return succeed();
    const qint64 held = result_->bytes.size();
    if (fileEnded || (result_->fileSize >= 0 && held >= result_->fileSize))
        return fail(QStringLiteral("%1 is not a usable GGUF file: %2")
                        .arg(result_->displayName, parseError));
    if (held >= limits_.maxHeaderBytes)
        return fail(
            QStringLiteral("the GGUF header of %1 is longer than %2 (the most read for a "
                           "header): %3")
                .arg(result_->displayName, byteSizeText(limits_.maxHeaderBytes), parseError));
    // Double what is held; the parser needs every metadata value and tensor entry.
    qint64 end = std::min(2 * held, limits_.maxHeaderBytes) - 1;
    if (result_->fileSize > 0) end = std::min(end, result_->fileSize - 1);
    fetchRange(reply_ ? reply_->url() : result_->url, held, end, 0);
}

bool RemoteGgufHeader::tryParse(QString* parseError) {
    const QByteArray& b = result_->bytes;
    auto parsed = GgufFile::parse(reinterpret_cast<const uint8_t*>(b.constData()),
                                  static_cast<size_t>(b.size()), true);
    if (!parsed) {
        *parseError = QString::fromStdString(parsed.error());
        return false;
    }
    result_->gguf = std::move(parsed).value();
    return true;
}

void RemoteGgufHeader::succeed() {
    dropReply();
    const auto count = result_->gguf->getInt(kSplitCountKey);
    if (followSplit_ && count && *count > 1) {
        if (result_->laterParts.empty()) {
            // Checked once, at part 1: which set this is and where its other parts are.
            const qint64 no = result_->gguf->getInt(kSplitNoKey).value_or(0);
            if (no != 0)
                return fail(QStringLiteral("%1 is part %2 of a %3-part split model; give its "
                                           "first part (-00001-of-%4.gguf)")
                                .arg(result_->displayName)
                                .arg(no + 1)
                                .arg(*count)
                                .arg(*count, 5, 10, QLatin1Char('0')));
            if (*count > kMaxSplitParts)
                return fail(QStringLiteral("%1 says the model has %2 parts (more than %3)")
                                .arg(result_->displayName)
                                .arg(*count)
                                .arg(kMaxSplitParts));
            if (!splitPartUrl(result_->url, 2, int(*count)).isValid())
                return fail(QStringLiteral("%1 is part 1 of a %2-part split model, but its name "
                                           "does not end in -00001-of-%3.gguf, so the other parts "
                                           "cannot be found")
                                .arg(result_->displayName)
                                .arg(*count)
                                .arg(*count, 5, 10, QLatin1Char('0')));
        }
        if (qint64(result_->laterParts.size()) + 1 < *count) return readNextPart();
    }
    done_ = true;
    emit finished();
}

void RemoteGgufHeader::readNextPart() {
    const int count = int(*result_->gguf->getInt(kSplitCountKey));
    const int number = int(result_->laterParts.size()) + 2;
    RemoteHeaderLimits partLimits = limits_;
    partLimits.firstRangeBytes = std::min(limits_.firstRangeBytes, kPartFirstRangeBytes);
    part_ = new RemoteGgufHeader(nam_, settings_, partLimits, this);
    part_->followSplit_ = false;
    connect(part_, &RemoteGgufHeader::finished, this, &RemoteGgufHeader::onPartFinished);
    part_->start(splitPartUrl(result_->url, number, count).toString());
}

void RemoteGgufHeader::onPartFinished() {
    RemoteGgufHeader* part = std::exchange(part_, nullptr);
    if (!part || done_) return;
    part->deleteLater(); // it is still emitting
    const int number = int(result_->laterParts.size()) + 2;
    const qint64 count = *result_->gguf->getInt(kSplitCountKey);
    std::unique_ptr<RemoteGguf> got = part->take();
    if (!part->error().isEmpty() || !got || !got->gguf)
        return fail(QStringLiteral("part %1 of %2 of the split model: %3")
                        .arg(number)
                        .arg(count)
                        .arg(part->error()));
    result_->laterParts.push_back(std::move(got));
    succeed();
}

void RemoteGgufHeader::fail(const QString& message) {
    if (done_) return;
    dropReply();
    if (RemoteGgufHeader* part = std::exchange(part_, nullptr)) {
        part->disconnect(this);
        part->deleteLater();
    }
    done_ = true;
    error_ = message;
    result_.reset();
    emit finished();
}

void RemoteGgufHeader::cancel() {
    fail(tr("cancelled"));
}

void RemoteGgufHeader::dropReply() {
    stall_.stop();
    if (!reply_) return;
    QNetworkReply* r = reply_;
    reply_ = nullptr;
    r->disconnect(this);
    r->abort();
    r->deleteLater();
}

RemoteFetchResult fetchRemoteGgufHeader(const QString& spec, const DownloadSettings& settings,
                                        const RemoteHeaderLimits& limits) {
    QNetworkAccessManager nam;
    RemoteGgufHeader header(&nam, settings, limits);
    QEventLoop loop;
    QObject::connect(&header, &RemoteGgufHeader::finished, &loop, &QEventLoop::quit);
    header.start(spec);
    if (!header.done()) loop.exec();
    return {header.take(), header.error()};
}

} // namespace hearth
