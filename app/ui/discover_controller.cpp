// DiscoverController: see discover_controller.h.
#include "discover_controller.h"

#include "app/core/download_manager.h"
#include "app/core/hf_client.h"
#include "app/core/starter_catalog.h"
#include "engine/fit/fit_report.h"
#include "engine/system/cpu_info.h"
#include "model_store_location.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace hearth {

namespace {

// "fits_gpu" -> "Fits on GPU": the fit estimator's verdict for a 4096-token context.
QString verdictText(fit::Verdict v) {
    const std::string_view name = fit::verdictName(v);
    if (name == "fits_gpu") return QStringLiteral("fits on GPU");
    if (name == "partial_offload") return QStringLiteral("fits, partly on GPU");
    if (name == "fits_ram") return QStringLiteral("fits in RAM");
    if (name == "tight") return QStringLiteral("tight");
    return QStringLiteral("does not fit");
}

} // namespace

DiscoverController::DiscoverController(QObject* parent)
    : QObject(parent), storePath_(ModelStoreLocation::defaultPath()),
      manager_(new DownloadManager(DownloadSettings::fromEnvironment(), storePath_, this)),
      hf_(std::make_unique<HfClient>(manager_->network(), manager_->settings())),
      downloads_(new DownloadListModel(manager_, this)) {
    loadCatalog();
}

DiscoverController::~DiscoverController() = default;

void DiscoverController::setQuery(const QString& q) {
    if (q == query_) return;
    query_ = q;
    emit queryChanged();
}

void DiscoverController::setSort(const QString& s) {
    if (s == sort_) return;
    sort_ = s;
    emit queryChanged();
}

void DiscoverController::setError(const QString& e) {
    if (e == error_) return;
    error_ = e;
    emit errorChanged();
}

void DiscoverController::search() {
    const HfClient::Sort sort = sort_ == QLatin1String("likes")    ? HfClient::Sort::Likes
                                : sort_ == QLatin1String("recent") ? HfClient::Sort::Recent
                                                                   : HfClient::Sort::Downloads;
    ++busy_;
    emit busyChanged();
    hf_->search(query_, sort, 30, this, [this](QVector<HfRepo> repos, QString error) {
        --busy_;
        emit busyChanged();
        setError(error);
        results_.clear();
        for (const HfRepo& r : repos)
            results_.append(QVariantMap{{QStringLiteral("id"), r.id},
                                        {QStringLiteral("downloads"), r.downloads},
                                        {QStringLiteral("likes"), r.likes},
                                        {QStringLiteral("modified"), r.lastModified.left(10)},
                                        {QStringLiteral("gated"), r.gated}});
        emit resultsChanged();
    });
}

void DiscoverController::openRepo(const QString& repoId) {
    repo_ = repoId;
    files_.clear();
    emit filesChanged();
    ++busy_;
    emit busyChanged();
    hf_->listFiles(repoId, this, [this, repoId](QVector<HfFile> files, QString error) {
        --busy_;
        emit busyChanged();
        if (repoId != repo_) return;
        setError(error);
        // One row per model: shards of a split model are grouped under their first part.
        for (const HfFile& f : files) {
            if (!f.isModel || f.splitIndex > 1) continue;
            qint64 size = f.size;
            if (f.splitCount > 1) {
                const QString prefix =
                    f.path.left(f.path.size() - QStringLiteral("00001-of-00000.gguf").size());
                for (const HfFile& g : files)
                    if (g.splitIndex > 1 && g.path.startsWith(prefix)) size += g.size;
            }
            const QString tag = f.quant.isEmpty() ? f.path.section(QLatin1Char('/'), -1) : f.quant;
            files_.append(QVariantMap{
                {QStringLiteral("path"), f.path},
                {QStringLiteral("quant"), f.quant.isEmpty() ? QStringLiteral("-") : f.quant},
                {QStringLiteral("sizeText"), humanByteCount(size)},
                {QStringLiteral("size"), size},
                {QStringLiteral("parts"), f.splitCount},
                {QStringLiteral("spec"), QStringLiteral("hf:") + repoId +
                                             (f.quant.isEmpty() ? QStringLiteral("/") + f.path
                                                                : QStringLiteral(":") + tag)},
                {QStringLiteral("pullable"), f.splitCount <= 1 && !f.sha256.isEmpty()}});
        }
        emit filesChanged();
    });
}

void DiscoverController::pull(const QString& spec) {
    if (!spec.trimmed().isEmpty()) manager_->enqueue(spec.trimmed());
}

void DiscoverController::loadCatalog() {
    const QString path = findCatalogFile();
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly)) {
        catalogError_ =
            QStringLiteral("The starter catalog (resources/catalog/models.json) was not found.");
        return;
    }
    const QJsonArray models =
        QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("models")).toArray();
    const fit::MachineMemory machine = fit::probeMachineMemory();
    fit::EstimateOptions options; // 4096-token context, F16 KV cache
    options.threads = std::max(1, cpuInfo().physicalCores);
    for (const auto& v : models) {
        const QJsonObject m = v.toObject();
        // The fit estimate for this machine, per variant, before anything is downloaded.
        QHash<QString, QString> fits;
        if (auto cm = parseCatalogModel(m))
            if (auto report = fit::fitReportForCatalog(*cm, options, machine))
                for (const fit::FitRow& row : report->rows)
                    if (row.error.empty())
                        fits.insert(QString::fromStdString(row.variant),
                                    verdictText(row.fit.verdict));
        QVariantList variants;
        const QString hfRepo = m.value(QStringLiteral("huggingface")).toString();
        for (const auto& vv : m.value(QStringLiteral("variants")).toArray()) {
            const QJsonObject var = vv.toObject();
            const qint64 bytes = var.value(QStringLiteral("size_bytes")).toInteger();
            variants.append(QVariantMap{
                {QStringLiteral("name"), var.value(QStringLiteral("name")).toString()},
                {QStringLiteral("sizeText"), bytes > 0 ? humanByteCount(bytes) : QString()},
                {QStringLiteral("estimated"), !var.contains(QStringLiteral("size_published"))},
                {QStringLiteral("fit"), fits.value(var.value(QStringLiteral("name")).toString())},
                {QStringLiteral("spec"), hfRepo.isEmpty()
                                             ? QString()
                                             : QStringLiteral("hf:") + hfRepo + QLatin1Char(':') +
                                                   var.value(QStringLiteral("name")).toString()}});
        }
        catalog_.append(QVariantMap{
            {QStringLiteral("name"), m.value(QStringLiteral("name")).toString()},
            {QStringLiteral("publisher"), m.value(QStringLiteral("publisher")).toString()},
            {QStringLiteral("ollama"), m.value(QStringLiteral("ollama")).toString()},
            {QStringLiteral("huggingface"), hfRepo},
            {QStringLiteral("variants"), variants}});
    }
}

} // namespace hearth
