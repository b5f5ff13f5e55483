// BlobDownload: one blob into a resumable partial file, in chunks or one stream, hashed on the way
// in.
#include "app/core/download_blob.h"

#include "engine/core/page_cache.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace hearth {

namespace {

QString hexOf(const QString& digest) {
    return digest.mid(7);
}

QString sidecarPath(const QString& root, const QString& digest) {
    return BlobDownload::partialDir(root) + QStringLiteral("/sha256-") + hexOf(digest) +
           QStringLiteral(".json");
}

// The sidecar's contents when it describes this blob, else an empty object.
QJsonObject readSidecar(const QString& root, const BlobSource& source) {
    QFile f(sidecarPath(root, source.digest));
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.value(QStringLiteral("digest")).toString() != source.digest ||
        o.value(QStringLiteral("size")).toInteger() != source.size)
        return {};
    return o;
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
    if (limiter_)
        connect(limiter_, &BandwidthLimiter::refilled, this, [this] {
            for (ChunkFetch* f : fetches_) f->drain();
        });
}

BlobDownload::~BlobDownload() {
    // Before the members they point at (settings, source) go.
    qDeleteAll(fetches_);
    fetches_.clear();
}

QString BlobDownload::partialDir(const QString& storeRoot) {
    return storeRoot + QStringLiteral("/.hearth-partial");
}

QString BlobDownload::partialPath(const QString& storeRoot, const QString& digest) {
    return partialDir(storeRoot) + QStringLiteral("/sha256-") + hexOf(digest) +
           QStringLiteral(".partial");
}

qint64 BlobDownload::partialBytes(const QString& storeRoot, const BlobSource& source) {
    const QJsonObject o = readSidecar(storeRoot, source);
    if (o.isEmpty()) return 0;
    const qint64 onDisk = QFileInfo(partialPath(storeRoot, source.digest)).size();
    if (o.contains(QStringLiteral("chunks"))) {
        qint64 n = 0;
        for (const QJsonValue v : o.value(QStringLiteral("chunks")).toArray()) n += v.toInteger();
        return n <= source.size && onDisk > 0 ? n : 0;
    }
    return onDisk <= source.size ? onDisk : 0;
}

qint64 BlobDownload::received() const {
    qint64 n = 0;
    for (const Chunk& c : chunks_) n += c.received;
    return n;
}

int BlobDownload::retries() const {
    int n = 0;
    for (const ChunkFetch* f : fetches_) n += f->retries();
    return n;
}

int BlobDownload::activeConnections() const {
    int n = 0;
    for (const ChunkFetch* f : fetches_) n += f->busy();
    return n;
}

void BlobDownload::start() {
    if (state_ == State::Running || state_ == State::Done) return;
    state_ = State::Running;
    error_.clear();
    noSpace_ = false;
    if (!file_.isOpen() && !openPartial()) return;
    schedule();
}

bool BlobDownload::openPartial() {
    if (!QDir().mkpath(partialDir(root_))) {
        fail(QStringLiteral("cannot create %1").arg(partialDir(root_)));
        return false;
    }
    const QJsonObject sidecar = readSidecar(root_, source_);
    file_.setFileName(partialPath(root_, source_.digest));
    if (!file_.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(QStringLiteral("cannot write %1: %2").arg(file_.fileName(), file_.errorString()));
        return false;
    }
    const qint64 onDisk = file_.size();
    chunks_.clear();
    const qint64 savedChunk = sidecar.value(QStringLiteral("chunkSize")).toInteger();
    const QJsonArray saved = sidecar.value(QStringLiteral("chunks")).toArray();
    if (savedChunk > 0 && saved.size() == (source_.size + savedChunk - 1) / savedChunk) {
        // Chunked progress from an earlier run; never trust more than the file holds.
        chunkSize_ = savedChunk;
        for (qsizetype i = 0; i < saved.size(); ++i) {
            Chunk c;
            c.begin = qint64(i) * savedChunk;
            c.end = std::min(c.begin + savedChunk, source_.size);
            c.received = std::clamp(saved[i].toInteger(), qint64(0), c.end - c.begin);
            c.received = std::min(c.received, std::max(qint64(0), onDisk - c.begin));
            chunks_.push_back(c);
        }
    } else {
        const bool resumable = !sidecar.isEmpty() && onDisk <= source_.size;
        if (!resumable) file_.resize(0);
        layOut(resumable ? onDisk : 0);
    }
    if (chunked() && file_.size() < source_.size) file_.resize(source_.size); // sparse
    // Resuming in a new process: the hash state is gone, so the prefix on disk is hashed once.
    hash_.reset();
    hashed_ = 0;
    rangeConfirmed_ = false;
    if (!hashPrefix()) return false;
    writeSidecar();
    return true;
}

