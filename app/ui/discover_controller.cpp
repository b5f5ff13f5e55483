// DiscoverController: see discover_controller.h.
#include "discover_controller.h"

#include "app/core/byte_size.h"
#include "app/core/download_manager.h"
#include "app/core/hf_client.h"
#include "app/core/remote_gguf_header.h"
#include "app/core/starter_catalog.h"
#include "engine/fit/fit_report.h"
#include "engine/fit/quant_mix.h"
#include "engine/system/cpu_info.h"
#include "model_store_location.h"
#include "shared_download_manager.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
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
      manager_(sharedDownloadManager(storePath_)),
      hf_(std::make_unique<HfClient>(manager_->network(), manager_->settings())),
      downloads_(new DownloadListModel(manager_.get(), this)) {
    loadCatalog();
}

DiscoverController::~DiscoverController() {
    // The queue outlives this page when Chats still holds it: the list must stop following it.
    delete downloads_;
    downloads_ = nullptr;
}

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
                {QStringLiteral("sizeText"), byteSizeText(size)},
                {QStringLiteral("size"), size},
                {QStringLiteral("parts"), f.splitCount},
                {QStringLiteral("spec"), QStringLiteral("hf:") + repoId +
                                             (f.quant.isEmpty() ? QStringLiteral("/") + f.path
                                                                : QStringLiteral(":") + tag)},
                {QStringLiteral("pullable"), !f.sha256.isEmpty()}, // split parts are merged
                {QStringLiteral("verdict"), QString()},
                {QStringLiteral("fit"), QString()},
                {QStringLiteral("fitDetail"), QStringLiteral("estimating...")}});
        }
        emit filesChanged();
        estimateRepoFits(repoId);
    });
}

void DiscoverController::estimateRepoFits(const QString& repoId) {
    // A previous repository's estimates are not wanted.
    if (header_) header_->deleteLater();
    header_ = nullptr;
    for (const QPointer<RemoteGgufHeader>& h : std::as_const(splitHeaders_))
        if (h) h->deleteLater();
    splitHeaders_.clear();

    // One header (a few MB of the smallest single file, by Range) gives the model's shape; every
    // single-file quant listed is judged on it for this machine at a 4096-token context.
    int pick = -1;
    for (int i = 0; i < files_.size(); ++i) {
        const QVariantMap m = files_[i].toMap();
        if (m.value(QStringLiteral("pullable")).toBool() &&
            m.value(QStringLiteral("parts")).toInt() <= 1 &&
            (pick < 0 || m.value(QStringLiteral("size")).toLongLong() <
                             files_[pick].toMap().value(QStringLiteral("size")).toLongLong()))
            pick = i;
    }
    if (pick >= 0) {
        const QString path = files_[pick].toMap().value(QStringLiteral("path")).toString();
        auto* header = new RemoteGgufHeader(manager_->network(), manager_->settings(), {}, this);
        header_ = header;
        connect(header, &RemoteGgufHeader::finished, this, [this, header, repoId, path] {
            header->deleteLater();
            if (header_ != header || repoId != repo_) return;
            header_ = nullptr;
            applySingleFileFits(header, path);
        });
        header->start(hf_->resolveUrl(repoId, path).toString());
    }
    // A split model's part 1 lists only its own tensors: each split row is judged on the headers
    // of all its parts (the reader follows them), as the merged file the download stores.
    for (int i = 0; i < files_.size(); ++i) {
        const QVariantMap m = files_[i].toMap();
        if (m.value(QStringLiteral("parts")).toInt() <= 1) continue;
        const QString path = m.value(QStringLiteral("path")).toString();
        auto* header = new RemoteGgufHeader(manager_->network(), manager_->settings(), {}, this);
        splitHeaders_.append(header);
        connect(header, &RemoteGgufHeader::finished, this, [this, header, repoId, path] {
            header->deleteLater();
            if (!splitHeaders_.removeOne(header) || repoId != repo_) return;
            applySplitFit(header, path);
        });
        header->start(hf_->resolveUrl(repoId, path).toString());
    }
}

