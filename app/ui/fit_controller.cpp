#include "fit_controller.h"

#include "app/core/byte_size.h"
#include "engine/fit/model_shape.h"
#include "engine/fit/split_model.h"
#include "engine/system/cpu_info.h"
#include "model_store_location.h"
#include "models_controller.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>

#include <algorithm>
#include <utility>

namespace hearth {

namespace {

fit::EstimateOptions defaultOptions(int64_t nCtx) {
    fit::EstimateOptions o;
    o.nCtx = nCtx;
    // The engine runs one thread per physical core; each keeps an attention row.
    o.threads = std::max(1, cpuInfo().physicalCores);
    return o;
}

} // namespace

QuickFit quickFitForFile(const QString& path, const fit::MachineMemory& machine) {
    auto file = GgufFile::open(path.toStdString());
    if (!file) return {};
    auto shape = fit::shapeFromGguf(**file);
    if (!shape) return {};
    const int64_t nCtx = std::min<int64_t>(4096, std::max<int64_t>(shape->nCtxTrain, 1));
    // One re-typed variant is the cheapest report; only the first row (the file) is used.
    auto report = fit::fitReportForGguf(**file, {"Q8_0"}, defaultOptions(nCtx), machine);
    if (!report || report->rows.empty() || !report->rows.front().error.empty()) return {};
    const fit::FitResult& r = report->rows.front().fit;
    const auto key = fit::verdictName(r.verdict);
    return {QString::fromLatin1(key.data(), static_cast<qsizetype>(key.size())),
            QCoreApplication::translate("FitBadge", "%1 at %2 tokens: %3")
                .arg(FitTableModel::verdictText(r))
                .arg(nCtx)
                .arg(QString::fromStdString(r.summary))};
}

QVector<fit::CatalogModel> readCatalog(const QString& path, QString* error) {
    QVector<fit::CatalogModel> out;
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly)) {
        if (error) *error = FitController::tr("The model catalog was not found.");
        return out;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (doc.isNull()) {
        if (error)
            *error =
                FitController::tr("The model catalog is not valid JSON: %1").arg(pe.errorString());
        return out;
    }
    for (const auto& v : doc.object().value(QLatin1String("models")).toArray())
        if (auto m = parseCatalogModel(v.toObject())) out.push_back(std::move(*m));
    return out;
}

FitController::FitController(QObject* parent) : QObject(parent) {
    machine_ = fit::probeMachineMemory();
    reloadSources();
}

double FitController::marginBytes() const {
    return static_cast<double>(fit::hostMarginBytes(machine_, {}));
}

QString FitController::machineText() const {
    QString text =
        tr("RAM: %1 available of %2")
            .arg(byteSizeText(machine_.ramAvailableBytes), byteSizeText(machine_.ramTotalBytes));
    if (machine_.gpuBytes)
        text += tr(" · GPU: %1 (%2)")
                    .arg(byteSizeText(machine_.gpuBytes), QString::fromStdString(machine_.gpuName));
    else
        text += tr(" · no GPU for offload");
    return text;
}

void FitController::reloadSources() {
    const QString previous =
        current_ >= 0 && current_ < sources_.size()
            ? sources_[current_].toMap().value(QStringLiteral("key")).toString()
            : QString();
    sources_.clear();
    ModelStore store(ModelStoreLocation::defaultPath().toStdString());
    std::vector<std::string> folders;
    for (const QString& f : savedLinkedFolders()) folders.push_back(f.toStdString());
    store.setLinkedFolders(std::move(folders));
    if (auto entries = store.list(false)) {
        for (const StoreEntry& e : *entries) {
            if (e.modelPath.empty() || !QFileInfo::exists(QString::fromStdString(e.modelPath)))
                continue;
            const QString name = QString::fromStdString(e.displayName);
            sources_.append(QVariantMap{
                {QStringLiteral("kind"), QStringLiteral("local")},
                {QStringLiteral("key"), QString::fromStdString(e.modelPath)},
                {QStringLiteral("label"), e.linked ? tr("%1 (linked file)").arg(name) : name}});
        }
    }
    QString catalogError;
    catalog_ = readCatalog(findCatalogFile(), &catalogError);
    for (const fit::CatalogModel& m : catalog_)
        sources_.append(
            QVariantMap{{QStringLiteral("kind"), QStringLiteral("catalog")},
                        {QStringLiteral("key"), QString::fromStdString(m.id)},
                        {QStringLiteral("label"),
                         tr("%1 (catalog)").arg(QString::fromStdString(m.displayName))}});
    for (const auto& [key, remote] : remotes_)
        sources_.append(QVariantMap{
            {QStringLiteral("kind"), QStringLiteral("remote")},
            {QStringLiteral("key"), key},
            {QStringLiteral("label"), tr("%1 (remote, header only)").arg(remote->displayName)}});
    emit sourcesChanged();
    if (previous.isEmpty() || !selectKey(previous)) {
        current_ = -1;
        setCurrentIndex(sources_.isEmpty() ? -1 : 0);
    }
}