void BlobDownload::layOut(qint64 singleStreamBytes) {
    const bool split = source_.size > settings_.chunkThreshold && settings_.chunkConnections > 1 &&
                       settings_.chunkSize > 0;
    chunkSize_ = split ? settings_.chunkSize : std::max<qint64>(1, source_.size);
    for (qint64 begin = 0; begin < source_.size || chunks_.isEmpty(); begin += chunkSize_) {
        Chunk c;
        c.begin = begin;
        c.end = std::min(begin + chunkSize_, source_.size);
        c.received = std::clamp(singleStreamBytes - begin, qint64(0), c.end - c.begin);
        chunks_.push_back(c);
    }
}

void BlobDownload::writeSidecar() {
    QJsonObject o;
    o[QStringLiteral("digest")] = source_.digest;
    o[QStringLiteral("size")] = source_.size;
    o[QStringLiteral("url")] = source_.url.toString();
    if (chunked()) {
        o[QStringLiteral("chunkSize")] = chunkSize_;
        QJsonArray received;
        for (const Chunk& c : chunks_) received.append(c.received);
        o[QStringLiteral("chunks")] = received;
    }
    // Replaced whole (rename), so a kill mid-write never leaves a sidecar that fails to parse.
    const QString path = sidecarPath(root_, source_.digest);
    QFile f(path + QStringLiteral(".tmp"));
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
        f.write(QJsonDocument(o).toJson(QJsonDocument::Compact)) > 0) {
        f.close();
        std::rename(QFile::encodeName(f.fileName()).constData(),
                    QFile::encodeName(path).constData());
    }
    sidecarClock_.restart();
}

ChunkFetch* BlobDownload::newFetch() {
    ChunkFetch::Hooks hooks;
    hooks.url = [this] { return resolvedUrl_.isValid() ? resolvedUrl_ : source_.url; };
    hooks.resolved = [this](const QUrl& url) { resolvedUrl_ = url; };
    hooks.expired = [this] { resolvedUrl_.clear(); };
    hooks.wholeBody = [this](ChunkFetch* f) { onWholeBody(f); };
    hooks.accepted = [this](ChunkFetch*) {
        if (chunked() && !rangeConfirmed_) {
            rangeConfirmed_ = true; // the probe got a 206: the other connections may start
            scheduleSoon();
        }
    };
    hooks.write = [this](qint64 offset, const QByteArray& data) { return write(offset, data); };
    auto* f = new ChunkFetch(nam_, settings_, source_, limiter_, std::move(hooks), this);
    connect(f, &ChunkFetch::finished, this,
            [this, f](bool ok, const QString& error) { onFetchFinished(f, ok, error); });
    fetches_.push_back(f);
    return f;
}

void BlobDownload::scheduleSoon() {
    if (scheduled_) return;
    scheduled_ = true;
    // Queued: a fetch that just finished must be out of its own call stack before it restarts.
    QTimer::singleShot(0, this, [this] {
        scheduled_ = false;
        schedule();
    });
}

void BlobDownload::schedule() {
    if (state_ != State::Running) return;
    if (!hashPrefix()) return;
    int frontier = 0;
    while (frontier < chunks_.size() && chunks_[frontier].complete()) ++frontier;
    if (frontier == chunks_.size()) return complete();
    const int connections = std::max(1, settings_.chunkConnections);
    const int allowed = chunked() && rangeConfirmed_ ? connections : 1; // a probe first
    // Bounded look-ahead: what arrives ahead of the hashed prefix is read back while still hot.
    const int lastChunk = std::min(int(chunks_.size()) - 1, frontier + 2 * connections);
    int active = activeConnections();
    for (int i = frontier; i <= lastChunk && active < allowed; ++i) {
        if (chunks_[i].complete()) continue;
        bool taken = false;
        for (const ChunkFetch* f : fetches_) taken = taken || (f->busy() && f->index() == i);
        if (taken) continue;
        ChunkFetch* fetch = nullptr;
        for (ChunkFetch* f : fetches_)
            if (!f->busy()) fetch = f;
        if (!fetch) fetch = newFetch();
        const Chunk& c = chunks_[i];
        fetch->start(i, c.begin + c.received, c.end, !chunked());
        ++active;
    }
}