namespace {

fit::EstimateOptions discoverOptions() {
    fit::EstimateOptions options; // 4096-token context, F16 KV cache
    options.threads = std::max(1, cpuInfo().physicalCores);
    return options;
}

// A files_ row's badge: the row's verdict, or why there is none (never a guess).
void setRowFit(QVariantMap& m, const fit::FitRow* row, const QString& problem) {
    if (row) {
        m[QStringLiteral("verdict")] =
            QString::fromUtf8(fit::verdictName(row->fit.verdict).data(),
                              qsizetype(fit::verdictName(row->fit.verdict).size()));
        m[QStringLiteral("fit")] = verdictText(row->fit.verdict);
        m[QStringLiteral("fitDetail")] = QString::fromStdString(row->fit.summary);
    } else {
        m[QStringLiteral("verdict")] = QString();
        m[QStringLiteral("fit")] = QString();
        m[QStringLiteral("fitDetail")] =
            problem.isEmpty() ? QStringLiteral("no estimate for this file")
                              : QStringLiteral("estimate unavailable: %1").arg(problem);
    }
}

// The report, or the reason there is none (the badge's detail then says it).
void takeReport(Result<fit::FitReport> r, std::optional<fit::FitReport>& report, QString& problem) {
    if (r)
        report = std::move(*r);
    else
        problem = QString::fromStdString(r.error());
}

} // namespace

void DiscoverController::applySingleFileFits(RemoteGgufHeader* header, const QString& path) {
    std::unique_ptr<RemoteGguf> remote = header->take();
    QString problem = header->error();
    std::optional<fit::FitReport> report;
    if (problem.isEmpty() && remote && remote->gguf) {
        std::vector<std::string> variants;
        for (const QVariant& v : std::as_const(files_)) {
            const std::string q = v.toMap().value(QStringLiteral("quant")).toString().toStdString();
            if (fit::quantVariantByName(q) &&
                std::find(variants.begin(), variants.end(), q) == variants.end())
                variants.push_back(q);
        }
        takeReport(fit::fitReportForGguf(*remote->gguf, variants, discoverOptions(),
                                         fit::probeMachineMemory()),
                   report, problem);
    }
    for (QVariant& v : files_) {
        QVariantMap m = v.toMap();
        if (m.value(QStringLiteral("parts")).toInt() > 1) continue; // judged on its own parts
        const fit::FitRow* row = nullptr;
        if (report)
            for (const fit::FitRow& fr : report->rows) {
                if (!fr.error.empty()) continue;
                // The file whose header was read is judged as stored; the others re-typed.
                const bool same =
                    fr.isFile ? m.value(QStringLiteral("path")).toString() == path
                              : QString::fromStdString(fr.variant)
                                        .compare(m.value(QStringLiteral("quant")).toString(),
                                                 Qt::CaseInsensitive) == 0;
                if (same && (!row || fr.isFile)) row = &fr;
            }
        setRowFit(m, row, problem);
        v = m;
    }
    emit filesChanged();
}

void DiscoverController::applySplitFit(RemoteGgufHeader* header, const QString& path) {
    std::unique_ptr<RemoteGguf> remote = header->take();
    QString problem = header->error();
    std::optional<fit::FitReport> report;
    if (problem.isEmpty() && remote && remote->gguf) {
        takeReport(fit::fitReportForGgufParts(remote->headers(), {}, discoverOptions(),
                                              fit::probeMachineMemory()),
                   report, problem);
    }
    for (QVariant& v : files_) {
        QVariantMap m = v.toMap();
        if (m.value(QStringLiteral("path")).toString() != path) continue;
        setRowFit(m, report ? &report->rows.front() : nullptr, problem);
        v = m;
    }
    emit filesChanged();
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
                {QStringLiteral("sizeText"), bytes > 0 ? byteSizeText(bytes) : QString()},
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
