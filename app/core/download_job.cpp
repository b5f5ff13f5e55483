// DownloadJob: resolve, check space, download blobs in parallel, verify, write the manifest.
#include "app/core/download_job.h"

#include "app/core/byte_size.h"
#include "app/core/download_http.h"
#include "app/core/registry_client.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_merge.h"
#include "engine/gguf/model_summary.h"
#include "engine/store/atomic_file.h"
#include "engine/store/model_store.h"
#include "engine/store/sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QNetworkAccessManager>
#include <QStorageInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <memory>

namespace hearth {

namespace {

qint64 defaultFreeSpace(const QString& dir) {
    QString d = dir;
    while (!QFileInfo::exists(d) && d.contains(QLatin1Char('/')))
        d = d.section(QLatin1Char('/'), 0, -2);
    QStorageInfo info(d.isEmpty() ? QStringLiteral("/") : d);
    return info.isValid() ? info.bytesAvailable() : -1;
}

bool isHfHost(const ModelName& name) {
    const QString host = QString::fromStdString(name.host).toLower();
    return host == QLatin1String("hf.co") || host == QLatin1String("huggingface.co");
}

// Every part of a split GGUF ("-00001-of-00003.gguf" ... "-00003-of-00003.gguf"), in order.
Result<QVector<HfFile>> splitParts(const QVector<HfFile>& files, const HfFile& first) {
    const QString prefix = first.path.chopped(20); // "-00001-of-00003.gguf"
    QVector<HfFile> parts;
    for (int k = 1; k <= first.splitCount; ++k) {
        const QString want = QStringLiteral("%1-%2-of-%3.gguf")
                                 .arg(prefix)
                                 .arg(k, 5, 10, QLatin1Char('0'))
                                 .arg(first.splitCount, 5, 10, QLatin1Char('0'));
        auto it = std::find_if(files.begin(), files.end(), [&](const HfFile& f) {
            return f.path.compare(want, Qt::CaseInsensitive) == 0;
        });
        if (it == files.end())
            return makeError(QStringLiteral("%1 is split into %2 files, but part %3 (%4) is "
                                            "missing from the repository")
                                 .arg(first.path)
                                 .arg(first.splitCount)
                                 .arg(k)
                                 .arg(want)
                                 .toStdString());
        parts.push_back(*it);
    }
    return parts;
}

} // namespace

DownloadJob::DownloadJob(QNetworkAccessManager* nam, DownloadSettings settings, QString storeRoot,
                         QString spec, BandwidthLimiter* limiter, QObject* parent)
    : QObject(parent), nam_(nam), settings_(std::move(settings)), root_(std::move(storeRoot)),
      spec_(std::move(spec)), limiter_(limiter), hf_(nam, settings_) {
    // Byte progress reaches listeners on this tick, not per network read (thousands a second).
    sampler_.setInterval(250);
    connect(&sampler_, &QTimer::timeout, this, &DownloadJob::sample);
}

DownloadJob::~DownloadJob() {
    *abandoned_ = true;
}

QString DownloadJob::stateName() const {
    switch (state_) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Resolving:
        return QStringLiteral("pulling manifest");
    case State::Downloading:
        return QStringLiteral("downloading");
    case State::Paused:
        return QStringLiteral("paused");
    case State::Finishing:
        return splitParts_ ? QStringLiteral("merging parts") : QStringLiteral("writing manifest");
    case State::Done:
        return QStringLiteral("success");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

qint64 DownloadJob::bytesDone() const {
    qint64 n = cached_;
    for (const BlobDownload* b : blobs_)
        n += b->state() == BlobDownload::State::Done ? b->size() : b->received();
    return n;
}

qint64 DownloadJob::etaSeconds() const {
    if (speed_ <= 1) return -1;
    return qint64(double(total_ - bytesDone()) / speed_);
}

void DownloadJob::start() {
    if (state_ != State::Queued) return;
    state_ = State::Resolving;
    emit changed();
    const QString spec = spec_.trimmed();
    if (spec.startsWith(QLatin1String("hf:"))) {
        // hf:owner/repo[:TAG] or hf:owner/repo/path/to/file.gguf
        QString rest = spec.mid(3);
        const QStringList parts = rest.split(QLatin1Char('/'));
        if (parts.size() < 2 || parts[0].isEmpty() || parts[1].isEmpty())
            return fail(QStringLiteral("'%1': expected hf:owner/repo[:QUANT] or "
                                       "hf:owner/repo/file.gguf")
                            .arg(spec));
        QString repoName = parts[1];
        QString tag;
        if (parts.size() == 2 && repoName.contains(QLatin1Char(':'))) {
            tag = repoName.section(QLatin1Char(':'), 1);
            repoName = repoName.section(QLatin1Char(':'), 0, 0);
        } else if (parts.size() > 2) {
            tag = parts.mid(2).join(QLatin1Char('/'));
        }
        return resolveHf(parts[0] + QLatin1Char('/') + repoName, tag);
    }
    auto name = ModelName::parse(spec.toStdString());
    if (!name)
        return fail(QStringLiteral("invalid model name '%1': %2")
                        .arg(spec, QString::fromStdString(name.error())));
    resolveOllama(*name);
}

void DownloadJob::resolveOllama(const ModelName& name) {
    name_ = name;
    modelName_ = QString::fromStdString(name.displayShortest());
    QNetworkRequest req(manifestUrl(name, settings_));
    req.setRawHeader("Accept",
                     QByteArray(media::kManifest.data(), qsizetype(media::kManifest.size())));
    addHfAuth(req, settings_);
    httpGet(nam_, settings_, req, this, [this, name](const HttpResponse& r) {
        if (state_ != State::Resolving) return;
        // Hugging Face's registry endpoint refuses split ("sharded") GGUF tags with a 400; the
        // parts are fetched through the HF file API instead and merged here.
        if (r.status == 400 && isHfHost(name) && r.body.contains("sharded") &&
            !name.nameSpace.empty())
            return resolveHf(QString::fromStdString(name.nameSpace + "/" + name.model),
                             name.tag == "latest" ? QString() // HF's default quant pick
                                                  : QString::fromStdString(name.tag));
        if (r.status != 200)
            return fail(
                QStringLiteral("pull model manifest: %1").arg(describeRegistryError(r, name)));
        auto m = Manifest::parse(std::string_view(r.body.constData(), size_t(r.body.size())));
        if (!m)
            return fail(QStringLiteral("pull model manifest: invalid manifest from %1: %2")
                            .arg(r.url.host(), QString::fromStdString(m.error())));
        if (m->schemaVersion != 2)
            return fail(QStringLiteral("pull model manifest: unsupported schemaVersion %1")
                            .arg(m->schemaVersion));
        QVector<BlobSource> sources;
        for (const ManifestLayer& l : m->layers) {
            if (l.mediaType == media::kTensor || l.mediaType == media::kJson)
                return fail(QStringLiteral("%1 is a safetensors/MLX model; Hearth runs GGUF "
                                           "models only")
                                .arg(modelName_));
            sources.push_back({QString::fromStdString(l.digest), qint64(l.size), {}, {}});
        }
        sources.push_back(
            {QString::fromStdString(m->config.digest), qint64(m->config.size), {}, {}});
        for (BlobSource& s : sources) {
            if (!isValidDigest(s.digest.toStdString()))
                return fail(QStringLiteral("invalid digest '%1' in the manifest").arg(s.digest));
            s.digest =
                s.digest.toLower().replace(QLatin1String("sha256-"), QLatin1String("sha256:"));
            s.url = blobUrl(name, s.digest, settings_);
            s.authorization = r.authorization;
        }
        manifestBytes_ = r.body;
        sources_ = sources;
        begin();
    });
}

void DownloadJob::resolveHf(const QString& repo, const QString& tag) {
    hfRepo_ = repo;
    hf_.listFiles(repo, this, [this, repo, tag](QVector<HfFile> files, QString error) {
        if (state_ != State::Resolving) return;
        if (!error.isEmpty()) return fail(error);
        auto file = pickHfFile(files, tag);
        if (!file)
            return fail(tag.isEmpty()
                            ? QStringLiteral("%1 has no GGUF model file").arg(repo)
                            : QStringLiteral("%1 has no GGUF file matching '%2'").arg(repo, tag));
        QVector<HfFile> parts{*file};
        if (file->splitCount > 1) {
            auto all = splitParts(files, *file);
            if (!all) return fail(QString::fromStdString(all.error()));
            parts = *all;
        }
        for (const HfFile& part : parts)
            if (part.sha256.size() != 64)
                return fail(QStringLiteral("%1 has no LFS sha256 in the repository listing, so "
                                           "it cannot be verified")
                                .arg(part.path));
        QString label = file->quant;
        if (label.isEmpty()) {
            label = file->path.section(QLatin1Char('/'), -1);
            label.chop(5); // ".gguf"
        }
        hfTag_ = label;
        auto name = ModelName::parse(("hf.co/" + repo + ":" + label).toStdString());
        if (!name)
            return fail(QStringLiteral("cannot name %1 in the store: %2")
                            .arg(repo, QString::fromStdString(name.error())));
        name_ = *name;
        modelName_ = QString::fromStdString(name->displayShortest());
        sources_.clear();
        for (const HfFile& part : parts)
            sources_.push_back({QStringLiteral("sha256:") + part.sha256,
                                part.size,
                                hf_.resolveUrl(repo, part.path),
                                {}});
        splitParts_ = parts.size() > 1;
        begin();
    });
}

void DownloadJob::begin() {
    ModelStore store(root_.toStdString());
    total_ = 0;
    cached_ = 0;
    qint64 needed = 0;
    QVector<BlobSource> missing;
    for (const BlobSource& s : sources_) {
        total_ += s.size;
        const QFileInfo blob(QString::fromStdString(store.blobPath(s.digest.toStdString())));
        if (blob.exists() && blob.size() == s.size) {
            cached_ += s.size; // like Ollama: an existing blob is a cache hit
            continue;
        }
        missing.push_back(s);
        needed += s.size - BlobDownload::partialBytes(root_, s);
    }
    // A split model is merged beside its parts before they are removed: room for both.
    if (splitParts_) needed += total_;
    const qint64 free = settings_.freeSpace ? settings_.freeSpace(root_) : defaultFreeSpace(root_);
    if (free >= 0 && needed > free)
        return fail(QStringLiteral("not enough disk space in %1: %2 needed, %3 free")
                        .arg(root_, byteSizeText(needed), byteSizeText(free)));
    for (const BlobSource& s : missing) {
        auto* blob = new BlobDownload(nam_, settings_, root_, s, limiter_, this);
        connect(blob, &BlobDownload::finished, this, [this, blob] { onBlobFinished(blob); });
        blobs_.push_back(blob);
    }
    state_ = State::Downloading;
    clock_.start();
    lastBytes_ = bytesDone();
    lastMs_ = 0;
    sampler_.start();
    emit changed();
    startMore();
}

void DownloadJob::startMore() {
    if (state_ != State::Downloading) return;
    int running = 0;
    for (BlobDownload* b : blobs_) running += b->state() == BlobDownload::State::Running;
    for (BlobDownload* b : blobs_) {
        // The parts of a split model come one after the other (each may still be chunked).
        if (running >= (splitParts_ ? 1 : std::max(1, settings_.parallelBlobs))) break;
        if (b->state() == BlobDownload::State::Idle || b->state() == BlobDownload::State::Paused) {
            b->start();
            ++running;
        }
    }
    bool allDone = true;
    for (BlobDownload* b : blobs_) allDone = allDone && b->state() == BlobDownload::State::Done;
    if (allDone) {
        state_ = State::Finishing;
        emit changed();
        if (manifestBytes_.isEmpty())
            writeHfManifest();
        else
            writeOllamaManifest();
    }
}

void DownloadJob::onBlobFinished(BlobDownload* blob) {
    if (blob->state() == BlobDownload::State::Failed && state_ == State::Downloading) {
        // Keep the other partial files: a later pull resumes them.
        for (BlobDownload* b : blobs_) b->pause();
        return fail(blob->error());
    }
    startMore();
}

void DownloadJob::writeOllamaManifest() {
    ModelStore store(root_.toStdString());
    const std::string path = store.manifestPath(*name_);
    if (auto st = makeDirectories(path.substr(0, path.find_last_of('/'))); !st)
        return fail(QString::fromStdString(st.error()));
    // The registry's bytes, unchanged, so the manifest digest matches what Ollama reports.
    if (auto st = writeFileAtomic(
            path, std::string_view(manifestBytes_.constData(), size_t(manifestBytes_.size())));
        !st)
        return fail(QString::fromStdString(st.error()));
    succeed();
}

void DownloadJob::writeHfManifest() {
    ModelStore store(root_.toStdString());
    if (splitParts_) return startMerge(); // back here once the parts are one blob
    const BlobSource& model = sources_.front();
    const std::string blobPath = store.blobPath(model.digest.toStdString());
    auto gguf = GgufFile::open(blobPath);
    if (!gguf)
        return fail(QStringLiteral("%1 is not a readable GGUF: %2")
                        .arg(modelName_, QString::fromStdString(gguf.error())));
    const ModelSummary summary = summarizeModel(**gguf);
    gguf.value().reset();

    Manifest m;
    ManifestLayer layer;
    layer.mediaType = std::string(media::kModel);
    layer.digest = model.digest.toStdString();
    layer.size = uint64_t(model.size);
    m.layers.push_back(layer);
    // The config blob Ollama would write for this GGUF (shared/docs/protocols.md 1.6).
    const std::string configText = ollamaConfigJson(summary, m.layers);
    const std::string configDigest = "sha256:" + sha256Hex(configText);
    if (auto st = makeDirectories(root_.toStdString() + "/blobs"); !st)
        return fail(QString::fromStdString(st.error()));
    if (auto st = writeFileAtomic(store.blobPath(configDigest), configText); !st)
        return fail(QString::fromStdString(st.error()));
    m.config.mediaType = std::string(media::kConfig);
    m.config.digest = configDigest;
    m.config.size = configText.size();

    const std::string path = store.manifestPath(*name_);
    if (auto st = makeDirectories(path.substr(0, path.find_last_of('/'))); !st)
        return fail(QString::fromStdString(st.error()));
    if (auto st = writeFileAtomic(path, m.serialize()); !st)
        return fail(QString::fromStdString(st.error()));
    total_ += qint64(configText.size());
    cached_ += qint64(configText.size());
    succeed();
}

namespace {

struct MergeOutcome {
    QString error;
    QString path;   // the merged file, not yet named by its digest
    QString digest; // "sha256:<hex>"
    qint64 size = 0;
};

// Merge and hash off the GUI thread: both read and write the whole model.
MergeOutcome mergeAndHash(std::vector<std::string> parts, std::string merged,
                          std::shared_ptr<std::atomic<bool>> abandoned) {
    MergeOutcome o;
    o.path = QString::fromStdString(merged);
    if (auto st = mergeGgufParts(parts, merged); !st) {
        o.error = QString::fromStdString(st.error());
        return o;
    }
    auto hex = sha256File(merged);
    if (!hex || *abandoned) {
        QFile::remove(o.path);
        o.error = hex ? QStringLiteral("cancelled") : QString::fromStdString(hex.error());
        return o;
    }
    o.digest = QStringLiteral("sha256:") + QString::fromStdString(*hex);
    o.size = QFileInfo(o.path).size();
    return o;
}

} // namespace

void DownloadJob::startMerge() {
    ModelStore store(root_.toStdString());
    std::vector<std::string> parts;
    for (const BlobSource& s : sources_) parts.push_back(store.blobPath(s.digest.toStdString()));
    // Merged inside blobs/ (same filesystem, so naming it by its digest is an atomic rename).
    const std::string merged = root_.toStdString() + "/blobs/merging-" +
                               sources_.front().digest.mid(7, 16).toStdString() + ".gguf";
    auto* watcher = new QFutureWatcher<MergeOutcome>(this);
    connect(watcher, &QFutureWatcher<MergeOutcome>::finished, this, [this, watcher, parts] {
        watcher->deleteLater();
        const MergeOutcome o = watcher->result();
        auto removeParts = [&] {
            for (const std::string& p : parts) QFile::remove(QString::fromStdString(p));
        };
        if (state_ != State::Finishing) { // cancelled meanwhile: the parts stay for a re-pull
            QFile::remove(o.path);
            return;
        }
        if (!o.error.isEmpty()) {
            removeParts(); // verified, but they do not make a model: nothing to resume
            return fail(
                QStringLiteral("%1: cannot merge the split parts: %2").arg(modelName_, o.error));
        }
        ModelStore store(root_.toStdString());
        const QString blob = QString::fromStdString(store.blobPath(o.digest.toStdString()));
        QFile::remove(blob); // an earlier merge of the same parts: the same bytes
        if (!QFile::rename(o.path, blob)) {
            QFile::remove(o.path);
            return fail(QStringLiteral("cannot move the merged model to %1").arg(blob));
        }
        removeParts();
        sources_ = {{o.digest, o.size, {}, {}}};
        splitParts_ = false;
        writeHfManifest();
    });
    watcher->setFuture(QtConcurrent::run(mergeAndHash, parts, merged, abandoned_));
}

void DownloadJob::succeed() {
    sampler_.stop();
    state_ = State::Done;
    emit changed();
    emit finished();
}

void DownloadJob::fail(const QString& message) {
    sampler_.stop();
    state_ = State::Failed;
    error_ = message;
    emit changed();
    emit finished();
}

void DownloadJob::pause() {
    if (state_ != State::Downloading) return;
    for (BlobDownload* b : blobs_) b->pause();
    state_ = State::Paused;
    sampler_.stop();
    speed_ = 0;
    emit changed();
}

void DownloadJob::resume() {
    if (state_ != State::Paused) return;
    state_ = State::Downloading;
    clock_.restart();
    lastBytes_ = bytesDone();
    lastMs_ = 0;
    sampler_.start();
    emit changed();
    startMore();
}

void DownloadJob::cancel() {
    if (finishedState()) return;
    sampler_.stop();
    state_ = State::Cancelled; // before the blobs report, so their finish is not a failure
    *abandoned_ = true;        // a merge under way drops its output
    for (BlobDownload* b : blobs_) b->cancel();
    error_ = QStringLiteral("cancelled");
    emit changed();
    emit finished();
}

void DownloadJob::sample() {
    const qint64 now = clock_.elapsed();
    const qint64 bytes = bytesDone();
    if (now <= lastMs_) return;
    const double instant = double(bytes - lastBytes_) * 1000.0 / double(now - lastMs_);
    // Smoothed so the ETA does not jump with every burst.
    speed_ = speed_ <= 0 ? instant : 0.7 * speed_ + 0.3 * instant;
    lastBytes_ = bytes;
    lastMs_ = now;
    emit changed();
}

} // namespace hearth