QString BlobDownload::write(qint64 offset, const QByteArray& data) {
    const auto ioError = [this](int code) {
        noSpace_ = code == ENOSPC || code == EDQUOT;
        return QStringLiteral("cannot write %1: %2")
            .arg(file_.fileName(), QString::fromLocal8Bit(std::strerror(code)));
    };
    if (settings_.beforeWrite && !settings_.beforeWrite(data.size())) return ioError(ENOSPC);
    const int index = int(std::min<qint64>(offset / chunkSize_, chunks_.size() - 1));
    Chunk& c = chunks_[index];
    if (offset != c.begin + c.received || offset + data.size() > c.end)
        return QStringLiteral("internal error: bytes at %1 do not continue chunk %2")
            .arg(offset)
            .arg(index);
    qint64 done = 0;
    while (done < data.size()) {
        const ssize_t n = ::pwrite(file_.handle(), data.constData() + done,
                                   size_t(data.size() - done), off_t(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ioError(errno);
        done += n;
    }
    c.received += data.size();
    if (offset == hashed_) {
        hash_.addData(data); // the common case: bytes at the prefix never touch the disk again
        hashed_ += data.size();
        if (c.complete() && !hashPrefix()) return error_;
    }
    if (sidecarClock_.elapsed() > 1000) writeSidecar();
    return {};
}

bool BlobDownload::hashPrefix() {
    QByteArray buffer;
    while (hashed_ < source_.size) {
        const int index = int(std::min<qint64>(hashed_ / chunkSize_, chunks_.size() - 1));
        const Chunk& c = chunks_[index];
        const qint64 available = c.begin + c.received;
        while (hashed_ < available) {
            buffer.resize(qsizetype(std::min<qint64>(4 << 20, available - hashed_)));
            const ssize_t n =
                ::pread(file_.handle(), buffer.data(), size_t(buffer.size()), off_t(hashed_));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fail(QStringLiteral("cannot read back %1: %2")
                         .arg(file_.fileName(),
                              QString::fromLocal8Bit(std::strerror(n < 0 ? errno : EIO))));
                return false;
            }
            hash_.addData(QByteArrayView(buffer.constData(), n));
            hashed_ += n;
            reread_ += n;
        }
        if (!c.complete()) break;
    }
    return true;
}

void BlobDownload::onWholeBody(ChunkFetch* fetch) {
    // The server ignores Range: one stream from byte 0, whatever the ranges had brought.
    for (ChunkFetch* f : fetches_)
        if (f != fetch) f->stop();
    chunks_ = {Chunk{0, source_.size, 0}};
    chunkSize_ = std::max<qint64>(1, source_.size);
    file_.resize(0);
    hash_.reset();
    hashed_ = 0;
    fetch->rebase(0, source_.size);
    writeSidecar();
}

void BlobDownload::onFetchFinished(ChunkFetch*, bool ok, const QString& error) {
    if (state_ != State::Running) return;
    if (!ok) return fail(error, noSpace_);
    writeSidecar();
    emit progressed();
    scheduleSoon();
}

void BlobDownload::stopFetches() {
    for (ChunkFetch* f : fetches_) f->stop();
}

void BlobDownload::complete() {
    stopFetches();
    file_.close();
    const QString got = QString::fromLatin1(hash_.result().toHex());
    const QString want = hexOf(source_.digest).toLower();
    if (hashed_ != source_.size || got != want) {
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
    // Written pages sit in small page-cache folios; read back from disk the model maps with
    // 2 MiB pages and decodes faster (engine/core/page_cache.h). Failing only costs speed.
    (void)hearth::dropFromPageCache(QFile::encodeName(dest).toStdString());
    QFile::remove(sidecarPath(root_, source_.digest));
    state_ = State::Done;
    emit progressed();
    emit finished();
}

void BlobDownload::fail(const QString& message, bool removeData) {
    stopFetches();
    if (file_.isOpen()) {
        if (!removeData) writeSidecar(); // the partial stays for a later resume
        file_.close();
    }
    // A full disk gets its space back: keeping gigabytes of partial data would leave it full.
    if (removeData) removePartial();
    state_ = State::Failed;
    error_ = message;
    emit finished();
}

void BlobDownload::pause() {
    if (state_ != State::Running) return;
    stopFetches();
    writeSidecar();
    state_ = State::Paused;
    emit progressed();
}

void BlobDownload::cancel() {
    if (state_ == State::Done || state_ == State::Cancelled) return;
    stopFetches();
    if (file_.isOpen()) file_.close();
    removePartial();
    chunks_.clear();
    state_ = State::Cancelled;
    error_ = QStringLiteral("cancelled");
    emit finished();
}

void BlobDownload::removePartial() {
    QFile::remove(partialPath(root_, source_.digest));
    QFile::remove(sidecarPath(root_, source_.digest));
}

} // namespace hearth