bool FitController::selectKey(const QString& key) {
    for (int i = 0; i < sources_.size(); ++i) {
        if (sources_[i].toMap().value(QStringLiteral("key")).toString() == key) {
            current_ = -1; // force a recompute even when the index is the same
            setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

void FitController::addRemote(const QString& spec) {
    if (remoteReader_ || spec.trimmed().isEmpty()) return;
    if (!nam_) nam_ = new QNetworkAccessManager(this);
    DownloadSettings settings = DownloadSettings::fromEnvironment();
    remoteReader_ = new RemoteGgufHeader(nam_, settings, {}, this);
    remoteStatus_ = tr("Reading the header of %1…").arg(spec.trimmed());
    emit remoteChanged();
    connect(remoteReader_, &RemoteGgufHeader::finished, this, [this] {
        RemoteGgufHeader* reader = std::exchange(remoteReader_, nullptr);
        reader->deleteLater();
        if (!reader->error().isEmpty()) {
            remoteStatus_ = reader->error();
            emit remoteChanged();
            return;
        }
        std::shared_ptr<RemoteGguf> remote = reader->take();
        const QString key = remote->url.toString();
        remoteStatus_ = tr("Read %1 of %2 (the header only)")
                            .arg(byteSizeText(remote->bytesRead),
                                 remote->fileSize >= 0 ? byteSizeText(remote->fileSize)
                                                       : tr("an unknown size"));
        remotes_[key] = std::move(remote);
        emit remoteChanged();
        reloadSources();
        selectKey(key);
    });
    remoteReader_->start(spec);
}

void FitController::setCurrentIndex(int index) {
    if (index == current_) return;
    current_ = (index >= 0 && index < sources_.size()) ? index : -1;
    maxCtx_ = 0; // the new model's maximum is learned in recompute()
    recompute();
}

void FitController::setContextLength(int ctx) {
    if (ctx == ctx_) return;
    ctx_ = ctx;
    recompute();
}

int FitController::minContext() const {
    return static_cast<int>(std::min<int64_t>(2048, std::max<int64_t>(maxCtx_, 1)));
}

int FitController::maxContext() const {
    return static_cast<int>(std::min<int64_t>(maxCtx_, std::numeric_limits<int>::max()));
}

QString FitController::recommendedVariant() const {
    const auto& r = table_.report();
    if (r.recommended < 0 || r.recommended >= static_cast<int>(r.rows.size())) return {};
    return QString::fromStdString(r.rows[static_cast<size_t>(r.recommended)].variant);
}

void FitController::recompute() {
    error_.clear();
    shapeText_.clear();
    if (current_ < 0) {
        table_.clear();
        emit reportChanged();
        return;
    }
    const QVariantMap source = sources_[current_].toMap();
    const QString key = source.value(QStringLiteral("key")).toString();
    Result<fit::FitReport> report = makeError("unknown source");
    auto clampCtx = [this](int64_t nCtxTrain) {
        const bool fresh = maxCtx_ == 0;
        maxCtx_ = std::max<int64_t>(nCtxTrain, 1);
        if (fresh) ctx_ = std::min<int64_t>(4096, maxCtx_);
        ctx_ = std::clamp<int64_t>(ctx_, std::min<int64_t>(2048, maxCtx_), maxCtx_);
    };
    if (source.value(QStringLiteral("kind")) == QLatin1String("local")) {
        // The file, or every part of a split model (its first part's siblings in its folder).
        auto parts = fit::openModelParts(key.toStdString());
        if (!parts) {
            report = makeError(parts.error());
        } else if (auto shape = fit::shapeFromGguf(*parts->front()); !shape) {
            report = makeError(shape.error());
        } else {
            clampCtx(shape->nCtxTrain);
            std::vector<const GgufFile*> headers;
            for (const auto& f : *parts) headers.push_back(f.get());
            report = fit::fitReportForGgufParts(headers, {}, defaultOptions(ctx_), machine_);
        }
    } else if (source.value(QStringLiteral("kind")) == QLatin1String("remote")) {
        const auto it = remotes_.find(key);
        if (it != remotes_.end()) {
            const RemoteGguf& remote = *it->second;
            if (auto shape = fit::shapeFromGguf(*remote.gguf); !shape) {
                report = makeError(shape.error());
            } else {
                clampCtx(shape->nCtxTrain);
                report = fit::fitReportForGgufParts(remote.headers(), {}, defaultOptions(ctx_),
                                                    machine_);
                // The server's size, not the tensor table's sum (a split model's row is the
                // merged file, sized from its parts' headers).
                if (report && remote.laterParts.empty() && remote.fileSize > 0 &&
                    !report->rows.empty())
                    report->rows.front().fileBytes = uint64_t(remote.fileSize);
            }
        }
    } else {
        for (const fit::CatalogModel& m : catalog_) {
            if (QString::fromStdString(m.id) != key) continue;
            clampCtx(m.shape.nCtxTrain);
            report = fit::fitReportForCatalog(m, defaultOptions(ctx_), machine_);
        }
    }
    if (!report) {
        error_ = QString::fromStdString(report.error());
        table_.clear();
    } else {
        const fit::ModelShape& s = report->shape;
        shapeText_ =
            tr("%1 · %2 layers · n_embd %3 · %4 heads / %5 KV heads · vocab %6 · max context %7")
                .arg(QString::fromStdString(s.arch))
                .arg(s.nLayer)
                .arg(s.nEmbd)
                .arg(s.nHead)
                .arg(s.nHeadKv)
                .arg(s.nVocab)
                .arg(s.nCtxTrain);
        table_.setReport(std::move(*report));
    }
    emit reportChanged();
}

} // namespace hearth
